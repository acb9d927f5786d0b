//! DH204 secret-file-copied: `COPY` or `ADD` of a credential file, or of the whole build
//! context when no `.dockerignore` keeps such files out.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::Dockerfile;
use crate::rules::{RuleMeta, Target, rule_doc};

use super::instructions::{copy_sources, with_triggers};

/// DH204 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH204",
    name: "secret-file-copied",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.10"),
    doc: rule_doc!("DH204"),
};

/// File names that hold credentials, matched on the last path component.
const EXACT_NAMES: &[&str] = &[".env", ".npmrc", ".pypirc", ".netrc", ".git-credentials"];

/// Name suffixes of key, certificate-bundle and cluster-credential files; `.pem` files are
/// checked by [`is_public_pem`] first.
const SUFFIXES: &[&str] = &[".key", ".p12", ".kubeconfig"];

/// Name prefixes of SSH private keys.
const SSH_KEY_PREFIXES: &[&str] = &["id_rsa", "id_ed25519"];

/// Paths whose last two components name a credential file.
const PATH_SUFFIXES: &[&str] = &[".aws/credentials", ".docker/config.json"];

/// Words in a `.pem` file name that mark public material: certificates, CA bundles and
/// Diffie-Hellman parameters.
const PUBLIC_PEM_WORDS: &[&str] = &[
    "ca",
    "cacert",
    "cert",
    "certs",
    "certificate",
    "crt",
    "chain",
    "fullchain",
    "bundle",
    "root",
    "intermediate",
    "pub",
    "public",
    "dh",
    "dhparam",
    "dhparams",
];

/// Returns whether a lowercase `.pem` file name names public material, such as `ca.pem`,
/// `server-cert.pem` or `ffdhe4096.pem`, unless it also contains `key`.
fn is_public_pem(name: &str) -> bool {
    let stem = name.trim_end_matches(".pem");
    let words: Vec<&str> = stem.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    if words
        .iter()
        .any(|word| word.contains("key") || *word == "priv" || *word == "private")
    {
        return false;
    }
    stem.starts_with("ffdhe") || words.iter().any(|word| PUBLIC_PEM_WORDS.contains(word))
}

/// Returns whether `source` (a `COPY` or `ADD` source path, maybe with wildcards) names a
/// credential file. Public SSH keys (`id_rsa.pub`) are not credentials.
pub fn is_credential_file(source: &str) -> bool {
    let path = source.trim_end_matches('/');
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if EXACT_NAMES.contains(&lower.as_str()) {
        return true;
    }
    if lower.ends_with(".pem") {
        return !is_public_pem(&lower);
    }
    if SUFFIXES.iter().any(|suffix| lower.ends_with(suffix)) {
        return true;
    }
    if SSH_KEY_PREFIXES
        .iter()
        .any(|prefix| lower.starts_with(prefix))
    {
        return !lower.ends_with(".pub");
    }
    PATH_SUFFIXES
        .iter()
        .any(|suffix| path == *suffix || path.ends_with(&format!("/{suffix}")))
}

/// Returns whether a `.dockerignore` applies to the Dockerfile at `path`: one in its folder
/// (taken as the build context) or a `<name>.dockerignore` next to it.
fn has_dockerignore(path: &Path) -> bool {
    let folder = path.parent().unwrap_or(Path::new("."));
    if folder.join(".dockerignore").is_file() {
        return true;
    }
    let Some(name) = path.file_name() else {
        return false;
    };
    let mut own = name.to_os_string();
    own.push(".dockerignore");
    folder.join(own).is_file()
}

/// DH204: flags credential files among `COPY`/`ADD` sources, and `COPY .` when `path` is known
/// and no `.dockerignore` applies to it.
pub fn check(file: &Dockerfile, path: Option<&Path>, out: &mut Vec<Diagnostic>) {
    let mut ignore_file: Option<bool> = None;
    for instruction in with_triggers(file) {
        if !instruction.is("COPY") && !instruction.is("ADD") {
            continue;
        }
        let keyword = &instruction.keyword;
        let from_context = instruction.flag("from").is_none();
        for source in copy_sources(instruction) {
            if source.text.contains("://") {
                continue;
            }
            if is_credential_file(&source.text) {
                out.push(
                    Diagnostic::new(
                        &META,
                        source.span,
                        format!(
                            "`{keyword}` copies `{}`, a credential file, into the image",
                            source.text
                        ),
                    )
                    .with_label("credential file")
                    .with_help(
                        "Pass the file as a build secret instead (`RUN --mount=type=secret,id=...`), \
                         or mount it at run time",
                    ),
                );
                continue;
            }
            let whole_context = matches!(source.text.as_str(), "." | "./");
            let Some(path) = path.filter(|_| whole_context && from_context) else {
                continue;
            };
            if !*ignore_file.get_or_insert_with(|| has_dockerignore(path)) {
                out.push(
                    Diagnostic::new(
                        &META,
                        source.span,
                        format!(
                            "`{keyword} .` copies the whole build context, and no `.dockerignore` \
                             keeps files such as `.env` or `.git` out of the image"
                        ),
                    )
                    .with_label("whole build context")
                    .with_help(
                        "Add a `.dockerignore` next to the Dockerfile that excludes `.git`, `.env` \
                         and key files, or copy only the paths the image needs",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names() {
        for name in [
            ".env",
            "config/.env",
            "tls/server.pem",
            "server.KEY",
            "certs/client.p12",
            "id_rsa",
            "keys/id_ed25519_deploy",
            ".npmrc",
            ".pypirc",
            ".netrc",
            ".git-credentials",
            ".aws/credentials",
            "home/.docker/config.json",
            "prod.kubeconfig",
            "secrets/*.pem",
            "tls/server-key.pem",
            "private.pem",
        ] {
            assert!(is_credential_file(name), "{name}");
        }
        for name in [
            ".env.example",
            "id_rsa.pub",
            "keyring.gpg",
            "package.json",
            "credentials",
            "docker/config.json",
            "monkey",
            "shared/ffdhe4096.pem",
            ".pki/ca.pem",
            "tls/server-cert.pem",
            "fullchain.pem",
        ] {
            assert!(!is_credential_file(name), "{name}");
        }
    }
}
