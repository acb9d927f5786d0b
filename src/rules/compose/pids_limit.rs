//! DH104 pids-limit: the service can start any number of processes.

use super::ServiceContext;
use super::limits::Limit;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH104 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH104",
    name: "pids-limit",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.29"),
    doc: rule_doc!("DH104"),
};

static LIMIT: Limit = Limit {
    rule: &META,
    service_key: "pids_limit",
    deploy_key: "pids",
    what: "the number of processes",
    parse: parse_integer,
    help: "Set `pids_limit` (such as `pids_limit: 100`), or `pids` under an existing \
           `deploy.resources.limits` block",
    default: |fix| &fix.pids,
};

fn parse_integer(value: &str) -> Option<f64> {
    value.trim().parse::<i64>().ok().map(|n| n as f64)
}

/// DH104: flags a service with neither `pids_limit` nor `deploy.resources.limits.pids`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    LIMIT.check(cx, out);
}
