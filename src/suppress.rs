//! Inline suppressions: comments that accept a finding where it is.
//!
//! - `# dhlint: ignore[DH101, DH103] reason` at the end of a line covers that line. On a line
//!   of its own it covers what follows. In a Compose file that is the next key and everything
//!   indented under it, so above a service key it covers the whole service. In a Dockerfile it
//!   is the next instruction with its continuation lines. Dockerfiles have no end-of-line comments, since
//!   `#` after an instruction is part of its arguments.
//! - `# dhlint: ignore-file[DH201]` in the file's first comment block covers the whole file.
//! - hadolint's `# hadolint ignore=DL3002` (next instruction) and
//!   `# hadolint global ignore=DL3002` (whole file) suppress the dhlint rules whose pages list
//!   the same hadolint check.
//!
//! Rules are written by code or by name. A dhlint suppression that suppresses nothing is
//! reported as DH002, with a fix that removes it.

use std::ops::RangeInclusive;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::discovery::FileKind;
use crate::fix::{Edit, Fix};
use crate::rules::{RULES, RuleMeta, tool};
use crate::source::{LineIndex, Span};

static DHLINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"#\s*dhlint:\s*(?P<kind>ignore-file|ignore)\s*\[(?P<codes>[^\]\n]*)\]")
        .unwrap_or_else(|e| panic!("{e}"))
});

static HADOLINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"#\s*hadolint\s+(?P<global>global\s+)?ignore\s*=\s*(?P<codes>[A-Za-z0-9, ]+)")
        .unwrap_or_else(|e| panic!("{e}"))
});

static HADOLINT_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bDL\d{4}\b").unwrap_or_else(|e| panic!("{e}")));

/// One rule listed in a suppression comment.
#[derive(Debug)]
struct Listed {
    rules: Vec<&'static RuleMeta>,
    text: String,
    span: Span,
    used: bool,
}

/// One suppression comment.
#[derive(Debug)]
struct Suppression {
    /// Lines it covers, 1-based.
    lines: RangeInclusive<usize>,
    listed: Vec<Listed>,
    /// The comment, from `#` to the end of the line.
    comment: Span,
    /// Whether it is a hadolint comment, which is never reported unused.
    hadolint: bool,
    /// Whether the comment shares its line with code.
    trailing: bool,
}

/// The dhlint rules whose pages name the hadolint check `code` (such as `DL3002`).
fn rules_for_hadolint(code: &str) -> Vec<&'static RuleMeta> {
    RULES
        .iter()
        .copied()
        .filter(|rule| {
            let references = rule.doc.split("\n## References\n").nth(1).unwrap_or("");
            HADOLINT_CODE
                .find_iter(references)
                .any(|m| m.as_str().eq_ignore_ascii_case(code))
        })
        .collect()
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn is_comment_or_blank(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// The lines covered by a comment on its own line at `line` (0-based index into `lines`).
fn covered_after(kind: FileKind, lines: &[&str], line: usize) -> RangeInclusive<usize> {
    let Some(first) = (line + 1..lines.len()).find(|&i| !is_comment_or_blank(lines[i])) else {
        return line + 1..=line + 1;
    };
    let mut last = first;
    match kind {
        FileKind::Compose | FileKind::Daemon => {
            let indent = indent_of(lines[first]);
            for (i, text) in lines.iter().enumerate().skip(first + 1) {
                if is_comment_or_blank(text) {
                    continue;
                }
                // A sequence item at the same indentation still belongs to the key above it.
                let deeper = indent_of(text) > indent
                    || (indent_of(text) == indent
                        && text.trim_start().starts_with("- ")
                        && !lines[first].trim_start().starts_with("- "));
                if !deeper {
                    break;
                }
                last = i;
            }
        }
        // A comment in an env file covers only the next line.
        FileKind::Env => {}
        FileKind::Dockerfile => {
            let mut i = first;
            while i < lines.len() {
                last = i;
                let trimmed = lines[i].trim_end();
                if !(trimmed.ends_with('\\') || trimmed.ends_with('`')) {
                    break;
                }
                i += 1;
                while i < lines.len() && is_comment_or_blank(lines[i]) {
                    i += 1;
                }
            }
        }
    }
    first + 1..=last + 1
}

/// Finds the suppression comments in `text`.
fn parse(kind: FileKind, text: &str) -> Vec<Suppression> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut offset = 0;
    let mut in_header = true;
    // Inside a Dockerfile line continuation, comment lines belong to the instruction (Docker
    // drops them), so they are not suppressions.
    let mut continuing = false;
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let line_start = offset;
        offset += line.len() + 1;
        let own_line = line.trim_start().starts_with('#');
        in_header &= is_comment_or_blank(line);
        if kind == FileKind::Dockerfile {
            let inside = continuing;
            if !is_comment_or_blank(line) {
                let trimmed = line.trim_end();
                continuing = trimmed.ends_with('\\') || trimmed.ends_with('`');
            }
            if inside {
                continue;
            }
        }
        if !line.contains('#') {
            continue;
        }
        // Dockerfiles only have full-line comments.
        if kind == FileKind::Dockerfile && !own_line {
            continue;
        }
        let comment_end = line_start + line.trim_end_matches('\r').len();
        if let Some(captures) = DHLINT.captures(line) {
            let whole = captures.get(0).map_or(0, |m| m.start());
            if !own_line && !line[..whole].ends_with([' ', '\t']) {
                continue;
            }
            let file_wide = &captures["kind"] == "ignore-file";
            let lines_covered = if file_wide {
                if !in_header {
                    continue;
                }
                1..=usize::MAX
            } else if own_line {
                covered_after(kind, &lines, index)
            } else {
                index + 1..=index + 1
            };
            let codes = captures
                .name("codes")
                .map_or((0, ""), |m| (m.start(), m.as_str()));
            let mut listed = Vec::new();
            let mut at = codes.0;
            for part in codes.1.split(',') {
                let start = at + part.len() - part.trim_start().len();
                at += part.len() + 1;
                let name = part.trim();
                if name.is_empty() {
                    continue;
                }
                let span = Span::new(line_start + start, line_start + start + name.len());
                let rules = crate::rules::find(name).into_iter().collect();
                listed.push(Listed {
                    rules,
                    text: name.to_owned(),
                    span,
                    used: false,
                });
            }
            found.push(Suppression {
                lines: lines_covered,
                listed,
                comment: Span::new(line_start + whole, comment_end),
                hadolint: false,
                trailing: !own_line,
            });
        } else if let Some(captures) = HADOLINT.captures(line) {
            let global = captures.name("global").is_some();
            let lines_covered = if global {
                1..=usize::MAX
            } else {
                covered_after(kind, &lines, index)
            };
            let listed = captures["codes"]
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|code| Listed {
                    rules: rules_for_hadolint(code),
                    text: code.to_owned(),
                    span: Span::empty(line_start),
                    used: false,
                })
                .collect();
            let start = captures.get(0).map_or(0, |m| m.start());
            found.push(Suppression {
                lines: lines_covered,
                listed,
                comment: Span::new(line_start + start, comment_end),
                hadolint: true,
                trailing: false,
            });
        }
    }
    found
}

/// Where the parser found comments, so that `#` text that is data is not taken for one.
#[derive(Clone, Copy, Debug, Default)]
pub struct Comments<'a> {
    /// Spans of data that may contain `#` lines, such as heredoc bodies.
    pub data: &'a [Span],
    /// The start of every real comment, when the parser lists them (YAML).
    pub starts: Option<&'a [usize]>,
}

/// Removes the findings that suppression comments in `text` cover, and adds a DH002 finding
/// for every dhlint suppression that covered none. `reported` returns whether a rule is
/// enabled, because a suppression of a disabled rule is not reported as unused.
pub fn apply(
    kind: FileKind,
    text: &str,
    comments: Comments,
    diagnostics: &mut Vec<Diagnostic>,
    reported: &dyn Fn(&str) -> bool,
) {
    // Every suppression comment has `dhlint:` or names hadolint.
    if !text.contains('#') || !(text.contains("dhlint:") || text.contains("hadolint")) {
        return;
    }
    let mut suppressions = parse(kind, text);
    suppressions.retain(|s| {
        let in_data = comments
            .data
            .iter()
            .any(|span| span.contains(s.comment.start));
        let real = comments
            .starts
            .is_none_or(|starts| starts.binary_search(&s.comment.start).is_ok());
        !in_data && real
    });
    if suppressions.is_empty() {
        return;
    }
    let index = LineIndex::new(text);
    diagnostics.retain(|diagnostic| {
        if diagnostic.unreadable {
            return true;
        }
        // Marks the suppressions at `offset` that list the finding's rule as used, and returns
        // whether there was one.
        let mut mark_used = |offset: usize| {
            let line = index.position(text, offset).line;
            let mut found = false;
            for suppression in suppressions.iter_mut().filter(|s| s.lines.contains(&line)) {
                for listed in &mut suppression.listed {
                    if listed
                        .rules
                        .iter()
                        .any(|r| std::ptr::eq(*r, diagnostic.rule))
                    {
                        listed.used = true;
                        found = true;
                    }
                }
            }
            found
        };
        let suppressed = mark_used(diagnostic.span.start);
        // A finding in a shared anchor is reported once, at the anchor, with a label where each
        // other service merges or aliases it. A suppression at such a label does not hide the
        // finding, which concerns the other services too, but it is not unused either: removing
        // it as unused (DH002) would delete the author's comment.
        for label in &diagnostic.related {
            mark_used(label.span.start);
        }
        !suppressed
    });
    // A file that did not parse was not checked, so whether a suppression is used is unknown.
    let parsed = !diagnostics.iter().any(|d| d.unreadable);
    if !parsed || !reported(crate::rules::tool::UNUSED_SUPPRESSION.code) {
        return;
    }
    let lone_cr = crate::source::has_lone_cr(text);
    // A service with duplicate keys is not judged, so whether a suppression in it is used can
    // change as other fixes apply. Its removal waits until the duplicates are gone.
    let duplicates = diagnostics
        .iter()
        .any(|d| std::ptr::eq(d.rule, &tool::DUPLICATE_KEY));
    for suppression in suppressions.iter().filter(|s| !s.hadolint) {
        let unused: Vec<&Listed> = suppression
            .listed
            .iter()
            .filter(|l| !l.used && l.rules.iter().all(|r| reported(r.code)))
            .collect();
        if unused.is_empty() {
            continue;
        }
        let all_unused = unused.len() == suppression.listed.len();
        for listed in &unused {
            let message = if listed.rules.is_empty() {
                format!(
                    "Suppression names `{}`, which is not a dhlint rule",
                    listed.text
                )
            } else {
                format!("Unused suppression: no `{}` finding here", listed.text)
            };
            // When every listed rule is unused, each finding carries the same edit removing the
            // whole comment; the fixer applies it once.
            let fix = if all_unused {
                Fix::safe(
                    "Remove the suppression comment",
                    remove_comment(text, suppression),
                )
            } else {
                Fix::safe(
                    format!("Remove `{}` from the suppression", listed.text),
                    remove_code(text, listed.span),
                )
            };
            // Lines are split at `\n` here; with lone `\r` line breaks the editor's lines and
            // the parser's differ, so no fix is offered.
            let fix = if lone_cr {
                Err("the file uses lone carriage returns".to_owned())
            } else if duplicates {
                Err("the file has duplicate keys (DH003)".to_owned())
            } else {
                Ok(fix)
            };
            diagnostics.push(
                Diagnostic::new(&tool::UNUSED_SUPPRESSION, listed.span, message)
                    .with_label("suppresses nothing")
                    .with_help("Remove it, so that stale suppressions do not hide future findings")
                    .with_fix(fix),
            );
        }
    }
}

/// An edit that deletes a suppression comment: the whole line when the comment is alone on it,
/// otherwise the comment and the spaces before it.
fn remove_comment(text: &str, suppression: &Suppression) -> Edit {
    let comment = suppression.comment;
    if suppression.trailing {
        let before = text[..comment.start].trim_end_matches([' ', '\t']).len();
        return Edit::replace(Span::new(before, comment.end), "");
    }
    let line_start = text[..comment.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[comment.end..]
        .find('\n')
        .map_or(text.len(), |i| comment.end + i + 1);
    Edit::replace(Span::new(line_start, line_end), "")
}

/// An edit that deletes one code from a suppression's list, with its comma.
fn remove_code(text: &str, code: Span) -> Edit {
    let after = &text[code.end..];
    let trailing_comma = after.len() - after.trim_start_matches([' ', '\t']).len();
    if after[trailing_comma..].starts_with(',') {
        let end = code.end + trailing_comma + 1;
        let spaces = text[end..].len() - text[end..].trim_start_matches([' ', '\t']).len();
        return Edit::replace(Span::new(code.start, end + spaces), "");
    }
    // The last code: remove the comma before it.
    let before = text[..code.start].trim_end_matches([' ', '\t']);
    let start = before.strip_suffix(',').map_or(code.start, str::len);
    Edit::replace(Span::new(start, code.end), "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_block_coverage() {
        let text = "services:\n  # dhlint: ignore[DH101] batch job\n  web:\n    image: x\n    ports:\n    - 80\n  db:\n    image: y\n";
        let found = parse(FileKind::Compose, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].lines, 3..=6);
    }

    #[test]
    fn dockerfile_instruction_coverage() {
        let text = "FROM a\n# hadolint ignore=DL3002\nRUN a \\\n  # note\n  b\nUSER root\n";
        let found = parse(FileKind::Dockerfile, text);
        assert_eq!(found[0].lines, 3..=5);
        assert!(found[0].hadolint);
        assert_eq!(found[0].listed[0].rules.len(), 1);
    }

    #[test]
    fn trailing_comment_in_dockerfile_is_not_a_suppression() {
        let found = parse(
            FileKind::Dockerfile,
            "FROM a\nUSER root # dhlint: ignore[DH201]\n",
        );
        assert!(found.is_empty());
    }

    #[test]
    fn removing_codes() {
        let text = "# dhlint: ignore[DH101, DH103]";
        let first = text.find("DH101").unwrap();
        let edit = remove_code(text, Span::new(first, first + 5));
        assert_eq!(edit.span, Span::new(first, first + 7));
        let last = text.find("DH103").unwrap();
        let edit = remove_code(text, Span::new(last, last + 5));
        assert_eq!(&text[..edit.span.start], "# dhlint: ignore[DH101");
    }
}
