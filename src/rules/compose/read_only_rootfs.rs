//! DH101 read-only-rootfs: the container's root filesystem is writable.

use super::{ServiceContext, Setting, parse_bool};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH101 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH101",
    name: "read-only-rootfs",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.13"),
    doc: rule_doc!("DH101"),
};

const HELP: &str =
    "Set `read_only: true`, and mount a `tmpfs` (such as `tmpfs: [/tmp]`) for paths the app writes";

/// DH101: flags a service whose `read_only` is absent or not true.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let entry = cx.get("read_only");
    let diagnostic = match (cx.setting(entry), entry) {
        (Setting::Value(value), _) if parse_bool(&value) == Some(true) => return,
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(&META, entry, "read_only", &variable));
            return;
        }
        (Setting::Absent, _) | (_, None) => cx
            .missing(
                &META,
                "read_only",
                format!("Service `{}` has a writable root filesystem", cx.name()),
            )
            .with_label("no `read_only: true`"),
        (_, Some(entry)) => cx
            .diagnostic_at(
                &META,
                cx.entry_span(entry),
                Some(entry),
                format!(
                    "Service `{}` has a writable root filesystem: `read_only` is not true",
                    cx.name()
                ),
            )
            .with_label("not `true`"),
    };
    let fix = cx
        .set_scalar("read_only", entry, "true")
        .map(|edit| Fix::safe("Set `read_only: true`", edit));
    out.push(diagnostic.with_help(HELP).with_fix(fix));
}
