//! DH106 non-root-user: the service runs as root.

use super::{ServiceContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH106 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH106",
    name: "non-root-user",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.1"),
    doc: rule_doc!("DH106"),
};

const HELP: &str = "Set `user:` to a non-root uid and gid, such as `user: \"10001:10001\"`";

/// Whether a `user[:group]` value runs as uid 0: the user part is `root` or a number equal to 0.
/// The group does not matter, and names are case-sensitive (`ROOT` is another user).
pub fn is_root_user(value: &str) -> bool {
    let user = value.split(':').next().unwrap_or("").trim();
    user == "root"
        || (!user.is_empty()
            && user.bytes().all(|b| b.is_ascii_digit())
            && user.bytes().all(|b| b == b'0'))
}

/// DH106: flags `user:` values that resolve to uid 0, and notes services with no `user:`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let entry = cx.get("user");
    let setting = match cx.setting(entry) {
        // `user: ""` leaves the image's default user in place, like no `user:` at all.
        Setting::Value(value) if value.trim().is_empty() => Setting::Absent,
        setting => setting,
    };
    match (setting, entry) {
        (Setting::Value(value), Some(entry)) if is_root_user(&value) => out.push(
            cx.diagnostic_at(
                &META,
                cx.entry_span(entry),
                Some(entry),
                format!("Service `{}` runs as root", cx.name()),
            )
            .with_label("uid 0")
            .with_help(HELP),
        ),
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(&META, entry, "user", &variable));
        }
        (Setting::Absent, _) => out.push(
            cx.missing(
                &META,
                "user",
                format!(
                    "Service `{}` sets no `user`, so it runs as the image's default user, \
                     often root",
                    cx.name()
                ),
            )
            .with_severity(Severity::Info)
            .with_label("no `user:`")
            .with_help(HELP),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::is_root_user;

    #[test]
    fn root_spellings() {
        for value in ["root", "0", "0:0", "root:root", "root:0", "0:root", "00"] {
            assert!(is_root_user(value), "{value}");
        }
        for value in ["10001:0", "app:app", "ROOT", "1000", "", "nobody"] {
            assert!(!is_root_user(value), "{value}");
        }
    }
}
