//! DH213 password-set-in-run: a `RUN` that sets a login password, which stays readable in the
//! image layers and build history.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Command, Dockerfile, ShellWord, program_name};
use crate::rules::{RuleMeta, Target, rule_doc};

use super::instructions::with_triggers;

/// DH213 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH213",
    name: "password-set-in-run",
    target: Target::Dockerfile,
    severity: Severity::Error,
    enabled: true,
    cis: Some("4.10"),
    doc: rule_doc!("DH213"),
};

/// Returns whether a password is generated during the build, such as
/// `$(head -c32 /dev/urandom | base64)`, so the password is unknown and not a leak.
fn is_random(password: &str) -> bool {
    password.contains("$(")
        && ["urandom", "openssl rand", "pwgen"]
            .iter()
            .any(|w| password.contains(w))
}

/// Returns the value of `-p`/`--password` in a `useradd` or `usermod` command, unless it is a
/// locked-account marker (`*`, `!...`).
fn password_option(args: &[ShellWord]) -> Option<&ShellWord> {
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let value = match word.text.as_str() {
            "-p" | "--password" => words.next(),
            text if text.starts_with("--password=") => Some(word),
            _ => continue,
        };
        let value = value?;
        let password = value
            .text
            .strip_prefix("--password=")
            .unwrap_or(&value.text);
        if password == "*" || password.starts_with('!') || is_random(password) {
            return None;
        }
        return Some(value);
    }
    None
}

/// Returns the word of an `echo` or `printf` command that supplies the piped password.
fn piped_text(command: &Command) -> Option<&ShellWord> {
    let words = command.unwrapped();
    let (program, args) = words.split_first()?;
    if !matches!(program_name(&program.text), "echo" | "printf") {
        return None;
    }
    args.iter().rev().find(|word| !word.text.starts_with('-'))
}

/// DH213: flags `chpasswd`, `passwd --stdin` or `passwd` fed by `echo`, and `useradd`/`usermod`
/// with `-p` (unless the password is generated at random), in `RUN`. A `chpasswd` that reads
/// from a file in a `RUN` with a secret mount is accepted.
pub fn check(file: &Dockerfile, text: &str, out: &mut Vec<Diagnostic>) {
    for instruction in with_triggers(file) {
        if !instruction.is("RUN") {
            continue;
        }
        // `chpasswd < /run/secrets/pw` with a secret mount keeps the password out of the image.
        let secret_mount = instruction.flags_named("mount").any(|flag| {
            flag.value
                .as_deref()
                .is_some_and(|v| v.contains("type=secret"))
        });
        let commands = crate::dockerfile::run_commands(instruction, text);
        for (index, command) in commands.iter().enumerate() {
            let words = command.unwrapped();
            let Some((program, args)) = words.split_first() else {
                continue;
            };
            let name = program_name(&program.text);
            let feeder = index
                .checked_sub(1)
                .map(|previous| &commands[previous])
                .filter(|previous| previous.piped_to_next)
                .and_then(piped_text);
            let (secret, message) = match name {
                "chpasswd" if secret_mount && feeder.is_none() => continue,
                "chpasswd" => (feeder, "`RUN` sets a password with `chpasswd`"),
                "passwd" if feeder.is_some() || args.iter().any(|w| w.text == "--stdin") => {
                    (feeder, "`RUN` sets a password with `passwd`")
                }
                "useradd" | "usermod" | "adduser" => match password_option(args) {
                    Some(value) => (
                        Some(value),
                        "`RUN` sets a password with `-p` of `useradd` or `usermod`",
                    ),
                    None => continue,
                },
                _ => continue,
            };
            let span = secret.map_or(program.span, |word| word.span);
            let mut diagnostic = Diagnostic::new(
                &META,
                span,
                format!("{message}; the password stays readable in the image layers and history"),
            )
            .with_label(if secret.is_some() {
                "password (value hidden)"
            } else {
                "sets a password"
            })
            .with_help(
                "Do not give image users a password; if a password is needed, pass it as a build \
                 secret (`RUN --mount=type=secret,id=pw`) or set it when the container starts",
            );
            if let Some(word) = secret {
                diagnostic = diagnostic.with_redaction(word.span);
            }
            out.push(diagnostic);
        }
    }
}
