//! Values Compose itself rejects, reported as DH004 invalid-compose: a limit written in both
//! spellings with different values, and `environment` list items that are not strings.
//!
//! Compose refuses a service whose `mem_limit`, `pids_limit` or `cpus` differs from the same
//! limit under `deploy.resources.limits` ("can't set distinct values on 'mem_limit' and
//! 'deploy.resources.limits.memory'"), and a limits block that lacks the key counts as a
//! different value.

use super::{ServiceContext, Setting, parse_bytes};
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;
use crate::fix::yaml::NewValue;
use crate::rules::tool::INVALID_COMPOSE;
use crate::yaml::Entry;

/// Parses a limit's value into a number that can be compared.
type ParseLimit = fn(&str) -> Option<f64>;

/// `(service key, key under deploy.resources.limits, parser)` for each limit with two spellings.
const LIMIT_PAIRS: &[(&str, &str, ParseLimit)] = &[
    ("mem_limit", "memory", parse_bytes),
    ("pids_limit", "pids", parse_number),
    ("cpus", "cpus", parse_number),
];

fn parse_number(value: &str) -> Option<f64> {
    value.trim().parse().ok()
}

/// Service keys whose value Compose requires to be a list.
const LIST_KEYS: &[&str] = &["cap_add", "cap_drop", "security_opt"];

/// Reports limit conflicts, invalid `environment` items and list keys that are not lists.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    check_limits(cx, out);
    check_environment(cx, out);
    check_lists(cx, out);
}

fn check_lists(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    for key in LIST_KEYS {
        let Some(entry) = cx.get(key) else { continue };
        if tree.is_sequence(entry.value) || tree.is_null(entry.value) {
            continue;
        }
        let example = if *key == "security_opt" {
            "no-new-privileges:true"
        } else {
            "ALL"
        };
        out.push(
            cx.diagnostic_at(
                &INVALID_COMPOSE,
                cx.entry_span(entry),
                Some(entry),
                format!(
                    "Service `{}` sets `{key}` to a single value, but Compose requires a list",
                    cx.name()
                ),
            )
            .with_label("not a list")
            .with_help(format!("Write a list, such as `{key}: [{example}]`")),
        );
    }
}

fn check_limits(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let Some(limits) = cx.get_path(&["deploy", "resources", "limits"]) else {
        return;
    };
    if !cx.tree().is_mapping(limits.value) {
        return;
    }
    for &(service_key, deploy_key, parse) in LIMIT_PAIRS {
        let Some(service_entry) = cx.get(service_key) else {
            continue;
        };
        let deploy_entry = cx.tree().get(limits.value, deploy_key);
        let Setting::Value(service_value) = cx.setting(Some(service_entry)) else {
            continue;
        };
        // Compose reads a service-level 0 as "not set", which conflicts with nothing.
        if parse(&service_value) == Some(0.0) {
            continue;
        }
        let deploy_value = match cx.setting(deploy_entry) {
            Setting::Value(value) => Some(value),
            Setting::Absent => None,
            Setting::Unknown { .. } | Setting::NotScalar => continue,
        };
        let same = deploy_value.as_deref().is_some_and(|d| {
            d == service_value
                || matches!((parse(d), parse(&service_value)), (Some(a), Some(b)) if a == b)
        });
        if same {
            continue;
        }
        let mut diagnostic = cx
            .diagnostic_at(
                &INVALID_COMPOSE,
                cx.entry_span(service_entry),
                Some(service_entry),
                format!(
                    "Service `{}` sets `{service_key}` and `deploy.resources.limits.{deploy_key}` \
                     to different values, which Compose rejects",
                    cx.name()
                ),
            )
            .with_label(format!("`{service_key}` here"));
        diagnostic = match deploy_entry {
            Some(entry) => diagnostic.with_related(cx.entry_span(entry), "differs from this"),
            None => diagnostic
                .with_related(
                    cx.tree().node(limits.key).span,
                    format!("this block has no `{deploy_key}`, which counts as a different value"),
                )
                .with_fix(if parse(&service_value).is_some_and(|n| n > 0.0) {
                    copy_into_limits(cx, service_entry, deploy_key)
                } else {
                    // The limit rules' own fixes set both spellings to a valid value.
                    Err(format!(
                        "`{service_key}` is not a valid positive limit to copy"
                    ))
                }),
        };
        out.push(diagnostic.with_help(format!(
            "Keep one spelling: move the value to `deploy.resources.limits.{deploy_key}` and \
             remove `{service_key}`"
        )));
    }
}

fn check_environment(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    for (entry, item) in cx.items_of("environment") {
        if tree.scalar(item).is_none() {
            out.push(
                cx.diagnostic_at(
                    &INVALID_COMPOSE,
                    tree.node(item).span,
                    Some(entry),
                    format!(
                        "Service `{}` has an `environment` list item that is not a `KEY=VALUE` \
                         string",
                        cx.name()
                    ),
                )
                .with_label("not a `KEY=VALUE` string")
                .with_help("Write `- KEY=value`, or turn the list into a mapping of `KEY: value`"),
            );
        }
    }
}

/// Writes the service-level value under `deploy.resources.limits` as well, so both spellings
/// agree and Compose accepts the service.
fn copy_into_limits(
    cx: &ServiceContext,
    service_entry: Entry,
    deploy_key: &str,
) -> Result<Fix, String> {
    let limits = cx.own_mapping(&["deploy", "resources", "limits"]).ok_or(
        "the service's `deploy.resources.limits` is not a mapping written in the service itself",
    )?;
    let editor = cx.editor();
    let value = editor.copy_scalar(service_entry.value_written)?;
    let title = format!("Add `{deploy_key}: {value}` to `deploy.resources.limits`");
    editor
        .insert_entry(limits, deploy_key, &NewValue::Scalar(value))
        .map(|edit| Fix::safe(title, edit))
}
