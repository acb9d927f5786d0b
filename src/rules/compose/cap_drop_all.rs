//! DH102 cap-drop-all: the service keeps Docker's default Linux capabilities.

use super::ServiceContext;
use crate::compose::{Interpolated, interpolate};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH102 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH102",
    name: "cap-drop-all",
    target: Target::Compose,
    severity: Severity::Warning,
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
                format!(
                    "Service `{}` keeps the default Linux capabilities",
                    cx.name()
                ),
            )
            .with_label("no `cap_drop: [ALL]`")
            .with_help(HELP),
        );
        return;
    };
    let mut unknown = None;
    for &item in tree.items(entry.value) {
        let Some(raw) = tree.scalar(item) else {
            continue;
        };
        match interpolate(raw, &|_| None) {
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
        .with_help(HELP),
    );
}
