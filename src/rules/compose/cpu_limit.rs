//! DH125 cpu-limit: the service can use every CPU of the host.

use super::{ServiceContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::yaml::NewValue;
use crate::fix::{Applicability, Fix};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::Entry;

/// DH125 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH125",
    name: "cpu-limit",
    target: Target::Compose,
    severity: Severity::Info,
    enabled: true,
    cis: Some("5.12"),
    doc: rule_doc!("DH125"),
};

const HELP: &str = "Set `cpus` (such as `cpus: 0.5`), or `cpus` under an existing \
                    `deploy.resources.limits` block";

/// The outcome of reading one CPU limit key.
enum Reading {
    Absent,
    Positive,
    Unlimited(Entry),
    Unknown(Entry, String),
}

fn read(cx: &ServiceContext, entry: Option<Entry>) -> Reading {
    match (cx.setting(entry), entry) {
        (Setting::Absent, _) | (_, None) => Reading::Absent,
        (Setting::Unknown { variable }, Some(entry)) => Reading::Unknown(entry, variable),
        (Setting::Value(value), Some(entry)) => match value.trim().parse::<f64>() {
            Ok(n) if n > 0.0 => Reading::Positive,
            _ => Reading::Unlimited(entry),
        },
        (Setting::NotScalar, Some(entry)) => Reading::Unlimited(entry),
    }
}

/// DH125: flags a service with none of `cpus`, `cpu_quota` and
/// `deploy.resources.limits.cpus` set to a positive value.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let readings = [
        read(cx, cx.get("cpus")),
        read(cx, cx.get("cpu_quota")),
        read(cx, cx.get_path(&["deploy", "resources", "limits", "cpus"])),
    ];
    if readings.iter().any(|r| matches!(r, Reading::Positive)) {
        return;
    }
    if let Some((entry, variable)) = readings.iter().find_map(|r| match r {
        Reading::Unknown(entry, variable) => Some((*entry, variable)),
        _ => None,
    }) {
        let key = cx.tree().scalar(entry.key).unwrap_or("cpus");
        out.push(cx.unknown(&META, entry, key, variable));
        return;
    }
    let shares = matches!(read(cx, cx.get("cpu_shares")), Reading::Positive);
    let note = if shares {
        ": `cpu_shares` sets only a relative priority"
    } else {
        ""
    };
    let diagnostic = match readings.iter().find_map(|r| match r {
        Reading::Unlimited(entry) => Some(*entry),
        _ => None,
    }) {
        Some(entry) => {
            let key = cx.tree().scalar(entry.key).unwrap_or("cpus");
            cx.diagnostic_at(
                &META,
                cx.entry_span(entry),
                Some(entry),
                format!(
                    "Service `{}` sets `{key}` to a value that means no CPU limit{note}",
                    cx.name()
                ),
            )
            .with_label("not a positive limit")
        }
        None => cx
            .missing(
                &META,
                "cpus",
                format!("Service `{}` has no CPU limit{note}", cx.name()),
            )
            .with_label("no `cpus` or `deploy.resources.limits.cpus`"),
    };
    let fix = match cx.settings.fix.cpus.as_deref() {
        Some(cpus) => set_limit(cx, cpus),
        None => Err("no `[fix] cpus` value is configured".into()),
    };
    out.push(diagnostic.with_help(HELP).with_fix(fix));
}

/// Sets the CPU limit where Compose accepts it: in an existing `deploy.resources.limits`
/// block (a service-level `cpus` next to such a block makes Compose reject the project), or
/// as the service-level `cpus`.
fn set_limit(cx: &ServiceContext, cpus: &str) -> Result<Fix, String> {
    let service_entry = cx.get("cpus");
    if cx.get_path(&["deploy", "resources", "limits"]).is_none() {
        let edit = cx.set_scalar("cpus", service_entry, cpus)?;
        return Ok(Fix::unsafe_edit(format!("Set `cpus: {cpus}`"), edit));
    }
    let limits = cx.own_mapping(&["deploy", "resources", "limits"]).ok_or(
        "the service's `deploy.resources.limits` is not a mapping written in the service itself",
    )?;
    let editor = cx.editor();
    let value = NewValue::Scalar(cpus.to_owned());
    let mut edits = vec![match cx.tree().get(limits, "cpus") {
        Some(entry) if !cx.tree().is_null(entry.value) => {
            editor.replace_scalar(entry.value_written, cpus)?
        }
        Some(entry) => editor.replace_value(entry.value_written, &value)?,
        None => editor.insert_entry(limits, "cpus", &value)?,
    }];
    // Compose rejects the two spellings disagreeing, so a service-level `cpus` gets the
    // same value.
    if let Some(entry) = service_entry.filter(|e| !cx.tree().is_null(e.value)) {
        edits.push(cx.set_scalar("cpus", Some(entry), cpus)?);
    }
    Ok(Fix {
        applicability: Applicability::Unsafe,
        title: format!("Set `deploy.resources.limits.cpus: {cpus}`"),
        edits,
    })
}
