//! DH127 healthcheck: the engine cannot tell whether the service works.

use super::{ServiceContext, Setting, parse_bool};
use crate::compose::Interpolated;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::Entry;

/// DH127 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH127",
    name: "healthcheck",
    target: Target::Compose,
    severity: Severity::Info,
    enabled: true,
    cis: Some("5.27"),
    doc: rule_doc!("DH127"),
};

const HELP: &str = "Add a `healthcheck` whose `test` checks that the service answers, such as \
                    `test: [\"CMD\", \"/app/healthcheck\"]`";

/// DH127: flags a disabled health check (warning) and a service without one (info).
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    let Some(healthcheck) = cx.get("healthcheck").filter(|e| !tree.is_null(e.value)) else {
        // NOTE: a `build:` service whose Dockerfile has a HEALTHCHECK in its final stage is
        // reported too, since Compose rules do not read Dockerfiles yet.
        out.push(
            cx.missing(
                &META,
                "healthcheck",
                format!(
                    "Service `{}` has no `healthcheck`, so it relies on the image's health check, \
                     if any",
                    cx.name()
                ),
            )
            .with_label("no `healthcheck`")
            .with_help(HELP),
        );
        return;
    };
    if !tree.is_mapping(healthcheck.value) {
        return;
    }
    if let Some(disable) = tree.get(healthcheck.value, "disable") {
        match cx.setting(Some(disable)) {
            Setting::Value(value) if parse_bool(&value) == Some(true) => {
                out.push(disabled(cx, healthcheck, disable, "`disable: true`"));
                return;
            }
            Setting::Unknown { variable } => {
                out.push(cx.unknown(&META, disable, "healthcheck.disable", &variable));
                return;
            }
            _ => {}
        }
    }
    let Some(test) = tree.get(healthcheck.value, "test") else {
        return;
    };
    // Only the list form `["NONE"]` turns the check off. A string `test` runs as a shell
    // command (`CMD-SHELL`), so `test: NONE` runs a command named `NONE`.
    if !tree.is_sequence(test.value) {
        return;
    }
    let first = tree.items(test.value).first().and_then(|&i| tree.scalar(i));
    let first = first.map(|raw| match cx.interpolate(raw) {
        Interpolated::Known(value) => value,
        Interpolated::Unknown { .. } => raw.to_owned(),
    });
    if first.is_some_and(|f| f.trim() == "NONE") {
        out.push(disabled(cx, healthcheck, test, "`test: [\"NONE\"]`"));
    }
}

fn disabled(cx: &ServiceContext, healthcheck: Entry, entry: Entry, spelling: &str) -> Diagnostic {
    cx.diagnostic_at(
        &META,
        cx.entry_span(entry),
        Some(healthcheck),
        format!(
            "Service `{}` turns its health check off with {spelling}, so a hung service looks \
             healthy",
            cx.name()
        ),
    )
    .with_severity(Severity::Warning)
    .with_label("health check disabled")
    .with_help(HELP)
}
