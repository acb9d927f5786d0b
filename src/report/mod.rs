//! Reporters: turning [`FileReport`]s into output for people and tools.
//!
//! Reporters write to any `io::Write`; the caller decides where (stdout, a file) and how
//! write errors such as a closed pipe end the run.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod statistics;
pub mod stream;

use std::io;

use crate::diagnostic::Severity;
use crate::lint::FileReport;
use crate::source::Span;

/// Counts of findings by severity, for the summary line and the exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Files linted.
    pub files: usize,
    /// Files with at least one finding.
    pub files_with_findings: usize,
    /// Findings with severity error.
    pub errors: usize,
    /// Findings with severity warning.
    pub warnings: usize,
    /// Findings with severity info.
    pub infos: usize,
    /// Files that could not be read or parsed.
    pub parse_errors: usize,
    /// Findings fixed, or that `--diff` would fix.
    pub fixed: usize,
    /// Files whose fixes could not be applied.
    pub fix_errors: usize,
}

impl Totals {
    /// Adds one file's findings.
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        if !report.diagnostics.is_empty() {
            self.files_with_findings += 1;
        }
        if report.has_parse_error() {
            self.parse_errors += 1;
        }
        self.fixed += report.fixed;
        if report.fix_error.is_some() {
            self.fix_errors += 1;
        }
        for diagnostic in &report.diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &Totals) {
        self.files += other.files;
        self.files_with_findings += other.files_with_findings;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.parse_errors += other.parse_errors;
        self.fixed += other.fixed;
        self.fix_errors += other.fix_errors;
    }

    /// All findings.
    pub fn findings(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// Returns `text` with every byte of `spans` that starts a character replaced by `*`, keeping
/// line breaks, so secret values never reach the output while byte offsets stay valid.
pub fn redact(text: &str, spans: &[Span]) -> String {
    if spans.is_empty() {
        return text.to_owned();
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        let end = span.end.min(bytes.len());
        for byte in &mut bytes[span.start.min(end)..end] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b'*';
            }
        }
    }
    // Every non-ASCII byte inside a span became ASCII, and spans are on character boundaries,
    // so the result is valid UTF-8; fall back to a lossy conversion rather than panic.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes `value` as pretty-printed JSON with every line after the first `indent` deeper, and
/// `indent` before the first, as an element nested inside a pretty-printed document.
fn write_indented(
    out: &mut Vec<u8>,
    value: &impl serde::Serialize,
    indent: &str,
) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    out.extend_from_slice(indent.as_bytes());
    // Line breaks inside JSON strings are escaped, so every raw one is between tokens.
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        out.extend_from_slice(first.as_bytes());
    }
    for line in lines {
        out.push(b'\n');
        out.extend_from_slice(indent.as_bytes());
        out.extend_from_slice(line.as_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indented_elements_match_a_pretty_printed_array() {
        let element = serde_json::json!({ "a": [1, { "b": "x\ny" }], "c": {} });
        let mut out = b"[\n".to_vec();
        write_indented(&mut out, &element, "  ").unwrap();
        out.extend_from_slice(b",\n");
        write_indented(&mut out, &element, "  ").unwrap();
        out.extend_from_slice(b"\n]");
        let expected = serde_json::to_string_pretty(&[&element, &element]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn redact_keeps_length_and_line_breaks() {
        let text = "A: sécret\nB: x";
        let redacted = redact(text, &[Span::new(3, 10)]);
        assert_eq!(redacted.len(), text.len());
        assert_eq!(redacted, "A: *******\nB: x");
    }
}
