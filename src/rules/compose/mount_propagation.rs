//! DH122 shared-mount-propagation: mounts made on one side of a bind mount appear on the
//! other side.

use super::ServiceContext;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH122 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH122",
    name: "shared-mount-propagation",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.20"),
    doc: rule_doc!("DH122"),
};

/// DH122: flags mounts with shared propagation (warning) or slave propagation (info).
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    for (entry, mounts) in cx.mounts() {
        for mount in &mounts {
            let (Some(propagation), Some(node)) =
                (mount.propagation.as_deref(), mount.propagation_node)
            else {
                continue;
            };
            let (severity, effect) = match propagation {
                "shared" | "rshared" => (
                    Severity::Warning,
                    "mounts made inside the container appear on the host, and the other way round",
                ),
                "slave" | "rslave" => (
                    Severity::Info,
                    "mounts made on the host appear inside the container",
                ),
                _ => continue,
            };
            out.push(
                cx.diagnostic_at(
                    &META,
                    cx.tree().node(node).span,
                    Some(entry),
                    format!(
                        "Service `{}` mounts a volume with `{propagation}` propagation: {effect}",
                        cx.name()
                    ),
                )
                .with_severity(severity)
                .with_label(format!("`{propagation}` propagation"))
                .with_help("Remove the propagation option, so the mount uses the private default"),
            );
        }
    }
}
