//! DH205 add-instead-of-copy: `ADD` where `COPY` does the job, or `ADD <url>` without a
//! checksum.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, Instruction, Word};
use crate::fix::{Edit, Fix};
use crate::rules::{RuleMeta, Target, rule_doc};

use super::instructions::{copy_sources, with_triggers};

/// DH205 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH205",
    name: "add-instead-of-copy",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.9"),
    doc: rule_doc!("DH205"),
};

/// Suffixes of the archives `ADD` extracts. Docker recognises an archive by its content, and a
/// compressed file (`.gz`, `.bz2`, `.xz`, `.zst`) may hold a tar archive, so those count too.
const ARCHIVES: &[&str] = &[
    ".tar", ".tgz", ".tbz2", ".tbz", ".txz", ".gz", ".bz2", ".xz", ".zst",
];

/// Flags that only `ADD` takes, so the instruction cannot become a `COPY`.
const ADD_ONLY_FLAGS: &[&str] = &["checksum", "keep-git-dir", "unpack"];

/// Returns whether an `ADD` source is a remote URL or a Git repository.
pub fn is_remote(source: &str) -> bool {
    source.contains("://") || is_git_source(source)
}

/// Returns whether an `ADD` source is a Git repository, as BuildKit's `gitutil.ParseGitRef`
/// decides: a `git://` or `ssh://` URL, an SCP-style address (`git@github.com:org/repo.git`), or
/// an `http://` or `https://` URL whose path ends in `.git`.
fn is_git_source(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("git://") || lower.starts_with("ssh://") {
        return true;
    }
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        let path = rest.split(['#', '?']).next().unwrap_or(rest);
        return path.ends_with(".git");
    }
    is_scp_style(source)
}

/// Returns whether `source` is an SCP-style address, `user@host:path`.
fn is_scp_style(source: &str) -> bool {
    let Some((user, rest)) = source.split_once('@') else {
        return false;
    };
    let Some((host, _)) = rest.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        && !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
}

/// Returns whether a Git source names a full commit hash (`repo.git#<40 hex digits>`), which
/// pins the content as a checksum does.
fn is_git_commit(source: &str) -> bool {
    source.rsplit_once('#').is_some_and(|(_, reference)| {
        let commit = reference.split(':').next().unwrap_or(reference);
        commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Returns whether a local `ADD` source is an archive that `ADD` extracts.
fn is_archive(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ARCHIVES.iter().any(|suffix| lower.ends_with(suffix))
}

/// DH205: flags `ADD` of local files that are not archives (with a safe fix to `COPY`), `ADD`
/// of a URL without `--checksum`, and `ADD` of a Git repository not pinned to a commit hash.
pub fn check(file: &Dockerfile, text: &str, out: &mut Vec<Diagnostic>) {
    for instruction in with_triggers(file) {
        if !instruction.is("ADD") {
            continue;
        }
        let sources = copy_sources(instruction);
        let has_checksum = instruction.flag("checksum").is_some();
        let remote: Vec<_> = sources.iter().filter(|s| is_remote(&s.text)).collect();
        for source in &remote {
            if has_checksum || is_git_commit(&source.text) {
                continue;
            }
            out.push(if is_git_source(&source.text) {
                Diagnostic::new(
                    &META,
                    source.span,
                    format!(
                        "`ADD {}` clones a Git repository without pinning a full commit hash, so \
                         the branch or tag it follows can change",
                        source.text
                    ),
                )
                .with_label("Git source without a commit hash")
                .with_help(
                    "Pin the repository to a full commit hash after `#`, such as \
                     `https://github.com/org/repo.git#<40-digit commit hash>`",
                )
            } else {
                Diagnostic::new(
                    &META,
                    source.span,
                    format!(
                        "`ADD {}` downloads a file without checking its checksum",
                        source.text
                    ),
                )
                .with_label("remote source without --checksum")
                .with_help(
                    "Add `--checksum=sha256:<digest>` to the `ADD`, or download with `curl` in a \
                     `RUN` and verify the file there",
                )
            });
        }
        if !remote.is_empty() || sources.iter().any(|s| is_archive(&s.text)) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &META,
                instruction.keyword_span,
                "`ADD` copies local files; `COPY` does the same without `ADD`'s URL download and \
                 archive extraction",
            )
            .with_label("use COPY")
            .with_help("Replace `ADD` with `COPY`")
            .with_fix(copy_fix(text, instruction, &sources)),
        );
    }
}

/// Replaces the `ADD` keyword with `COPY` in the same letter case, keeping the rest of the line.
fn copy_fix(text: &str, instruction: &Instruction, sources: &[Word]) -> Result<Fix, String> {
    if let Some(flag) = ADD_ONLY_FLAGS
        .iter()
        .find(|name| instruction.flag(name).is_some())
    {
        return Err(format!("`--{flag}` is an `ADD`-only flag"));
    }
    if sources.iter().any(|s| s.text.contains('$')) {
        return Err("a source contains a variable, which may name an archive or a URL".into());
    }
    // `ADD` extracts every archive a pattern matches, and `COPY` would not.
    if sources.iter().any(|s| s.text.contains(['*', '?', '['])) {
        return Err("a source is a wildcard pattern, which may match an archive".into());
    }
    let span = instruction.keyword_span;
    let written = text.get(span.start..span.end).unwrap_or("ADD");
    let keyword = if written.chars().all(|c| c.is_ascii_lowercase()) {
        "copy"
    } else if written.starts_with(|c: char| c.is_ascii_uppercase())
        && written[1..].chars().all(|c| c.is_ascii_lowercase())
    {
        "Copy"
    } else {
        "COPY"
    };
    Ok(Fix::safe(
        format!("Replace `{written}` with `{keyword}`"),
        Edit::replace(span, keyword),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_sources() {
        for source in [
            "git@github.com:org/repo.git#v0.10.1",
            "https://github.com/org/repo.git#v1",
            "HTTPS://github.com/org/repo.git",
            "http://git.example.com/repo.git?ref=main",
            "git://git.example.com/repo",
            "ssh://git@github.com/org/repo",
            "deploy_bot@git.example.com:org/repo",
        ] {
            assert!(is_git_source(source), "{source}");
            assert!(is_remote(source), "{source}");
        }
        for source in [
            "https://releases.example.com/orders.bin",
            "https://example.com/repo.git/archive.tar.gz",
            "github.com/org/repo",
            "src/a@b:c/d",
            "conf/",
        ] {
            assert!(!is_git_source(source), "{source}");
        }
    }
}
