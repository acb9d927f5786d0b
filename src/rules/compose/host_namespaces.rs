//! DH110 to DH115: the service shares one of the host's namespaces (network, PID, IPC, user,
//! UTS or cgroup) instead of getting its own.
//!
//! Each rule flags one service key set to `host`. They share [`flag_value`], which DH132 also
//! uses for `network_mode: bridge`.

use super::{ServiceContext, Setting};
use crate::compose::interpolate::references;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH110 metadata.
pub static HOST_NETWORK: RuleMeta = RuleMeta {
    code: "DH110",
    name: "host-network",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.10"),
    doc: rule_doc!("DH110"),
};

/// DH111 metadata.
pub static HOST_PID: RuleMeta = RuleMeta {
    code: "DH111",
    name: "host-pid",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.16"),
    doc: rule_doc!("DH111"),
};

/// DH112 metadata.
pub static HOST_IPC: RuleMeta = RuleMeta {
    code: "DH112",
    name: "host-ipc",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.17"),
    doc: rule_doc!("DH112"),
};

/// DH113 metadata.
pub static HOST_USERNS: RuleMeta = RuleMeta {
    code: "DH113",
    name: "host-userns",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.31"),
    doc: rule_doc!("DH113"),
};

/// DH114 metadata.
pub static HOST_UTS: RuleMeta = RuleMeta {
    code: "DH114",
    name: "host-uts",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.21"),
    doc: rule_doc!("DH114"),
};

/// DH115 metadata.
pub static HOST_CGROUPNS: RuleMeta = RuleMeta {
    code: "DH115",
    name: "host-cgroupns",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH115"),
};

/// A service key that is flagged when it has one particular value.
pub struct FlaggedValue {
    /// The rule reporting it.
    pub rule: &'static RuleMeta,
    /// The service key, such as `network_mode`.
    pub key: &'static str,
    /// The flagged value, compared without regard to ASCII case.
    pub value: &'static str,
    /// The value's effect, completing "Service `web` …", such as "shares the host's network
    /// namespace".
    pub effect: &'static str,
    /// Text under the value.
    pub label: &'static str,
    /// The remedy.
    pub help: &'static str,
    /// Whether a value that depends on a variable without a default gets an `info` note.
    pub note_unknown: bool,
}

const NAMESPACES: [FlaggedValue; 6] = [
    FlaggedValue {
        rule: &HOST_NETWORK,
        key: "network_mode",
        value: "host",
        effect: "shares the host's network namespace",
        label: "host network",
        help: "Remove `network_mode: host`, publish the ports the service serves with `ports`, \
               and reach other services over a Compose network",
        note_unknown: true,
    },
    FlaggedValue {
        rule: &HOST_PID,
        key: "pid",
        value: "host",
        effect: "shares the host's process ID namespace",
        label: "host PID namespace",
        help: "Remove `pid: host`, or share only another container's namespace with \
               `pid: \"service:<name>\"`",
        note_unknown: true,
    },
    FlaggedValue {
        rule: &HOST_IPC,
        key: "ipc",
        value: "host",
        effect: "shares the host's IPC namespace",
        label: "host IPC namespace",
        help: "Remove `ipc: host`, or use `ipc: shareable` and `ipc: \"service:<name>\"` to share \
               memory between containers only",
        note_unknown: true,
    },
    FlaggedValue {
        rule: &HOST_USERNS,
        key: "userns_mode",
        value: "host",
        effect: "opts out of the daemon's user namespace remapping",
        label: "host user namespace",
        help: "Remove `userns_mode: host`, so that root in the container maps to an unprivileged \
               user on the host",
        note_unknown: true,
    },
    FlaggedValue {
        rule: &HOST_UTS,
        key: "uts",
        value: "host",
        effect: "shares the host's UTS namespace",
        label: "host UTS namespace",
        help: "Remove `uts: host`, and set the container's name with `hostname` if it needs one",
        note_unknown: true,
    },
    FlaggedValue {
        rule: &HOST_CGROUPNS,
        key: "cgroup",
        value: "host",
        effect: "shares the host's cgroup namespace",
        label: "host cgroup namespace",
        help: "Remove `cgroup: host`, or set `cgroup: private`",
        note_unknown: true,
    },
];

/// DH110 to DH115: flags each namespace key set to `host`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    for namespace in &NAMESPACES {
        flag_value(cx, namespace, out);
    }
}

/// Reports the service when `flagged.key` is set to `flagged.value`.
pub fn flag_value(cx: &ServiceContext, flagged: &FlaggedValue, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get(flagged.key) else {
        return;
    };
    match cx.setting(Some(entry)) {
        Setting::Value(value) if value.trim().eq_ignore_ascii_case(flagged.value) => {
            let span = cx.tree().node(entry.value_written).span;
            out.push(
                cx.diagnostic_at(
                    flagged.rule,
                    span,
                    Some(entry),
                    format!(
                        "Service `{}` {}: `{}: {}`",
                        cx.name(),
                        flagged.effect,
                        flagged.key,
                        flagged.value
                    ),
                )
                .with_label(flagged.label)
                .with_help(flagged.help),
            );
        }
        Setting::Unknown { variable } if flagged.note_unknown => {
            let raw = cx.tree().scalar(entry.value).unwrap_or("");
            if could_be(raw, flagged.value) {
                out.push(cx.unknown(flagged.rule, entry, flagged.key, &variable));
            }
        }
        _ => {}
    }
}

/// Whether `raw`, which contains variables that have no value, could interpolate to `target`:
/// the text outside its variable references must occur in `target`. So `${MODE}` could be
/// `host`, and `container:${NAME}` could not.
pub fn could_be(raw: &str, target: &str) -> bool {
    let mut literal = String::new();
    let mut cursor = 0;
    for reference in references(raw) {
        literal.push_str(&raw[cursor..reference.range.start]);
        cursor = reference.range.end;
    }
    literal.push_str(&raw[cursor..]);
    target
        .to_ascii_lowercase()
        .contains(&literal.trim().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn could_be_checks_literal_text() {
        assert!(could_be("${MODE}", "host"));
        assert!(could_be("${MODE:?set it}", "host"));
        assert!(!could_be("container:${NAME}", "host"));
        assert!(!could_be("service:${NAME}", "host"));
    }
}
