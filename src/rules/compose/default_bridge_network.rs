//! DH132 default-bridge-network: the service is attached to Docker's default bridge network,
//! which every container on the host without its own network shares.

use super::ServiceContext;
use super::host_namespaces::{FlaggedValue, flag_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH132 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH132",
    name: "default-bridge-network",
    target: Target::Compose,
    severity: Severity::Info,
    enabled: true,
    cis: Some("5.30"),
    doc: rule_doc!("DH132"),
};

static BRIDGE: FlaggedValue = FlaggedValue {
    rule: &META,
    key: "network_mode",
    value: "bridge",
    effect: "uses Docker's default bridge network, shared with every other container on it",
    label: "default bridge network",
    help: "Remove `network_mode: bridge`, so that Compose attaches the service to the project's \
           own network, or list the networks it needs under `networks`",
    // DH110 already notes a `network_mode` that depends on a variable.
    note_unknown: false,
};

/// DH132: flags `network_mode: bridge`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    flag_value(cx, &BRIDGE, out);
}
