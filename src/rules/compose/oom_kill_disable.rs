//! DH131 oom-kill-disabled: the kernel's out-of-memory killer may not stop the container.

use super::{ServiceContext, Setting, memory_limit, parse_bool};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH131 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH131",
    name: "oom-kill-disabled",
    target: Target::Compose,
    severity: Severity::Info,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH131"),
};

/// DH131: flags `oom_kill_disable: true`, as a warning when the service has no memory limit.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("oom_kill_disable") else {
        return;
    };
    match cx.setting(Some(entry)) {
        Setting::Value(value) if parse_bool(&value) == Some(true) => {
            let span = cx.tree().node(entry.value_written).span;
            let diagnostic = if memory_limit::may_be_limited(cx) {
                cx.diagnostic_at(
                    &META,
                    span,
                    Some(entry),
                    format!(
                        "Service `{}` disables the OOM killer for its container",
                        cx.name()
                    ),
                )
                .with_label("`oom_kill_disable: true`")
            } else {
                cx.diagnostic_at(
                    &META,
                    span,
                    Some(entry),
                    format!(
                        "Service `{}` disables the OOM killer and has no memory limit, so it can \
                         use up the host's memory",
                        cx.name()
                    ),
                )
                .with_severity(Severity::Warning)
                .with_label("`oom_kill_disable: true` without a memory limit")
            };
            out.push(diagnostic.with_help(
                "Remove `oom_kill_disable`, or keep it only together with a memory limit such as \
                 `mem_limit: 512m`",
            ));
        }
        Setting::Unknown { variable } => {
            out.push(cx.unknown(&META, entry, "oom_kill_disable", &variable));
        }
        _ => {}
    }
}
