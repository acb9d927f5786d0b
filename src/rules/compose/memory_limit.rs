//! DH103 memory-limit: the service can use all of the host's memory.

use super::limits::Limit;
use super::{ServiceContext, parse_bytes};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH103 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH103",
    name: "memory-limit",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.11"),
    doc: rule_doc!("DH103"),
};

static LIMIT: Limit = Limit {
    rule: &META,
    service_key: "mem_limit",
    deploy_key: "memory",
    what: "memory",
    parse: parse_bytes,
    help: "Set `mem_limit` (such as `mem_limit: 512m`), or `memory` under an existing \
           `deploy.resources.limits` block",
    default: |fix| &fix.memory,
};

/// DH103: flags a service with neither `mem_limit` nor `deploy.resources.limits.memory`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    LIMIT.check(cx, out);
}

/// Returns whether the service sets a positive memory limit in either spelling, or one that
/// depends on a variable without a default.
pub fn may_be_limited(cx: &ServiceContext) -> bool {
    LIMIT.may_be_set(cx)
}
