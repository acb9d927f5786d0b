//! DH213 password-set-in-run: a `RUN` that sets a login password, which stays readable in the
//! image layers and build history.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{
    Command, OptionSyntax, OptionValue, ShellWord, parse_options, program_name,
};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::source::Span;

use super::instructions::RunCommands;

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

/// The options of `useradd` that take a value, from the `getopt_long` table in shadow-maint's
/// `src/useradd.c`. `adduser` is read the same way.
const USERADD_OPTIONS: OptionSyntax = OptionSyntax {
    short_with_value: "bcdefgGkKpPRsuZ",
    long_with_value: &[
        "base-dir",
        "comment",
        "home-dir",
        "expiredate",
        "inactive",
        "gid",
        "groups",
        "skel",
        "key",
        "password",
        "prefix",
        "root",
        "shell",
        "uid",
        "selinux-user",
        "selinux-range",
    ],
    operand_ends_options: false,
};

/// The options of `usermod` that take a value, from the `getopt_long` call in shadow-maint's
/// `src/usermod.c`.
const USERMOD_OPTIONS: OptionSyntax = OptionSyntax {
    short_with_value: "cdefgGlpPRsuvVwWZ",
    long_with_value: &[
        "comment",
        "home",
        "expiredate",
        "inactive",
        "gid",
        "groups",
        "login",
        "password",
        "prefix",
        "root",
        "shell",
        "uid",
        "add-subuids",
        "del-subuids",
        "add-subgids",
        "del-subgids",
        "selinux-user",
        "selinux-range",
    ],
    operand_ends_options: false,
};

/// Returns the value of `-p`/`--password` in the arguments of `useradd` or `usermod`, unless
/// it is a locked-account marker (`*`, `!...`) or generated at random.
fn password_option<'a>(args: &'a [ShellWord], syntax: &OptionSyntax) -> Option<OptionValue<'a>> {
    let option = parse_options(args, syntax)
        .options
        .into_iter()
        .find(|option| {
            matches!(
                (option.long, option.name),
                (false, "p") | (true, "password")
            )
        })?;
    let value = option.value?;
    if value.text == "*" || value.text.starts_with('!') || is_random(value.text) {
        return None;
    }
    Some(value)
}

/// Returns the source bytes of an option value, so that reporters hide the password and not
/// the option name or the arguments after it.
fn value_span(text: &str, value: &OptionValue) -> Span {
    let span = value.word.span;
    let raw = text.get(span.start..span.end).unwrap_or("");
    if value.offset == 0 {
        return span;
    }
    if raw == value.word.text {
        return Span::new(span.start + value.offset, span.end);
    }
    // The word has quotes or escapes, or it is in an exec-form `sh -c` script whose words all
    // span the whole script. Find the option in the source and take the shell word after it.
    let prefix = &value.word.text[..value.offset];
    let Some(at) = raw.find(prefix) else {
        return span;
    };
    let start = at + prefix.len();
    let end = start + shell_word_length(&raw[start..]);
    Span::new(span.start + start, span.start + end)
}

/// Returns the length of the shell word at the start of `text`: up to the first blank outside
/// quotes, or the end of `text`.
fn shell_word_length(text: &str) -> usize {
    let mut quote = None;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (Some('"'), '"') => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => return at,
            _ => {}
        }
    }
    text.len()
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
pub fn check(runs: &RunCommands, text: &str, out: &mut Vec<Diagnostic>) {
    for (instruction, commands) in runs.runs() {
        // `chpasswd < /run/secrets/pw` with a secret mount keeps the password out of the image.
        let secret_mount = instruction.flags_named("mount").any(|flag| {
            flag.value
                .as_deref()
                .is_some_and(|v| v.contains("type=secret"))
        });
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
            // The bytes to hide, when they are not the whole `secret` word.
            let mut hidden = None;
            let (secret, message) = match name {
                "chpasswd" if secret_mount && feeder.is_none() => continue,
                "chpasswd" => (feeder, "`RUN` sets a password with `chpasswd`"),
                "passwd" if feeder.is_some() || args.iter().any(|w| w.text == "--stdin") => {
                    (feeder, "`RUN` sets a password with `passwd`")
                }
                "useradd" | "usermod" | "adduser" => {
                    let syntax = if name == "usermod" {
                        &USERMOD_OPTIONS
                    } else {
                        &USERADD_OPTIONS
                    };
                    match password_option(args, syntax) {
                        Some(value) => {
                            hidden = Some(value_span(text, &value));
                            (
                                Some(value.word),
                                "`RUN` sets a password with `-p` of `useradd` or `usermod`",
                            )
                        }
                        None => continue,
                    }
                }
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
            if let Some(hidden) = hidden.or(secret.map(|word| word.span)) {
                diagnostic = diagnostic.with_redaction(hidden);
            }
            out.push(diagnostic);
        }
    }
}
