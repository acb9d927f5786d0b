//! DH107 no-new-privileges: processes in the container can gain privileges through setuid
//! and setcap binaries.

use super::security_opt::split_security_opt;
use super::{ServiceContext, parse_go_bool};
use crate::compose::Interpolated;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::fix::yaml::NewValue;
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::{Entry, NodeId};

/// DH107 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH107",
    name: "no-new-privileges",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.26"),
    doc: rule_doc!("DH107"),
};

const HELP: &str = "Add `no-new-privileges:true` to `security_opt`";

/// DH107: flags a service whose `security_opt` has no enabled no-new-privileges entry.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    let Some(entry) = cx.get("security_opt").filter(|e| !tree.is_null(e.value)) else {
        if let Some(note) = set_by_daemon(cx, cx.missing(&META, "security_opt", "")) {
            out.push(note);
            return;
        }
        out.push(
            cx.missing(
                &META,
                "security_opt",
                format!(
                    "Service `{}` allows privilege escalation through setuid binaries",
                    cx.name()
                ),
            )
            .with_label("no `security_opt: [no-new-privileges:true]`")
            .with_help(HELP)
            .with_fix(add_security_opt(cx, &[])),
        );
        return;
    };
    if !tree.is_sequence(entry.value) {
        // A string or mapping here is invalid Compose, which DH004 reports.
        return;
    }
    let mut unknown = None;
    // Compose appends the lists of the project's files in merge order, and the engine applies
    // the last no-new-privileges entry, so an override's `false` wins over the base's `true`.
    let mut last = None;
    for (list, item) in cx.items_of("security_opt") {
        let Some(raw) = tree.scalar(item) else {
            continue;
        };
        let value = match cx.interpolate(raw) {
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
        last = Some((list, item, setting.map(parse_go_bool)));
    }
    let disabled = match last {
        Some((_, _, None | Some(Some(true)))) => return,
        Some((list, item, Some(parsed))) => Some((list, item, parsed.is_none())),
        None => None,
    };
    let diagnostic = if let Some((entry, item, invalid)) = disabled {
        let (message, label) = if invalid {
            (
                format!(
                    "Service `{}` gives no-new-privileges a value other than `true` or `false`",
                    cx.name()
                ),
                "not a boolean",
            )
        } else {
            (
                format!("Service `{}` disables no-new-privileges", cx.name()),
                "set to false",
            )
        };
        cx.diagnostic_at(&META, tree.node(item).span, Some(entry), message)
            .with_label(label)
            .with_fix(enable(cx, entry, item))
    } else if let Some(variable) = unknown {
        out.push(cx.unknown(&META, entry, "security_opt", &variable));
        return;
    } else {
        let at_key = cx.diagnostic_at(&META, tree.node(entry.key).span, Some(entry), "");
        if let Some(note) = set_by_daemon(cx, at_key) {
            out.push(note);
            return;
        }
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
        .with_fix(append(cx, entry))
    };
    out.push(diagnostic.with_help(HELP));
}

const ENTRY: &str = "no-new-privileges:true";

/// Turns `at`, a finding about a missing entry, into an info note when every daemon
/// configuration of the run sets `"no-new-privileges": true`, which applies to the service too.
fn set_by_daemon(cx: &ServiceContext, at: Diagnostic) -> Option<Diagnostic> {
    let path = cx.daemon.no_new_privileges()?;
    Some(
        Diagnostic {
            message: format!(
                "Service `{}` does not set no-new-privileges, but the daemon configuration `{}` \
             turns it on for every container",
                cx.name(),
                path.display()
            ),
            ..at
        }
        .with_severity(Severity::Info)
        .with_label("set daemon-wide")
        .with_help(
            "Nothing to do on hosts that use that daemon configuration; add \
         `no-new-privileges:true` to `security_opt` for hosts that do not",
        ),
    )
}

/// Adds `security_opt` with the no-new-privileges entry after copies of `kept` items.
fn add_security_opt(cx: &ServiceContext, kept: &[NodeId]) -> Result<Fix, String> {
    let editor = cx.editor();
    let mut items = Vec::new();
    for &item in kept {
        let value = cx.tree().scalar(item).unwrap_or("");
        if split_security_opt(value).0 == "no-new-privileges" {
            continue;
        }
        items.push(editor.copy_scalar(item)?);
    }
    items.push(ENTRY.to_owned());
    cx.add_key("security_opt", &NewValue::Sequence(items))
        .map(|edit| Fix::safe(format!("Add `{ENTRY}` to `security_opt`"), edit))
}

/// Adds the entry to the service's own `security_opt`. A merged list is overridden by an own
/// key that repeats its items, since Compose replaces lists from merge keys whole.
fn append(cx: &ServiceContext, entry: Entry) -> Result<Fix, String> {
    let tree = cx.tree();
    if entry.merged_from.is_some() {
        let items = tree.items(entry.value).to_vec();
        if items.iter().any(|&i| tree.resolve(i) != i) {
            return Err("the merged `security_opt` contains aliases".into());
        }
        return add_security_opt(cx, &items);
    }
    if !tree.is_sequence(entry.value_written) {
        return Err("`security_opt` is not a sequence written in the service".into());
    }
    cx.editor()
        .append_item(entry.value_written, ENTRY)
        .map(|edit| Fix::safe(format!("Add `{ENTRY}` to `security_opt`"), edit))
}

/// Turns a disabled entry (`no-new-privileges:false`) into an enabled one.
fn enable(cx: &ServiceContext, entry: Entry, item: NodeId) -> Result<Fix, String> {
    if entry.merged_from.is_some() {
        return append(cx, entry);
    }
    cx.editor()
        .replace_scalar(item, ENTRY)
        .map(|edit| Fix::safe(format!("Change the entry to `{ENTRY}`"), edit))
}
