//! DH108 privileged: the container runs in privileged mode, with every capability and every
//! host device.

use super::{ServiceContext, Setting, parse_bool};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::Entry;

/// DH108 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH108",
    name: "privileged",
    target: Target::Compose,
    severity: Severity::Error,
    enabled: true,
    cis: Some("5.5"),
    doc: rule_doc!("DH108"),
};

const HELP: &str = "Remove `privileged: true`, and grant only what the service needs with \
                    `cap_add`, `devices` or `security_opt`";

/// DH108: flags `privileged: true`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("privileged") else {
        return;
    };
    match cx.setting(Some(entry)) {
        Setting::Value(value) if parse_bool(&value) == Some(true) => {
            let span = cx.tree().node(entry.value_written).span;
            out.push(
                cx.diagnostic_at(
                    &META,
                    span,
                    Some(entry),
                    format!("Service `{}` runs in privileged mode", cx.name()),
                )
                .with_label("`privileged: true`")
                .with_help(HELP)
                .with_fix(remove(cx, entry)),
            );
        }
        Setting::Unknown { variable } => {
            out.push(cx.unknown(&META, entry, "privileged", &variable));
        }
        _ => {}
    }
}

/// Deletes the service's `privileged` entry.
fn remove(cx: &ServiceContext, entry: Entry) -> Result<Fix, String> {
    if entry.merged_from.is_some() {
        return Err(
            "`privileged` comes from a merge key or `extends`, so remove it there or set \
             `privileged: false` in the service"
                .into(),
        );
    }
    // The entry may be written in an override file, whose mapping then contains it.
    let mapping = cx.tree().node(entry.key).parent.unwrap_or(cx.body);
    cx.editor()
        .remove_entry(mapping, entry.key)
        .map(|edit| Fix::unsafe_edit("Remove `privileged: true`", edit))
}
