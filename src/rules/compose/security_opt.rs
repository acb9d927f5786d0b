//! DH116 seccomp-unconfined, DH117 apparmor-unconfined and DH118 selinux-disabled: a
//! `security_opt` entry turns off one of the kernel's confinement mechanisms.
//!
//! [`split_security_opt`] is the entry parser that DH107 uses too.

use super::ServiceContext;
use super::host_namespaces::could_be;
use crate::compose::Interpolated;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Fix};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::{Entry, NodeId};

/// DH116 metadata.
pub static SECCOMP: RuleMeta = RuleMeta {
    code: "DH116",
    name: "seccomp-unconfined",
    target: Target::Compose,
    severity: Severity::Error,
    enabled: true,
    cis: Some("5.22"),
    doc: rule_doc!("DH116"),
};

/// DH117 metadata.
pub static APPARMOR: RuleMeta = RuleMeta {
    code: "DH117",
    name: "apparmor-unconfined",
    target: Target::Compose,
    severity: Severity::Error,
    enabled: true,
    cis: Some("5.2"),
    doc: rule_doc!("DH117"),
};

/// DH118 metadata.
pub static SELINUX: RuleMeta = RuleMeta {
    code: "DH118",
    name: "selinux-disabled",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.3"),
    doc: rule_doc!("DH118"),
};

/// Splits a `security_opt` entry into its option name, in lower case, and its value. Docker
/// accepts both `:` and `=` as the separator, and the first one in the entry splits it.
pub fn split_security_opt(entry: &str) -> (String, Option<&str>) {
    match entry.find([':', '=']) {
        Some(i) => (
            entry[..i].trim().to_ascii_lowercase(),
            Some(entry[i + 1..].trim()),
        ),
        None => (entry.trim().to_ascii_lowercase(), None),
    }
}

/// One `security_opt` entry that turns confinement off.
struct Unconfined {
    rule: &'static RuleMeta,
    /// The option name, such as `seccomp`.
    option: &'static str,
    /// The value that turns it off, compared without regard to ASCII case.
    value: &'static str,
    /// The entry's effect, completing "Service `web` …".
    effect: &'static str,
    help: &'static str,
}

const UNCONFINED: [Unconfined; 3] = [
    Unconfined {
        rule: &SECCOMP,
        option: "seccomp",
        value: "unconfined",
        effect: "runs without a seccomp profile, so every system call is allowed",
        help: "Remove the entry to get Docker's default seccomp profile, or give a custom profile \
               that allows the calls the service needs, such as `seccomp:./seccomp.json`",
    },
    Unconfined {
        rule: &APPARMOR,
        option: "apparmor",
        value: "unconfined",
        effect: "runs without an AppArmor profile",
        help: "Remove the entry to get Docker's default AppArmor profile, or name a profile loaded \
               on the host, such as `apparmor:docker-default`",
    },
    Unconfined {
        rule: &SELINUX,
        option: "label",
        value: "disable",
        effect: "turns off SELinux labeling",
        help: "Remove the entry, and relabel bind mounts with the `:z` or `:Z` volume option \
               instead, or set a type with `label:type:<type>`",
    },
];

/// DH116 to DH118: flags each `security_opt` entry that turns confinement off.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    // Each file of the project adds its own list; a string or mapping here is invalid
    // Compose, which DH004 reports.
    for (entry, item) in cx.items_of("security_opt") {
        let Some(raw) = tree.scalar(item) else {
            continue;
        };
        for unconfined in &UNCONFINED {
            check_item(cx, entry, item, raw, unconfined, out);
        }
    }
}

fn check_item(
    cx: &ServiceContext,
    entry: Entry,
    item: NodeId,
    raw: &str,
    unconfined: &Unconfined,
    out: &mut Vec<Diagnostic>,
) {
    let span = cx.tree().node(item).span;
    let value = match cx.interpolate(raw) {
        Interpolated::Known(value) => value,
        Interpolated::Unknown { variable } => {
            let (name, setting) = split_security_opt(raw);
            let could_match = name == unconfined.option
                && setting.is_some_and(|setting| could_be(setting, unconfined.value));
            if could_match {
                out.push(
                    cx.diagnostic_at(
                        unconfined.rule,
                        span,
                        Some(entry),
                        format!(
                            "Service `{}` sets the `{}` entry of `security_opt` from variable \
                             `{variable}`, which has no default, so dhlint cannot tell its value",
                            cx.name(),
                            unconfined.option
                        ),
                    )
                    .with_severity(Severity::Info)
                    .with_label("value depends on a variable")
                    .with_help(format!(
                        "Give `{variable}` a default, such as `${{{variable}:-...}}`"
                    )),
                );
            }
            return;
        }
    };
    let (name, setting) = split_security_opt(&value);
    let matches = name == unconfined.option
        && setting.is_some_and(|s| s.eq_ignore_ascii_case(unconfined.value));
    if !matches {
        return;
    }
    out.push(
        cx.diagnostic_at(
            unconfined.rule,
            span,
            Some(entry),
            format!(
                "Service `{}` {}: `security_opt` contains `{}`",
                cx.name(),
                unconfined.effect,
                value.trim()
            ),
        )
        .with_label(format!("`{}` turned off", unconfined.option))
        .with_help(unconfined.help)
        .with_fix(remove(cx, entry, item)),
    );
}

/// Removes the entry from the service's own `security_opt`.
fn remove(cx: &ServiceContext, entry: Entry, item: NodeId) -> Result<Fix, String> {
    if entry.merged_from.is_some() {
        return Err(
            "`security_opt` comes from a merge key or `extends`, so remove the entry there".into(),
        );
    }
    if entry.value != entry.value_written {
        return Err("`security_opt` is an alias of a shared list".into());
    }
    cx.editor()
        .remove_item(entry.value_written, item)
        .map(|edits| Fix {
            applicability: Applicability::Unsafe,
            title: "Remove the entry from `security_opt`".into(),
            edits,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_accepts_both_separators() {
        assert_eq!(
            split_security_opt("seccomp:unconfined"),
            ("seccomp".to_owned(), Some("unconfined"))
        );
        assert_eq!(
            split_security_opt(" Seccomp = unconfined "),
            ("seccomp".to_owned(), Some("unconfined"))
        );
        assert_eq!(
            split_security_opt("label:type:svirt_t"),
            ("label".to_owned(), Some("type:svirt_t"))
        );
        assert_eq!(
            split_security_opt("no-new-privileges"),
            ("no-new-privileges".to_owned(), None)
        );
    }
}
