//! DH130 cgroup-parent: the container's cgroup is placed under a parent other than Docker's
//! default.

use super::{ServiceContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH130 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH130",
    name: "cgroup-parent",
    target: Target::Compose,
    severity: Severity::Info,
    enabled: true,
    cis: Some("5.25"),
    doc: rule_doc!("DH130"),
};

/// DH130: flags a service that sets `cgroup_parent`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("cgroup_parent") else {
        return;
    };
    match cx.setting(Some(entry)) {
        Setting::Value(value) if !value.trim().is_empty() => {
            let span = cx.tree().node(entry.value_written).span;
            out.push(
                cx.diagnostic_at(
                    &META,
                    span,
                    Some(entry),
                    format!(
                        "Service `{}` places its container under cgroup parent `{}`",
                        cx.name(),
                        value.trim()
                    ),
                )
                .with_label("not Docker's default cgroup parent")
                .with_help(
                    "Remove `cgroup_parent` unless the host defines that cgroup on purpose, with \
                     the limits the service should share",
                ),
            );
        }
        Setting::Unknown { variable } => {
            out.push(cx.unknown(&META, entry, "cgroup_parent", &variable));
        }
        _ => {}
    }
}
