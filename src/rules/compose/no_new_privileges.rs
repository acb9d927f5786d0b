//! DH107 no-new-privileges: processes in the container can gain privileges through setuid
//! and setcap binaries.

use super::{ServiceContext, parse_bool};
use crate::compose::{Interpolated, interpolate};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH107 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH107",
    name: "no-new-privileges",
    target: Target::Compose,
    severity: Severity::Warning,
    doc: rule_doc!("DH107"),
};

const HELP: &str = "Add `no-new-privileges:true` to `security_opt`";

/// Splits a `security_opt` entry into its option name and value; Docker accepts both `:` and
/// `=` as the separator.
pub fn split_security_opt(entry: &str) -> (&str, Option<&str>) {
    match entry.find([':', '=']) {
        Some(i) => (entry[..i].trim(), Some(entry[i + 1..].trim())),
        None => (entry.trim(), None),
    }
}

/// DH107: flags a service whose `security_opt` has no enabled no-new-privileges entry.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    let Some(entry) = cx.get("security_opt").filter(|e| !tree.is_null(e.value)) else {
        out.push(
            cx.missing(
                &META,
                format!(
                    "Service `{}` allows privilege escalation through setuid binaries",
                    cx.name()
                ),
            )
            .with_label("no `security_opt: [no-new-privileges:true]`")
            .with_help(HELP),
        );
        return;
    };
    let mut disabled = None;
    let mut unknown = None;
    for &item in tree.items(entry.value) {
        let Some(raw) = tree.scalar(item) else {
            continue;
        };
        let value = match interpolate(raw, &|_| None) {
            Interpolated::Known(value) => value,
            Interpolated::Unknown { variable } => {
                unknown = Some(variable);
                continue;
            }
        };
        let (name, setting) = split_security_opt(&value);
        if name != "no-new-privileges" {
            continue;
        }
        match setting.map(parse_bool) {
            None | Some(Some(true)) => return,
            _ => disabled = Some(item),
        }
    }
    let diagnostic = if let Some(item) = disabled {
        cx.diagnostic_at(
            &META,
            tree.node(item).span,
            Some(entry),
            format!("Service `{}` disables no-new-privileges", cx.name()),
        )
        .with_label("set to false")
    } else if let Some(variable) = unknown {
        out.push(cx.unknown(&META, entry, "security_opt", &variable));
        return;
    } else {
        cx.diagnostic_at(
            &META,
            tree.node(entry.key).span,
            Some(entry),
            format!(
                "Service `{}` allows privilege escalation through setuid binaries",
                cx.name()
            ),
        )
        .with_label("no `no-new-privileges:true` entry")
    };
    out.push(diagnostic.with_help(HELP));
}
