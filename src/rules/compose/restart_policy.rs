//! DH128 restart-policy: a failing container is restarted without a bound.

use super::{ServiceContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::Entry;

/// DH128 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH128",
    name: "restart-policy",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: false,
    cis: Some("5.15"),
    doc: rule_doc!("DH128"),
};

/// The largest number of restarts the CIS Docker Benchmark accepts.
const MAX_RETRIES: u64 = 5;

const HELP: &str = "Use `restart: on-failure:5`, or `deploy.restart_policy` with `condition: \
                    on-failure` and `max_attempts: 5`";

/// DH128: flags `restart` policies and `deploy.restart_policy` conditions that restart a
/// failing container more than five times.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let restart = cx.get("restart");
    match (cx.setting(restart), restart) {
        (Setting::Value(value), Some(entry)) => {
            if let Some(problem) = restart_problem(&value) {
                out.push(report(cx, entry, &problem));
            }
        }
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(&META, entry, "restart", &variable));
        }
        _ => {}
    }
    let condition = cx.get_path(&["deploy", "restart_policy", "condition"]);
    match (cx.setting(condition), condition) {
        (Setting::Value(value), Some(entry)) if value.trim() == "any" => out.push(report(
            cx,
            entry,
            "`condition: any` restarts the container without a bound, even after a clean exit",
        )),
        (Setting::Value(value), Some(entry)) if value.trim() == "on-failure" => {
            check_max_attempts(cx, entry, out);
        }
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(&META, entry, "deploy.restart_policy.condition", &variable));
        }
        _ => {}
    }
}

/// Checks `deploy.restart_policy.max_attempts` next to `condition: on-failure`, the
/// `deploy` spelling of `restart: on-failure:N`.
fn check_max_attempts(cx: &ServiceContext, condition: Entry, out: &mut Vec<Diagnostic>) {
    let attempts = cx.get_path(&["deploy", "restart_policy", "max_attempts"]);
    match (cx.setting(attempts), attempts) {
        (Setting::Value(value), Some(entry)) => match value.trim().parse::<u64>() {
            // Zero means no limit.
            Ok(n) if (1..=MAX_RETRIES).contains(&n) => {}
            Ok(n) => out.push(report(
                cx,
                entry,
                &if n == 0 {
                    "`max_attempts: 0` retries without a bound".to_owned()
                } else {
                    format!("`max_attempts: {n}` retries more than {MAX_RETRIES} times")
                },
            )),
            Err(_) => {}
        },
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(
                &META,
                entry,
                "deploy.restart_policy.max_attempts",
                &variable,
            ));
        }
        _ => out.push(report(
            cx,
            condition,
            "`condition: on-failure` without `max_attempts` retries without a bound",
        )),
    }
}

/// Explains why a `restart` value restarts a failing container too often; `None` when it does not.
fn restart_problem(value: &str) -> Option<String> {
    let value = value.trim();
    match value {
        "always" | "unless-stopped" => {
            return Some(format!(
                "`restart: {value}` restarts the container without a bound"
            ));
        }
        "on-failure" => {
            return Some("`restart: on-failure` without a count retries without a bound".into());
        }
        _ => {}
    }
    let count = value.strip_prefix("on-failure:")?;
    match count.trim().parse::<u64>() {
        Ok(n) if n <= MAX_RETRIES => None,
        Ok(n) => Some(format!(
            "`restart: {value}` retries {n} times, more than {MAX_RETRIES}"
        )),
        Err(_) => Some(format!("`restart: {value}` has no valid retry count")),
    }
}

fn report(cx: &ServiceContext, entry: Entry, problem: &str) -> Diagnostic {
    cx.diagnostic_at(
        &META,
        cx.entry_span(entry),
        Some(entry),
        format!(
            "Service `{}` may restart a failing container too often: {problem}",
            cx.name()
        ),
    )
    .with_label("restarts too often")
    .with_help(HELP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_values() {
        assert!(restart_problem("always").is_some());
        assert!(restart_problem("unless-stopped").is_some());
        assert!(restart_problem("on-failure").is_some());
        assert!(restart_problem("on-failure:10").is_some());
        assert!(restart_problem("on-failure:x").is_some());
        assert!(restart_problem("on-failure:5").is_none());
        assert!(restart_problem("on-failure:3").is_none());
        assert!(restart_problem("no").is_none());
    }
}
