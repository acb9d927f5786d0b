//! DH215 update-alone: a package index update in a `RUN` that installs nothing.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::program_name;
use crate::rules::{RuleMeta, Target, rule_doc};

use super::instructions::RunCommands;

/// DH215 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH215",
    name: "update-alone",
    target: Target::Dockerfile,
    severity: Severity::Info,
    enabled: true,
    cis: Some("4.7"),
    doc: rule_doc!("DH215"),
};

/// Package managers with the subcommands that refresh the package index and those that
/// install or upgrade packages.
const MANAGERS: &[(&str, &[&str], &[&str])] = &[
    (
        "apt-get",
        &["update"],
        &[
            "install",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "build-dep",
            "source",
        ],
    ),
    (
        "apt",
        &["update"],
        &["install", "upgrade", "full-upgrade", "dist-upgrade"],
    ),
    ("apk", &["update"], &["add", "upgrade", "fix"]),
    (
        "yum",
        &["update"],
        &[
            "install",
            "upgrade",
            "reinstall",
            "groupinstall",
            "localinstall",
        ],
    ),
    (
        "dnf",
        &["update"],
        &[
            "install",
            "upgrade",
            "reinstall",
            "groupinstall",
            "builddep",
        ],
    ),
    (
        "zypper",
        &["refresh", "ref"],
        &[
            "install",
            "in",
            "update",
            "up",
            "dist-upgrade",
            "dup",
            "patch",
        ],
    ),
];

/// Returns the index refresh and install subcommands of `program`, if it is a package manager.
fn subcommands(program: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    MANAGERS
        .iter()
        .find(|(name, _, _)| *name == program)
        .map(|(_, update, install)| (*update, *install))
}

/// Reads a `pacman` command: `Some(true)` when it installs packages (`-S name`), `Some(false)`
/// when it only refreshes the package database (`-Sy`, `-Syu`), and `None` otherwise.
fn pacman_action(args: &[crate::dockerfile::ShellWord]) -> Option<bool> {
    let sync = args
        .iter()
        .find(|word| word.text.starts_with("-S") && !word.text.starts_with("--"))?;
    let packages = args.iter().any(|word| !word.text.starts_with('-'));
    if packages {
        Some(true)
    } else if sync.text.contains('y') {
        Some(false)
    } else {
        None
    }
}

/// DH215: flags `<manager> update` (`zypper refresh`, `pacman -Sy` without packages) in a `RUN`
/// that installs or upgrades no package.
pub fn check(runs: &RunCommands, out: &mut Vec<Diagnostic>) {
    for (_, commands) in runs.runs() {
        let mut updates = Vec::new();
        let mut installs = false;
        for command in commands {
            let words = command.unwrapped();
            let Some((program, args)) = words.split_first() else {
                continue;
            };
            let name = program_name(&program.text);
            if name == "pacman" {
                match pacman_action(args) {
                    Some(true) => installs = true,
                    Some(false) => updates.push((program.span, "pacman -Sy".to_string())),
                    None => {}
                }
                continue;
            }
            let Some((update, install)) = subcommands(name) else {
                continue;
            };
            // The subcommand is the first known one; options before it may take values
            // (`apt-get -o Dpkg::Options::=--force-confnew install`).
            let Some(sub) = args.iter().find(|word| {
                update.contains(&word.text.as_str()) || install.contains(&word.text.as_str())
            }) else {
                continue;
            };
            if install.contains(&sub.text.as_str()) {
                installs = true;
            } else if update.contains(&sub.text.as_str()) {
                updates.push((program.span.cover(sub.span), format!("{name} {}", sub.text)));
            }
        }
        if installs {
            continue;
        }
        for (span, written) in updates {
            out.push(
                Diagnostic::new(
                    &META,
                    span,
                    format!(
                        "`{written}` runs in a `RUN` that installs nothing, so a later install can \
                         use a stale cached index"
                    ),
                )
                .with_label("update without install")
                .with_help(format!(
                    "Run `{written}` in the same `RUN` as the install, joined with `&&`"
                )),
            );
        }
    }
}
