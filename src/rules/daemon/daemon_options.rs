//! Daemon-wide options: DH306 live-restore, DH311 experimental, DH314 authorization-plugins,
//! DH315 default-ulimits and DH316 cgroup-parent.

use super::{BoolDefault, DaemonContext, Setting, check_bool};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH306 metadata.
pub static LIVE_RESTORE: RuleMeta = RuleMeta {
    code: "DH306",
    name: "live-restore",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: true,
    cis: Some("2.15"),
    doc: rule_doc!("DH306"),
};

/// DH311 metadata.
pub static EXPERIMENTAL: RuleMeta = RuleMeta {
    code: "DH311",
    name: "experimental",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: true,
    cis: Some("2.18"),
    doc: rule_doc!("DH311"),
};

/// DH314 metadata.
pub static AUTHORIZATION_PLUGINS: RuleMeta = RuleMeta {
    code: "DH314",
    name: "authorization-plugins",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: false,
    cis: Some("2.12"),
    doc: rule_doc!("DH314"),
};

/// DH315 metadata.
pub static DEFAULT_ULIMITS: RuleMeta = RuleMeta {
    code: "DH315",
    name: "default-ulimits",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: false,
    cis: Some("2.8"),
    doc: rule_doc!("DH315"),
};

/// DH316 metadata.
pub static CGROUP_PARENT: RuleMeta = RuleMeta {
    code: "DH316",
    name: "daemon-cgroup-parent",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: true,
    cis: Some("2.10"),
    doc: rule_doc!("DH316"),
};

/// Runs the daemon-option rules.
pub fn check(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    check_bool(
        cx,
        &BoolDefault {
            rule: &LIVE_RESTORE,
            key: "live-restore",
            expected: true,
            consequence: "stops every container when it stops or restarts",
            fix: true,
        },
        out,
    );
    if let Setting::Set(member, true) = cx.boolean("experimental") {
        out.push(
            cx.at_value(
                &EXPERIMENTAL,
                member,
                "`\"experimental\": true` turns on experimental daemon features",
            )
            .with_label("experimental features on")
            .with_help("Set `\"experimental\": false` on production hosts")
            .with_fix(
                cx.set("experimental", "false")
                    .map(|edit| Fix::unsafe_edit("Set `\"experimental\": false`", edit)),
            ),
        );
    }
    match cx.strings("authorization-plugins") {
        Setting::Absent => out.push(
            cx.missing(
                &AUTHORIZATION_PLUGINS,
                "No `authorization-plugins`: every client that reaches the Docker API may run \
                 any command",
            )
            .with_label("no `authorization-plugins`")
            .with_help("List an authorization plugin in `authorization-plugins`"),
        ),
        Setting::Set(member, plugins) if plugins.is_empty() => out.push(
            cx.at_value(
                &AUTHORIZATION_PLUGINS,
                member,
                "`authorization-plugins` is empty: every client that reaches the Docker API may \
                 run any command",
            )
            .with_label("empty")
            .with_help("List an authorization plugin in `authorization-plugins`"),
        ),
        _ => {}
    }
    match cx.object("default-ulimits") {
        Setting::Absent => out.push(
            cx.missing(
                &DEFAULT_ULIMITS,
                "No `default-ulimits`: containers inherit the daemon's resource limits",
            )
            .with_label("no `default-ulimits`")
            .with_help("Set `default-ulimits`, for example a `nofile` and an `nproc` limit"),
        ),
        Setting::Set(member, object) if cx.file.members(object).is_empty() => out.push(
            cx.at_value(
                &DEFAULT_ULIMITS,
                member,
                "`default-ulimits` is empty: containers inherit the daemon's resource limits",
            )
            .with_label("empty")
            .with_help("Set `default-ulimits`, for example a `nofile` and an `nproc` limit"),
        ),
        _ => {}
    }
    if let Setting::Set(member, parent) = cx.string("cgroup-parent")
        && !parent.is_empty()
    {
        out.push(
            cx.at_value(
                &CGROUP_PARENT,
                member,
                format!(
                    "`cgroup-parent` puts every container under the cgroup `{parent}`, whose \
                     limits dhlint cannot check"
                ),
            )
            .with_label("custom cgroup parent")
            .with_help(
                "Check that the cgroup has the intended limits, or remove `cgroup-parent` to use \
                 Docker's default",
            ),
        );
    }
}
