//! DH201 final-user-root: the image runs as root because its final stage says so.

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, Stage, UserSetting};
use crate::rules::compose::non_root_user::is_root_user;
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH201 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH201",
    name: "final-user-root",
    target: Target::Dockerfile,
    severity: Severity::Error,
    enabled: true,
    cis: Some("4.1"),
    doc: rule_doc!("DH201"),
};

const HELP: &str =
    "Switch to an unprivileged user at the end of the final stage, such as `USER 65534:65534`";

/// DH201: flags a final stage whose effective `USER` is uid 0, and notes one that depends on a
/// variable without a value.
pub fn check(
    text: &str,
    file: &Dockerfile,
    stages: &[Stage],
    user: &UserSetting,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    let Some(last) = stages.last() else { return };
    let mut diagnostic = match &user.resolved {
        Some(value) if is_root_user(value) => {
            let message = if value == user.raw.trim() {
                format!("The final stage runs as root (`USER {}`)", user.raw.trim())
            } else {
                format!(
                    "The final stage runs as root: `USER {}` resolves to `{value}`",
                    user.raw.trim()
                )
            };
            Diagnostic::new(&META, user.span, message)
                .with_label("uid 0")
                .with_help(HELP)
                .with_fix(super::append_user(text, file, stages, &settings.fix.user))
        }
        Some(_) => return,
        None => Diagnostic::new(
            &META,
            user.span,
            format!(
                "The final stage's `USER {}` depends on a variable with no value, so dhlint \
                 cannot tell whether it is root",
                user.raw.trim()
            ),
        )
        .with_severity(Severity::Info)
        .with_label("unresolved variable")
        .with_help("Give the variable a non-root default, such as `ARG UID=10001`"),
    };
    if !last.instructions.contains(&user.instruction) {
        diagnostic = diagnostic.with_related(
            file.instructions[last.from].span,
            "the final stage inherits this user from an earlier stage",
        );
    }
    out.push(diagnostic);
}
