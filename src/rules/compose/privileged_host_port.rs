//! DH124 privileged-host-port: a published host port is below 1024.

use super::ServiceContext;
use crate::compose::ports::port_range;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH124 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH124",
    name: "privileged-host-port",
    target: Target::Compose,
    severity: Severity::Info,
    enabled: true,
    cis: Some("5.8"),
    doc: rule_doc!("DH124"),
};

/// The first port number that an unprivileged process may bind on Linux.
const FIRST_UNPRIVILEGED: u32 = 1024;

/// DH124: flags published host ports and ranges that start below 1024.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    for (entry, found) in cx.ports() {
        for port in found {
            let Some(published) = port.published.as_deref() else {
                continue;
            };
            let Some((first, last)) = port_range(published) else {
                continue;
            };
            // Port 0 lets the engine pick a free port.
            if first == 0 || first >= FIRST_UNPRIVILEGED {
                continue;
            }
            let ports = if first == last {
                format!("privileged host port {first}")
            } else {
                format!("host ports {first}-{last}, which include privileged ports")
            };
            out.push(
                cx.diagnostic_at(
                    &META,
                    tree.node(port.published_node.unwrap_or(port.item)).span,
                    Some(entry),
                    format!("Service `{}` publishes {ports}", cx.name()),
                )
                .with_label("below 1024")
                .with_help(
                    "Publish a host port of 1024 or above (such as `8080:80`), unless clients must \
                 reach the service on this port",
                ),
            );
        }
    }
}
