//! DH005 empty-continuation-line: an empty line inside a line continuation, which makes
//! Docker join the next line to the instruction above.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::Dockerfile;
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH005 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH005",
    name: "empty-continuation-line",
    target: Target::Any,
    severity: Severity::Warning,
    doc: rule_doc!("DH005"),
};

/// DH005: reports the parser's warnings about empty lines inside continuations.
pub fn check(file: &Dockerfile, out: &mut Vec<Diagnostic>) {
    for warning in &file.warnings {
        let mut message = warning.message.clone();
        if let Some(first) = message.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        out.push(
            Diagnostic::new(&META, warning.span, message)
                .with_label("empty line inside a continuation")
                .with_help(
                    "Remove the `\\` before the empty line if the instruction ends there, or \
                     remove the empty line",
                ),
        );
    }
}
