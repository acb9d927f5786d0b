//! DH202 final-user-missing: the final stage never sets `USER`, so the image runs as its base
//! image's default user, usually root.

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, Stage};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH202 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH202",
    name: "final-user-missing",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.1"),
    doc: rule_doc!("DH202"),
};

/// DH202: flags a final stage with no `USER` of its own or inherited, at its `FROM`, unless its
/// base image matches `[dockerfile] nonroot-bases` (such as distroless `:nonroot` tags).
pub fn check(
    text: &str,
    file: &Dockerfile,
    stages: &[Stage],
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    let Some(last) = stages.last() else { return };
    if super::base_image(file, stages, last.index, settings).1 {
        return;
    }
    let from = &file.instructions[last.from];
    out.push(
        Diagnostic::new(
            &META,
            from.span,
            format!(
                "The final stage (`FROM {}`) sets no `USER`, so the image runs as its base \
                 image's default user, usually root",
                last.image.text
            ),
        )
        .with_label("final stage starts here")
        .with_help(
            "Add `USER 65534:65534` (or another unprivileged user) at the end of the final stage, \
             or list a base image that runs as non-root in `[dockerfile] nonroot-bases`",
        )
        .with_fix(super::append_user(text, file, stages, &settings.fix.user)),
    );
}
