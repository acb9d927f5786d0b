//! DH209 expose-ssh: `EXPOSE 22`, or an SSH server installed in a `RUN`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, Stage};
use crate::rules::{RuleMeta, Target, rule_doc};

use super::instructions::RunCommands;

/// DH209 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH209",
    name: "expose-ssh",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.7"),
    doc: rule_doc!("DH209"),
};

/// Package managers and the subcommands that install packages.
const INSTALLERS: &[(&str, &[&str])] = &[
    ("apt-get", &["install"]),
    ("apt", &["install"]),
    ("apk", &["add"]),
    ("yum", &["install"]),
    ("dnf", &["install"]),
    ("microdnf", &["install"]),
    ("tdnf", &["install"]),
    ("zypper", &["install", "in"]),
];

/// Returns whether an `EXPOSE` port spec (`22`, `22/tcp`, `20-30/udp`) covers port 22.
pub fn covers_ssh(spec: &str) -> bool {
    let ports = spec.split('/').next().unwrap_or(spec);
    let (low, high) = ports.split_once('-').unwrap_or((ports, ports));
    match (low.trim().parse::<u32>(), high.trim().parse::<u32>()) {
        (Ok(low), Ok(high)) => low <= 22 && 22 <= high,
        _ => false,
    }
}

/// DH209: flags `EXPOSE` of port 22 (a warning) and a `RUN` that installs `openssh-server`
/// (an info note).
pub fn check(file: &Dockerfile, runs: &RunCommands, stages: &[Stage], out: &mut Vec<Diagnostic>) {
    for stage in stages {
        for index in stage.instructions.clone() {
            let instruction = &file.instructions[index];
            if !instruction.is("EXPOSE") {
                continue;
            }
            for word in instruction.words() {
                let port = if word.raw.contains('$') {
                    match file.expand_at(stages, stage.index, index, &word.raw) {
                        Some(port) => port,
                        None => continue,
                    }
                } else {
                    word.text.clone()
                };
                if covers_ssh(&port) {
                    out.push(
                        Diagnostic::new(
                            &META,
                            word.span,
                            format!("`EXPOSE {}` publishes the SSH port 22", word.text),
                        )
                        .with_label("port 22")
                        .with_help(
                            "Remove port 22 and the SSH server; use `docker exec` to get a shell \
                             in a running container",
                        ),
                    );
                }
            }
        }
    }
    for command in runs.commands() {
        let words = command.unwrapped();
        let Some((program, rest)) = words.split_first() else {
            continue;
        };
        let name = crate::dockerfile::program_name(&program.text);
        let Some((_, subcommands)) = INSTALLERS.iter().find(|(pm, _)| *pm == name) else {
            continue;
        };
        if !rest.iter().any(|w| subcommands.contains(&w.text.as_str())) {
            continue;
        }
        for word in rest {
            let package = word.text.split(['=', ':']).next().unwrap_or("");
            if package == "openssh-server" {
                out.push(
                    Diagnostic::new(
                        &META,
                        word.span,
                        "`RUN` installs `openssh-server`, an SSH server inside the container",
                    )
                    .with_severity(Severity::Info)
                    .with_label("SSH server")
                    .with_help(
                        "Remove the SSH server; use `docker exec` to get a shell in a running \
                         container",
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
    fn port_specs() {
        for spec in ["22", "22/tcp", "22/udp", "20-30", "1-65535/tcp"] {
            assert!(covers_ssh(spec), "{spec}");
        }
        for spec in ["2222", "80", "23-30", "220", "$PORT"] {
            assert!(!covers_ssh(spec), "{spec}");
        }
    }
}
