//! DH214 healthcheck-missing: the final stage has no `HEALTHCHECK`, or turns it off.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, Stage};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH214 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH214",
    name: "healthcheck-missing",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: false,
    cis: Some("4.6"),
    doc: rule_doc!("DH214"),
};

/// DH214: flags a final stage with no `HEALTHCHECK` of its own or from the stage it is built
/// on, at its `FROM`, and a final `HEALTHCHECK NONE`.
pub fn check(file: &Dockerfile, stages: &[Stage], out: &mut Vec<Diagnostic>) {
    let Some(last) = stages.last() else { return };
    let mut current = last;
    let found = loop {
        let healthcheck = current
            .instructions
            .clone()
            .rev()
            .find(|&i| file.instructions[i].is("HEALTHCHECK"));
        if let Some(index) = healthcheck {
            break Some(index);
        }
        match current.parent.and_then(|parent| stages.get(parent)) {
            Some(parent) => current = parent,
            None => break None,
        }
    };
    let Some(index) = found else {
        let from = &file.instructions[last.from];
        out.push(
            Diagnostic::new(
                &META,
                from.span,
                format!(
                    "The final stage (`FROM {}`) has no `HEALTHCHECK`, so Docker cannot tell \
                     whether the service works",
                    last.image.text
                ),
            )
            .with_label("final stage starts here")
            .with_help(
                "Add a `HEALTHCHECK CMD ...` that probes the service, such as \
                 `HEALTHCHECK CMD wget -qO /dev/null http://127.0.0.1:8080/health || exit 1`",
            ),
        );
        return;
    };
    let instruction = &file.instructions[index];
    let is_none = instruction
        .words()
        .first()
        .is_some_and(|word| word.text.eq_ignore_ascii_case("none"));
    if is_none {
        out.push(
            Diagnostic::new(
                &META,
                instruction.span,
                "`HEALTHCHECK NONE` turns off the health check of the final image",
            )
            .with_label("health check turned off")
            .with_help("Replace it with a `HEALTHCHECK CMD ...` that probes the service"),
        );
    }
}
