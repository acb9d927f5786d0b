//! DH121 host-devices: the container gets direct access to host devices.

use super::ServiceContext;
use crate::compose::Interpolated;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH121 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH121",
    name: "host-devices",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.18"),
    doc: rule_doc!("DH121"),
};

/// DH121: flags every `devices` entry and `device_cgroup_rules` entries that allow all
/// devices or every major number.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    check_devices(cx, out);
    check_cgroup_rules(cx, out);
}

fn check_devices(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    for (entry, item) in cx.items_of("devices") {
        // Short syntax `HOST[:CONTAINER[:PERMISSIONS]]`, a CDI name such as
        // `nvidia.com/gpu=all`, or the long syntax mapping with `source`.
        let raw = match tree.scalar(item) {
            Some(raw) => raw,
            None => tree
                .get(item, "source")
                .and_then(|e| tree.scalar(e.value))
                .unwrap_or(""),
        };
        let device = match cx.interpolate(raw) {
            Interpolated::Known(value) => value,
            Interpolated::Unknown { .. } => raw.to_owned(),
        };
        let host = device.split(':').next().unwrap_or("").trim();
        let message = if host.is_empty() {
            format!("Service `{}` gives the container a host device", cx.name())
        } else {
            format!(
                "Service `{}` gives the container host device `{host}`",
                cx.name()
            )
        };
        out.push(
            cx.diagnostic_at(&META, tree.node(item).span, Some(entry), message)
                .with_label("host device passed through")
                .with_help(
                    "Remove the device unless the service needs it, and give it only the \
                     permissions it needs (such as `:r`)",
                ),
        );
    }
}

fn check_cgroup_rules(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    for (entry, item) in cx.items_of("device_cgroup_rules") {
        let Some(raw) = tree.scalar(item) else {
            continue;
        };
        let Interpolated::Known(rule) = cx.interpolate(raw) else {
            continue;
        };
        let Some(reason) = broad_cgroup_rule(&rule) else {
            continue;
        };
        out.push(
            cx.diagnostic_at(
                &META,
                tree.node(item).span,
                Some(entry),
                format!(
                    "Service `{}` has device cgroup rule `{rule}`, which allows {reason}",
                    cx.name()
                ),
            )
            .with_label("allows too many devices")
            .with_help("Allow only the device type and major:minor numbers the service needs"),
        );
    }
}

/// Why a device cgroup rule (`TYPE MAJOR:MINOR PERMISSIONS`, such as `c 1:3 mr`) is too broad:
/// type `a` allows every device, and a `*` major number every device of the type.
fn broad_cgroup_rule(rule: &str) -> Option<&'static str> {
    let mut fields = rule.split_whitespace();
    let kind = fields.next()?;
    if kind == "a" {
        return Some("all devices");
    }
    let numbers = fields.next()?;
    let major = numbers.split(':').next()?;
    (major == "*").then_some("every device of its type")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_rules() {
        assert_eq!(broad_cgroup_rule("a *:* rwm"), Some("all devices"));
        assert_eq!(broad_cgroup_rule("a"), Some("all devices"));
        assert_eq!(
            broad_cgroup_rule("c *:* rwm"),
            Some("every device of its type")
        );
        assert_eq!(broad_cgroup_rule("c 189:* rmw"), None);
        assert_eq!(broad_cgroup_rule("c 1:3 mr"), None);
    }
}
