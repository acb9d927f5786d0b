//! Daemon defaults that isolate containers from the host: DH302 userns-remap, DH303
//! no-new-privileges-default, DH312 seccomp-profile-unconfined, DH321 selinux-disabled and
//! DH322 shared-default-namespaces.

use super::{BoolDefault, DaemonContext, Setting, check_bool};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH302 metadata.
pub static USERNS_REMAP: RuleMeta = RuleMeta {
    code: "DH302",
    name: "userns-remap",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("2.9"),
    doc: rule_doc!("DH302"),
};

/// DH303 metadata.
pub static NO_NEW_PRIVILEGES: RuleMeta = RuleMeta {
    code: "DH303",
    name: "no-new-privileges-default",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("2.14"),
    doc: rule_doc!("DH303"),
};

/// DH312 metadata.
pub static SECCOMP_UNCONFINED: RuleMeta = RuleMeta {
    code: "DH312",
    name: "seccomp-profile-unconfined",
    target: Target::Daemon,
    severity: Severity::Error,
    enabled: true,
    cis: Some("2.17"),
    doc: rule_doc!("DH312"),
};

/// DH321 metadata.
pub static SELINUX_DISABLED: RuleMeta = RuleMeta {
    code: "DH321",
    name: "selinux-not-enabled",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: false,
    cis: Some("5.3"),
    doc: rule_doc!("DH321"),
};

/// DH322 metadata.
pub static SHARED_NAMESPACES: RuleMeta = RuleMeta {
    code: "DH322",
    name: "shared-default-namespaces",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH322"),
};

/// The `seccomp-profile` value that turns seccomp off (moby's `SeccompProfileUnconfined`).
const UNCONFINED: &str = "unconfined";

/// Runs the isolation rules.
pub fn check(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    userns_remap(cx, out);
    check_bool(
        cx,
        &BoolDefault {
            rule: &NO_NEW_PRIVILEGES,
            key: "no-new-privileges",
            expected: true,
            consequence: "lets container processes gain privileges through setuid binaries",
            fix: true,
        },
        out,
    );
    if let Setting::Set(member, UNCONFINED) = cx.string("seccomp-profile") {
        out.push(
            cx.at_value(
                &SECCOMP_UNCONFINED,
                member,
                "`seccomp-profile` is `unconfined`, so containers run without a seccomp filter \
                 and may make any system call",
            )
            .with_label("seccomp turned off")
            .with_help(
                "Remove `seccomp-profile` to use Docker's default profile, or name a custom \
                 profile file",
            ),
        );
    }
    check_bool(
        cx,
        &BoolDefault {
            rule: &SELINUX_DISABLED,
            key: "selinux-enabled",
            expected: true,
            consequence: "does not apply SELinux labels to containers",
            fix: false,
        },
        out,
    );
    shared_namespaces(cx, out);
}

/// DH302: containers' root is the host's root, because user namespaces are not remapped.
fn userns_remap(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    let message = "`userns-remap` is not set, so root in a container is root on the host";
    let diagnostic = match cx.string("userns-remap") {
        Setting::Absent => cx
            .missing(&USERNS_REMAP, message)
            .with_label("no `userns-remap`"),
        Setting::Set(member, value) if value.trim().is_empty() => cx
            .at_value(
                &USERNS_REMAP,
                member,
                "`userns-remap` is empty, so root in a container is root on the host",
            )
            .with_label("empty"),
        _ => return,
    };
    out.push(
        diagnostic
            .with_help("Set `\"userns-remap\": \"default\"` to map container users to an unprivileged host range")
            .with_fix(cx.set("userns-remap", "\"default\"").map(|edit| {
                Fix::unsafe_edit("Set `\"userns-remap\": \"default\"`", edit)
            })),
    );
}

/// DH322: containers share IPC namespaces or the host's cgroup namespace by default.
fn shared_namespaces(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    if let Setting::Set(member, mode) = cx.string("default-ipc-mode")
        && mode == "shareable"
    {
        out.push(
            cx.at_value(
                &SHARED_NAMESPACES,
                member,
                "`default-ipc-mode` is `shareable`, so other containers can join each \
                 container's IPC namespace",
            )
            .with_label("shareable")
            .with_help("Set `\"default-ipc-mode\": \"private\"` or remove the key"),
        );
    }
    if let Setting::Set(member, mode) = cx.string("default-cgroupns-mode")
        && mode == "host"
    {
        out.push(
            cx.at_value(
                &SHARED_NAMESPACES,
                member,
                "`default-cgroupns-mode` is `host`, so containers see the host's cgroup tree",
            )
            .with_severity(Severity::Warning)
            .with_label("host cgroup namespace")
            .with_help("Set `\"default-cgroupns-mode\": \"private\"` or remove the key"),
        );
    }
}
