//! DH102 cap-drop-all: the service keeps Docker's default Linux capabilities.

use super::ServiceContext;
use crate::compose::Interpolated;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::fix::yaml::NewValue;
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::Entry;

/// DH102 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH102",
    name: "cap-drop-all",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.4"),
    doc: rule_doc!("DH102"),
};

const HELP: &str = "Add `cap_drop: [ALL]`, then add back only what the app needs with `cap_add`";

/// Normalises a capability name: upper case, without the `CAP_` prefix.
pub fn normalize_capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map(str::to_owned)
        .unwrap_or(upper)
}

/// DH102: flags a service whose `cap_drop` is absent or does not contain `ALL`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    let Some(entry) = cx.get("cap_drop").filter(|e| !tree.is_null(e.value)) else {
        out.push(
            cx.missing(
                &META,
                "cap_drop",
                format!(
                    "Service `{}` keeps the default Linux capabilities",
                    cx.name()
                ),
            )
            .with_label("no `cap_drop: [ALL]`")
            .with_help(HELP)
            .with_fix(add_cap_drop(cx)),
        );
        return;
    };
    if !tree.is_sequence(entry.value) {
        // A string or mapping here is invalid Compose, which DH004 reports.
        return;
    }
    // Compose adds the lists of every file of the project together.
    let mut unknown = None;
    for (_, item) in cx.items_of("cap_drop") {
        let Some(raw) = tree.scalar(item) else {
            continue;
        };
        match cx.interpolate(raw) {
            Interpolated::Known(value) if normalize_capability(&value) == "ALL" => return,
            Interpolated::Known(_) => {}
            Interpolated::Unknown { variable } => unknown = Some(variable),
        }
    }
    if let Some(variable) = unknown {
        out.push(cx.unknown(&META, entry, "cap_drop", &variable));
        return;
    }
    let span = tree.node(entry.key).span;
    out.push(
        cx.diagnostic_at(
            &META,
            span,
            Some(entry),
            format!(
                "Service `{}` drops some capabilities but not `ALL`",
                cx.name()
            ),
        )
        .with_label("`cap_drop` without `ALL`")
        .with_help(HELP)
        .with_fix(append_all(cx, entry)),
    );
}

/// Adds `cap_drop: [ALL]` to the service.
fn add_cap_drop(cx: &ServiceContext) -> Result<Fix, String> {
    let value = NewValue::Sequence(vec!["ALL".to_owned()]);
    cx.add_key("cap_drop", &value)
        .map(|edit| Fix::safe("Add `cap_drop: [ALL]`", edit))
}

/// Adds `ALL` to the service's own `cap_drop`, or overrides a merged one with `[ALL]`, which
/// drops whatever the merged list dropped.
fn append_all(cx: &ServiceContext, entry: Entry) -> Result<Fix, String> {
    if entry.merged_from.is_some() {
        return add_cap_drop(cx);
    }
    let tree = cx.tree();
    if !tree.is_sequence(entry.value_written) {
        return Err("`cap_drop` is not a sequence written in the service".into());
    }
    cx.editor()
        .append_item(entry.value_written, "ALL")
        .map(|edit| Fix::safe("Add `ALL` to `cap_drop`", edit))
}
