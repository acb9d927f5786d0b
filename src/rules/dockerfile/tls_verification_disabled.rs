//! DH210 tls-verification-disabled: downloads or package installs that skip TLS certificate or
//! package signature checks.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{
    Dockerfile, OptionSyntax, ShellWord, is_assignment, parse_options, program_name,
};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::source::Span;

use super::instructions::{RunCommands, with_triggers};

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

/// The options of `curl` 8 that take a value, from the option table in curl's
/// `src/tool_getparam.c`. curl reads options after URLs too.
const CURL_OPTIONS: OptionSyntax = OptionSyntax {
    short_with_value: "bcdeEFHKmoPQrtTuUwxXYyzACD",
    long_with_value: &[
        "abstract-unix-socket",
        "alt-svc",
        "aws-sigv4",
        "cacert",
        "capath",
        "cert",
        "cert-type",
        "ciphers",
        "config",
        "connect-timeout",
        "connect-to",
        "continue-at",
        "cookie",
        "cookie-jar",
        "create-file-mode",
        "crlfile",
        "curves",
        "data",
        "data-ascii",
        "data-binary",
        "data-raw",
        "data-urlencode",
        "delegation",
        "dns-interface",
        "dns-ipv4-addr",
        "dns-ipv6-addr",
        "dns-servers",
        "doh-url",
        "dump-header",
        "ech",
        "egd-file",
        "engine",
        "etag-compare",
        "etag-save",
        "expect100-timeout",
        "form",
        "form-string",
        "ftp-account",
        "ftp-alternative-to-user",
        "ftp-method",
        "ftp-port",
        "ftp-ssl-ccc-mode",
        "happy-eyeballs-timeout-ms",
        "haproxy-clientip",
        "header",
        "hostpubmd5",
        "hostpubsha256",
        "hsts",
        "interface",
        "ip-tos",
        "ipfs-gateway",
        "json",
        "keepalive-cnt",
        "keepalive-time",
        "key",
        "key-type",
        "knownhosts",
        "krb",
        "krb4",
        "libcurl",
        "limit-rate",
        "local-port",
        "login-options",
        "mail-auth",
        "mail-from",
        "mail-rcpt",
        "max-filesize",
        "max-redirs",
        "max-time",
        "netrc-file",
        "noproxy",
        "oauth2-bearer",
        "output",
        "output-dir",
        "parallel-max",
        "parallel-max-host",
        "pass",
        "pinnedpubkey",
        "preproxy",
        "proto",
        "proto-default",
        "proto-redir",
        "proxy",
        "proxy-cacert",
        "proxy-capath",
        "proxy-cert",
        "proxy-cert-type",
        "proxy-ciphers",
        "proxy-crlfile",
        "proxy-header",
        "proxy-key",
        "proxy-key-type",
        "proxy-pass",
        "proxy-pinnedpubkey",
        "proxy-service-name",
        "proxy-tls13-ciphers",
        "proxy-tlsauthtype",
        "proxy-tlspassword",
        "proxy-tlsuser",
        "proxy-user",
        "proxy1.0",
        "pubkey",
        "quote",
        "random-file",
        "range",
        "rate",
        "referer",
        "request",
        "request-target",
        "resolve",
        "retry",
        "retry-delay",
        "retry-max-time",
        "sasl-authzid",
        "service-name",
        "sigalgs",
        "socks4",
        "socks4a",
        "socks5",
        "socks5-gssapi-service",
        "socks5-hostname",
        "speed-limit",
        "speed-time",
        "ssl-sessions",
        "stderr",
        "telnet-option",
        "tftp-blksize",
        "time-cond",
        "tls-max",
        "tls13-ciphers",
        "tlsauthtype",
        "tlspassword",
        "tlsuser",
        "trace",
        "trace-ascii",
        "trace-config",
        "unix-socket",
        "upload-file",
        "upload-flags",
        "url",
        "url-query",
        "user",
        "user-agent",
        "variable",
        "vlan-priority",
        "write-out",
    ],
    operand_ends_options: false,
};

/// The options of GNU Wget 1.x that take a value. Wget reads options after URLs too.
/// NOTE: the list is written from Wget's option summary, not checked against its source, so a
/// missing option makes its value read as an option.
const WGET_OPTIONS: OptionSyntax = OptionSyntax {
    short_with_value: "aABDeIilOoPQRTtUwX",
    long_with_value: &[
        "accept",
        "accept-regex",
        "append-output",
        "base",
        "bind-address",
        "bind-dns-address",
        "body-data",
        "body-file",
        "ca-certificate",
        "ca-directory",
        "certificate",
        "certificate-type",
        "ciphers",
        "config",
        "connect-timeout",
        "crl-file",
        "cut-dirs",
        "default-page",
        "directory-prefix",
        "dns-servers",
        "dns-timeout",
        "domains",
        "egd-file",
        "exclude-directories",
        "exclude-domains",
        "execute",
        "ftp-password",
        "ftp-user",
        "header",
        "hsts-file",
        "http-password",
        "http-user",
        "include-directories",
        "input-file",
        "level",
        "limit-rate",
        "load-cookies",
        "local-encoding",
        "max-redirect",
        "method",
        "output-document",
        "output-file",
        "password",
        "pinnedpubkey",
        "post-data",
        "post-file",
        "private-key",
        "private-key-type",
        "progress",
        "proxy-password",
        "proxy-user",
        "quota",
        "random-file",
        "read-timeout",
        "referer",
        "regex-type",
        "reject",
        "reject-regex",
        "rejected-log",
        "remote-encoding",
        "report-speed",
        "restrict-file-names",
        "retry-on-http-error",
        "save-cookies",
        "secure-protocol",
        "timeout",
        "tries",
        "use-askpass",
        "user",
        "user-agent",
        "wait",
        "waitretry",
        "warc-file",
        "warc-header",
        "warc-max-size",
        "warc-tempdir",
    ],
    operand_ends_options: false,
};

/// Returns the `curl` option that turns certificate checks off: `--insecure`, `-k`, or `k`
/// among combined short options such as `-fsSLk`. The values of other options, such as `-k` in
/// `--data-urlencode -k`, are not options.
fn curl_insecure(args: &[ShellWord]) -> Option<&ShellWord> {
    parse_options(args, &CURL_OPTIONS)
        .options
        .into_iter()
        .find(|option| {
            if option.long {
                option.name == "insecure"
            } else {
                option.name == "k"
            }
        })
        .map(|option| option.word)
}

/// Returns the `wget` option that turns certificate checks off, with the message for it. That is
/// `--no-check-certificate`, or an abbreviation of it down to `--no-check` (getopt_long accepts
/// unambiguous abbreviations), or the startup command `check_certificate=off` given to `-e` or
/// `--execute`.
fn wget_insecure(args: &[ShellWord]) -> Option<(&ShellWord, &'static str)> {
    for option in parse_options(args, &WGET_OPTIONS).options {
        if option.long
            && option.name.len() >= "no-check".len()
            && "no-check-certificate".starts_with(option.name)
        {
            return Some((
                option.word,
                "`wget --no-check-certificate` skips certificate checks",
            ));
        }
        let Some(value) = option.value else {
            continue;
        };
        if matches!(option.name, "e" | "execute") && is_check_certificate_off(value.text) {
            return Some((
                value.word,
                "`wget` runs with certificate checks turned off by `check_certificate`",
            ));
        }
    }
    None
}

/// Returns whether a Wget startup command turns `check_certificate` off. Wget ignores case,
/// `_` and `-` in command names.
fn is_check_certificate_off(command: &str) -> bool {
    let Some((name, value)) = command.split_once('=') else {
        return false;
    };
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-') && !c.is_whitespace())
        .collect();
    name.eq_ignore_ascii_case("checkcertificate") && is_false(value)
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
    let found =
        match name {
            "curl" => curl_insecure(args)
                .map(|word| (word, "`curl` runs with certificate checks turned off")),
            "wget" | "wget2" => wget_insecure(args),
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
            "apt-get" | "apt" | "aptitude" => find(&["--allow-unauthenticated", "--force-yes"])
                .map(|word| {
                    (
                        word,
                        "`apt-get` installs packages without verifying their signatures",
                    )
                }),
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
pub fn check(file: &Dockerfile, runs: &RunCommands, out: &mut Vec<Diagnostic>) {
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
    for command in runs.commands() {
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
        for words in command.final_commands() {
            if let Some((word, problem)) = command_problem(words) {
                out.push(diagnostic(word.span, problem));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<ShellWord> {
        crate::dockerfile::first_command_words(text)
    }

    #[test]
    fn curl_insecure_options() {
        for text in [
            "curl -k x",
            "curl --insecure x",
            "curl -fsSLk x",
            "curl -kO x",
            "curl https://x -o out -k",
            "curl -d @body -k x",
        ] {
            assert!(curl_insecure(&words(text)[1..]).is_some(), "{text}");
        }
        for text in [
            "curl -fsSL x",
            "curl -ok x",
            "curl --keepalive-time 5 x",
            "curl -Hk x",
            "curl k",
            "curl --data-urlencode -k -o /z https://x",
            "curl -d -k https://x",
            "curl -H -k -u -k -X -k -A -k -e -k -F -k -T -k --url -k",
            "curl -- -k",
        ] {
            assert!(curl_insecure(&words(text)[1..]).is_none(), "{text}");
        }
    }

    #[test]
    fn wget_insecure_options() {
        for text in [
            "wget --no-check-certificate x",
            "wget x --no-check-cert",
            "wget -e check_certificate=off x",
            "wget --execute=check-certificate=0 x",
            "wget -eCHECK_CERTIFICATE=no x",
        ] {
            assert!(wget_insecure(&words(text)[1..]).is_some(), "{text}");
        }
        for text in [
            "wget -O --no-check-certificate x",
            "wget --header --no-check-certificate x",
            "wget --no-clobber --no-che x",
            "wget -e check_certificate=on x",
            "wget -k x",
        ] {
            assert!(wget_insecure(&words(text)[1..]).is_none(), "{text}");
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
