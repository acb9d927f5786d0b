//! Network defaults of the daemon: DH305 icc-enabled, DH307 userland-proxy, DH309
//! iptables-disabled and DH319 default-bind-ip.

use std::net::IpAddr;

use super::{BoolDefault, DaemonContext, Setting, check_bool};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH305 metadata.
pub static ICC: RuleMeta = RuleMeta {
    code: "DH305",
    name: "icc-enabled",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("2.2"),
    doc: rule_doc!("DH305"),
};

/// DH307 metadata.
pub static USERLAND_PROXY: RuleMeta = RuleMeta {
    code: "DH307",
    name: "userland-proxy",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: true,
    cis: Some("2.16"),
    doc: rule_doc!("DH307"),
};

/// DH309 metadata.
pub static IPTABLES_DISABLED: RuleMeta = RuleMeta {
    code: "DH309",
    name: "iptables-disabled",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("2.4"),
    doc: rule_doc!("DH309"),
};

/// DH319 metadata.
pub static DEFAULT_BIND_IP: RuleMeta = RuleMeta {
    code: "DH319",
    name: "default-bind-ip",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: true,
    cis: Some("5.14"),
    doc: rule_doc!("DH319"),
};

/// Runs the network rules.
pub fn check(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    check_bool(
        cx,
        &BoolDefault {
            rule: &ICC,
            key: "icc",
            expected: false,
            consequence: "lets containers on the default bridge network reach each other on \
                          every port",
            fix: true,
        },
        out,
    );
    check_bool(
        cx,
        &BoolDefault {
            rule: &USERLAND_PROXY,
            key: "userland-proxy",
            expected: false,
            consequence: "runs a `docker-proxy` process for every published port",
            fix: true,
        },
        out,
    );
    if let Setting::Set(member, false) = cx.boolean("iptables") {
        out.push(
            cx.at_value(
                &IPTABLES_DISABLED,
                member,
                "`\"iptables\": false` stops the daemon from managing firewall rules, so \
                 container networks are not isolated by it",
            )
            .with_label("iptables off")
            .with_help("Remove `\"iptables\": false`, or set it to `true`"),
        );
    }
    default_bind_ip(cx, out);
}

/// DH319: published ports without a host address listen on every interface.
fn default_bind_ip(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    let diagnostic = match cx.string("ip") {
        Setting::Set(member, ip) if ip.trim().is_empty() => cx
            .at_value(
                &DEFAULT_BIND_IP,
                member,
                "`ip` is empty, so ports published without a host address listen on every \
                 interface",
            )
            .with_label("every interface"),
        Setting::Absent => cx
            .missing(
                &DEFAULT_BIND_IP,
                "`ip` is not set, so ports published without a host address listen on every \
                 interface",
            )
            .with_label("no `ip`"),
        Setting::Set(member, ip) if is_wildcard(ip) => cx
            .at_value(
                &DEFAULT_BIND_IP,
                member,
                format!(
                    "`ip` is `{ip}`, so ports published without a host address listen on every \
                     interface"
                ),
            )
            .with_label("every interface"),
        _ => return,
    };
    out.push(
        diagnostic
            .with_help("Set `\"ip\": \"127.0.0.1\"`, or the address of one interface")
            .with_fix(
                cx.set("ip", "\"127.0.0.1\"")
                    .map(|edit| Fix::unsafe_edit("Set `\"ip\": \"127.0.0.1\"`", edit)),
            ),
    );
}

/// Returns whether `ip` is empty or an unspecified address (`0.0.0.0`, `::`), which binds every
/// interface.
pub fn is_wildcard(ip: &str) -> bool {
    let ip = ip.trim();
    ip.is_empty() || ip.parse::<IpAddr>().is_ok_and(|addr| addr.is_unspecified())
}
