//! DH210 tls-verification-disabled: downloads or package installs that skip TLS certificate or
//! package signature checks.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, ShellWord, is_assignment, program_name};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::source::Span;

use super::instructions::{run_commands, with_triggers};

/// DH210 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH210",
    name: "tls-verification-disabled",
    target: Target::Dockerfile,
    severity: Severity::Error,
    enabled: true,
    cis: Some("4.11"),
    doc: rule_doc!("DH210"),
};

/// `curl` short options that take a value, so letters after them in the same word are the
/// value, not options (`-ok` writes to a file named `k`).
const CURL_OPTIONS_WITH_VALUE: &str = "bcdeEFHKmoPQrtTuUwxXYyzACD";

/// Returns whether a `curl` option word turns certificate checks off: `--insecure`, `-k`, or
/// `k` among combined short options such as `-fsSLk`.
fn is_curl_insecure(word: &str) -> bool {
    if word == "--insecure" {
        return true;
    }
    let Some(letters) = word.strip_prefix('-').filter(|rest| !rest.starts_with('-')) else {
        return false;
    };
    for letter in letters.chars() {
        if letter == 'k' {
            return true;
        }
        if CURL_OPTIONS_WITH_VALUE.contains(letter) || !letter.is_ascii_alphabetic() {
            return false;
        }
    }
    false
}

/// Returns whether a value turns a `false`-style setting off (`false`, `0`, `no`, `off`).
fn is_false(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

/// Returns what an environment variable setting disables, if it does.
fn variable_problem(name: &str, value: &str) -> Option<&'static str> {
    match name.to_ascii_uppercase().as_str() {
        "PIP_TRUSTED_HOST" if !value.trim().is_empty() => {
            Some("`PIP_TRUSTED_HOST` makes pip accept these hosts without a valid certificate")
        }
        "NPM_CONFIG_STRICT_SSL" if is_false(value) => {
            Some("`NPM_CONFIG_STRICT_SSL=false` turns off npm's certificate checks")
        }
        "NODE_TLS_REJECT_UNAUTHORIZED" if value.trim() == "0" => {
            Some("`NODE_TLS_REJECT_UNAUTHORIZED=0` turns off certificate checks in Node.js")
        }
        "PYTHONHTTPSVERIFY" if value.trim() == "0" => {
            Some("`PYTHONHTTPSVERIFY=0` turns off certificate checks in Python's HTTPS client")
        }
        "GIT_SSL_NO_VERIFY" => Some("`GIT_SSL_NO_VERIFY` turns off certificate checks in Git"),
        _ => None,
    }
}

/// Returns whether a word sets `sslverify` off in a yum or dnf repository setting.
fn is_sslverify_off(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower.match_indices("sslverify=").any(|(i, found)| {
        let value = &lower[i + found.len()..];
        let end = value
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(value.len());
        let value = &value[..end];
        is_false(value)
    })
}

/// Returns the problem with one simple command, and the word to point at.
fn command_problem(words: &[ShellWord]) -> Option<(&ShellWord, &'static str)> {
    let (program, args) = words.split_first()?;
    let name = program_name(&program.text);
    let find = |flags: &[&str]| {
        args.iter().find(|word| {
            flags
                .iter()
                .any(|flag| word.text == *flag || word.text.starts_with(&format!("{flag}=")))
        })
    };
    let found = match name {
        "curl" => args
            .iter()
            .find(|word| is_curl_insecure(&word.text))
            .map(|word| (word, "`curl` runs with certificate checks turned off")),
        "wget" => find(&["--no-check-certificate"]).map(|word| {
            (
                word,
                "`wget --no-check-certificate` skips certificate checks",
            )
        }),
        "pip" | "pip3" | "python" | "python3" => find(&["--trusted-host"]).map(|word| {
            (
                word,
                "`pip --trusted-host` accepts the host without a valid certificate",
            )
        }),
        "npm" | "yarn" | "pnpm" => {
            let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
            let position = texts.iter().position(|t| {
                t.eq_ignore_ascii_case("strict-ssl")
                    || t.to_ascii_lowercase()
                        .strip_prefix("strict-ssl=")
                        .is_some_and(is_false)
            });
            position
                .filter(|&i| {
                    texts[i].contains('=') || texts.get(i + 1).is_some_and(|v| is_false(v))
                })
                .filter(|_| texts.contains(&"set"))
                .map(|i| {
                    (
                        &args[i],
                        "`strict-ssl false` turns off the package manager's certificate checks",
                    )
                })
        }
        "git" => {
            let texts: Vec<String> = args.iter().map(|w| w.text.to_ascii_lowercase()).collect();
            texts
                .iter()
                .position(|t| {
                    t.strip_prefix("http.sslverify=").is_some_and(is_false)
                        || (t == "http.sslverify"
                            && texts.iter().any(|other| other == "config")
                            && texts.last().is_some_and(|last| is_false(last)))
                })
                .map(|i| (&args[i], "Git runs with `http.sslVerify` turned off"))
        }
        "apk" => find(&["--allow-untrusted"]).map(|word| {
            (
                word,
                "`apk --allow-untrusted` installs packages without a valid signature",
            )
        }),
        "apt-get" | "apt" | "aptitude" => {
            find(&["--allow-unauthenticated", "--force-yes"]).map(|word| {
                (
                    word,
                    "`apt-get` installs packages without verifying their signatures",
                )
            })
        }
        "yum" | "dnf" | "tdnf" | "microdnf" => find(&["--nogpgcheck"]).map(|word| {
            (
                word,
                "`--nogpgcheck` installs packages without verifying their signatures",
            )
        }),
        "rpm" => find(&[
            "--nosignature",
            "--nodigest",
            "--noverify",
            "--nofiledigest",
        ])
        .map(|word| {
            (
                word,
                "`rpm` installs packages without verifying their signatures or digests",
            )
        }),
        _ => None,
    };
    if found.is_some() {
        return found;
    }
    words
        .iter()
        .find(|word| is_sslverify_off(&word.text))
        .map(|word| (word, "`sslverify` is turned off for a package repository"))
}

fn diagnostic(span: Span, message: &str) -> Diagnostic {
    Diagnostic::new(&META, span, message)
        .with_label("verification disabled")
        .with_help(
            "Keep verification on; install the CA certificate the server needs (for example into \
             `/usr/local/share/ca-certificates` and run `update-ca-certificates`), or import the \
             repository's signing key",
        )
}

/// DH210: flags commands, options and variables that turn off TLS certificate checks or package
/// signature checks in `RUN`, and such variables in `ENV` and `ARG` defaults.
pub fn check(file: &Dockerfile, text: &str, out: &mut Vec<Diagnostic>) {
    for instruction in with_triggers(file) {
        // An `ARG` default is in the environment of the `RUN`s after it, like an `ENV`.
        if !instruction.is("ENV") && !instruction.is("ARG") {
            continue;
        }
        for pair in instruction.key_values() {
            let Some(value) = pair.value.as_deref() else {
                continue;
            };
            if let Some(problem) = variable_problem(&pair.key, value) {
                let span = pair
                    .value_span
                    .map_or(pair.key_span, |v| pair.key_span.cover(v));
                out.push(diagnostic(span, problem));
            }
        }
    }
    for command in run_commands(file, text) {
        let mut reported = false;
        // Assignments before the command (`GIT_SSL_NO_VERIFY=1 git clone`) and `export`s.
        for word in &command.words {
            if !is_assignment(word) {
                continue;
            }
            let (name, value) = word.text.split_once('=').unwrap_or((&word.text, ""));
            if let Some(problem) = variable_problem(name, value) {
                out.push(diagnostic(word.span, problem));
                reported = true;
            }
        }
        if reported {
            continue;
        }
        if let Some((word, problem)) = command_problem(command.unwrapped()) {
            out.push(diagnostic(word.span, problem));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_insecure_options() {
        for word in ["-k", "--insecure", "-fsSLk", "-kO"] {
            assert!(is_curl_insecure(word), "{word}");
        }
        for word in ["-fsSL", "-ok", "--keepalive-time", "-Hk", "k"] {
            assert!(!is_curl_insecure(word), "{word}");
        }
    }

    #[test]
    fn sslverify_values() {
        assert!(is_sslverify_off("sslverify=0"));
        assert!(is_sslverify_off("--setopt=*.sslverify=false"));
        assert!(is_sslverify_off("[repo]\nsslverify=False\n"));
        assert!(is_sslverify_off(r"[repo]\nsslverify=0\n"));
        assert!(!is_sslverify_off("sslverify=1"));
        assert!(!is_sslverify_off("sslverify=true"));
    }
}
