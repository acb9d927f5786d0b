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
    enabled: true,
    cis: None,
    doc: rule_doc!("DH005"),
};

/// DH005: reports the parser's warnings about empty lines inside continuations.
pub fn check(file: &Dockerfile, out: &mut Vec<Diagnostic>) {
    for warning in &file.warnings {
        // The parser's text names the line of the instruction; the message does not, so that
        // it stays the same when lines above it move.
        let message = "Empty line inside a line continuation: the next line is joined to the \
                       instruction above it";
        out.push(
            Diagnostic::new(&META, warning.span, message)
                .with_label(warning.message.clone())
                .with_help(
                    "Remove the `\\` before the empty line if the instruction ends there, or \
                     remove the empty line",
                ),
        );
    }
}
