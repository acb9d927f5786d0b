//! Findings about the files themselves rather than their settings: files that cannot be
//! parsed, duplicate keys, and values Compose rejects.

use super::{RuleMeta, Target, rule_doc};
use crate::diagnostic::Severity;

/// DH001: the file cannot be read or parsed.
pub static PARSE_ERROR: RuleMeta = RuleMeta {
    code: "DH001",
    name: "parse-error",
    target: Target::Any,
    severity: Severity::Error,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH001"),
};

/// DH002: a suppression comment that suppresses nothing.
pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    code: "DH002",
    name: "unused-suppression",
    target: Target::Any,
    severity: Severity::Warning,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH002"),
};

/// DH003: a key written twice in one YAML mapping.
pub static DUPLICATE_KEY: RuleMeta = RuleMeta {
    code: "DH003",
    name: "duplicate-key",
    target: Target::Any,
    severity: Severity::Error,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH003"),
};

/// DH004: a Compose value of a shape Compose rejects.
pub static INVALID_COMPOSE: RuleMeta = RuleMeta {
    code: "DH004",
    name: "invalid-compose",
    target: Target::Any,
    severity: Severity::Error,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH004"),
};
