//! DH206 sudo-in-run: `sudo` as a command in a `RUN`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::program_name;
use crate::rules::{RuleMeta, Target, rule_doc};

use super::instructions::RunCommands;

/// DH206 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH206",
    name: "sudo-in-run",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH206"),
};

/// DH206: flags every `sudo` in command position of a `RUN`, also after `env`, `xargs` or
/// another wrapper and in the `-exec` actions of `find`. `sudo` inside a quoted argument or as
/// part of a longer word is not a command, and neither is a name that `command -v`, `which`,
/// `type` or `hash` looks up.
pub fn check(runs: &RunCommands, out: &mut Vec<Diagnostic>) {
    for command in runs.commands() {
        for words in command.invocations() {
            let first = &words[0];
            if program_name(&first.text) != "sudo" {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &META,
                    first.span,
                    "`RUN` uses `sudo`, although build steps already run as the current `USER`",
                )
                .with_label("sudo")
                .with_help(
                    "Switch with `USER root` before the step and back to the unprivileged user \
                     after it, and do not install `sudo` in the image",
                ),
            );
        }
    }
}
