//! DH119 dangerous-cap-add: `cap_add` grants a Linux capability beyond Docker's default set.

use super::ServiceContext;
use super::cap_drop_all::normalize_capability;
use crate::compose::Interpolated;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH119 metadata. Each finding's severity depends on the capability.
pub static META: RuleMeta = RuleMeta {
    code: "DH119",
    name: "dangerous-cap-add",
    target: Target::Compose,
    severity: Severity::Error,
    enabled: true,
    cis: Some("5.4"),
    doc: rule_doc!("DH119"),
};

/// Capabilities Docker grants every container unless `cap_drop` removes them (moby's
/// `DefaultCapabilities`, the list CIS Docker Benchmark 5.4 accepts).
const DEFAULT_CAPABILITIES: [&str; 14] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Capabilities that give a process in the container a known way to control the host or read
/// other processes' data.
const DANGEROUS_CAPABILITIES: [&str; 13] = [
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "NET_ADMIN",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "LINUX_IMMUTABLE",
    "SYSLOG",
];

/// Returns the severity of adding `capability` (normalised), or `None` for a capability that
/// Docker grants by default.
pub fn severity_of(capability: &str) -> Option<Severity> {
    if matches!(capability, "ALL" | "SYS_ADMIN") {
        Some(Severity::Error)
    } else if DANGEROUS_CAPABILITIES.contains(&capability) {
        Some(Severity::Warning)
    } else if DEFAULT_CAPABILITIES.contains(&capability) {
        None
    } else {
        Some(Severity::Info)
    }
}

/// DH119: flags each `cap_add` item outside Docker's default capabilities.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    // Each file of the project adds its own list; a string or mapping here is invalid
    // Compose, which DH004 reports.
    for (entry, item) in cx.items_of("cap_add") {
        let Some(raw) = tree.scalar(item) else {
            continue;
        };
        let span = tree.node(item).span;
        let capability = match cx.interpolate(raw) {
            Interpolated::Known(value) => normalize_capability(&value),
            Interpolated::Unknown { variable } => {
                out.push(
                    cx.diagnostic_at(
                        &META,
                        span,
                        Some(entry),
                        format!(
                            "Service `{}` adds a capability from variable `{variable}`, which has \
                             no default, so dhlint cannot tell which",
                            cx.name()
                        ),
                    )
                    .with_severity(Severity::Info)
                    .with_label("value depends on a variable")
                    .with_help(format!(
                        "Give `{variable}` a default, such as `${{{variable}:-...}}`"
                    )),
                );
                continue;
            }
        };
        let Some(severity) = severity_of(&capability) else {
            continue;
        };
        let (message, label, help) = match (severity, capability.as_str()) {
            (_, "ALL") => (
                format!(
                    "Service `{}` adds every Linux capability with `cap_add: [ALL]`",
                    cx.name()
                ),
                "every capability".to_owned(),
                "Replace `ALL` with the few capabilities the service needs",
            ),
            (_, "SYS_ADMIN") => (
                format!(
                    "Service `{}` adds capability `SYS_ADMIN`, which allows mounting file systems \
                     and most other administrative operations",
                    cx.name()
                ),
                "`SYS_ADMIN`".to_owned(),
                "Remove the capability, or run the task that needs it in a separate, short-lived \
                 container",
            ),
            (Severity::Error, _) | (Severity::Warning, _) => (
                format!(
                    "Service `{}` adds capability `{capability}`, which Docker leaves out by \
                     default because it reaches beyond the container",
                    cx.name()
                ),
                format!("`{capability}`"),
                "Remove the capability, or run the task that needs it in a separate, short-lived \
                 container",
            ),
            (Severity::Info, _) => (
                format!(
                    "Service `{}` adds capability `{capability}`, which Docker does not grant by \
                     default",
                    cx.name()
                ),
                format!("`{capability}`"),
                "Check that the service needs this capability, and remove it if not",
            ),
        };
        out.push(
            cx.diagnostic_at(&META, span, Some(entry), message)
                .with_severity(severity)
                .with_label(label)
                .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_by_capability() {
        assert_eq!(severity_of("ALL"), Some(Severity::Error));
        assert_eq!(severity_of("SYS_ADMIN"), Some(Severity::Error));
        assert_eq!(severity_of("NET_ADMIN"), Some(Severity::Warning));
        assert_eq!(severity_of("IPC_LOCK"), Some(Severity::Info));
        assert_eq!(severity_of("NET_BIND_SERVICE"), None);
    }
}
