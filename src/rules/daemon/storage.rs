//! Storage settings: DH313 storage-driver-deprecated and DH317 storage-opts-basesize.

use super::{DaemonContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH313 metadata.
pub static DEPRECATED_DRIVER: RuleMeta = RuleMeta {
    code: "DH313",
    name: "storage-driver-deprecated",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("2.6"),
    doc: rule_doc!("DH313"),
};

/// DH317 metadata.
pub static BASESIZE: RuleMeta = RuleMeta {
    code: "DH317",
    name: "storage-opts-basesize",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: true,
    cis: Some("2.11"),
    doc: rule_doc!("DH317"),
};

/// Storage drivers that Docker deprecated and removed.
const DEPRECATED: &[&str] = &["aufs", "devicemapper", "overlay"];

/// Runs the storage rules.
pub fn check(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    if let Setting::Set(member, driver) = cx.string("storage-driver")
        && DEPRECATED.contains(&driver)
    {
        out.push(
            cx.at_value(
                &DEPRECATED_DRIVER,
                member,
                format!(
                    "Storage driver `{driver}` is deprecated and no longer maintained, and \
                     current Docker releases do not include it"
                ),
            )
            .with_label("deprecated driver")
            .with_help("Use `overlay2`, or remove `storage-driver` to let Docker choose"),
        );
    }
    if let Setting::Set(_, options) = cx.strings("storage-opts") {
        for (item, option) in options {
            let name = option.split('=').next().unwrap_or("").trim();
            if name.eq_ignore_ascii_case("dm.basesize") {
                out.push(
                    Diagnostic::new(
                        &BASESIZE,
                        cx.span(item),
                        "`dm.basesize` raises the base device size of every container, which \
                         devicemapper cannot shrink again",
                    )
                    .with_label("base device size")
                    .with_help(
                        "Remove `dm.basesize` unless containers need larger root filesystems",
                    ),
                );
            }
        }
    }
}
