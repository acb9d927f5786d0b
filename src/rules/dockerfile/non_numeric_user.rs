//! DH217 non-numeric-user: the final stage's `USER` names a user instead of a numeric uid.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, Stage, UserSetting};
use crate::rules::compose::non_root_user::is_root_user;
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH217 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH217",
    name: "non-numeric-user",
    target: Target::Dockerfile,
    severity: Severity::Info,
    enabled: true,
    cis: Some("4.1"),
    doc: rule_doc!("DH217"),
};

/// Returns whether a user name is one of the built-in users of Windows container images.
fn is_windows_user(user: &str) -> bool {
    user.eq_ignore_ascii_case("ContainerUser")
        || user.eq_ignore_ascii_case("ContainerAdministrator")
}

/// DH217: notes a final-stage `USER` whose user part is a name. Root and unresolved values are
/// left to DH201. Windows images are skipped because their users have no uid.
pub fn check(file: &Dockerfile, stages: &[Stage], user: &UserSetting, out: &mut Vec<Diagnostic>) {
    let Some(value) = &user.resolved else { return };
    let name = value.split(':').next().unwrap_or("").trim();
    if name.is_empty() || is_root_user(value) || name.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    if is_windows_user(name) || super::final_base_is_windows(file, stages) {
        return;
    }
    out.push(
        Diagnostic::new(
            &META,
            user.span,
            format!(
                "The final stage's `USER {}` names user `{name}` instead of a numeric uid, so \
                 Kubernetes `runAsNonRoot` and Compose checks cannot verify it is not root",
                user.raw.trim()
            ),
        )
        .with_label("user name")
        .with_help(format!(
            "Use the numeric uid and gid of `{name}`, such as `USER 10001:10001`"
        )),
    );
}
