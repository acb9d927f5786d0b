//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per finding,
//! which GitHub shows as an annotation on the pull request.
//!
//! Property values escape `%`, `\r`, `\n`, `:` and `,`; the message escapes `%`, `\r` and `\n`,
//! as GitHub's toolkit does (`@actions/core`, `command.ts`).

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::lint::FileReport;
use crate::source::LineIndex;

/// Escapes the message part of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Writes one workflow command for each error outside any file's findings.
pub fn write_errors(out: &mut dyn Write, errors: &[String]) -> io::Result<()> {
    for error in errors {
        writeln!(out, "::error title=dhlint::{}", escape_data(error))?;
    }
    Ok(())
}

/// Writes one workflow command per finding of `report`, and one if its fixes failed.
pub fn write_file(out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
    {
        let text = report.source.as_deref().unwrap_or("");
        let index = LineIndex::new(text);
        let file = escape_property(&report.path.to_string_lossy());
        for diagnostic in &report.diagnostics {
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let start = index.position(text, diagnostic.span.start);
            let end = index.position(text, diagnostic.span.end);
            let title = escape_property(&format!(
                "{} {}",
                diagnostic.rule.code, diagnostic.rule.name
            ));
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message = format!("{message}\n{help}");
            }
            writeln!(
                out,
                "::{command} file={file},line={},col={},endLine={},endColumn={},title={title}::{}",
                start.line,
                start.column,
                end.line,
                end.column,
                escape_data(&message),
            )?;
        }
        if let Some(error) = &report.fix_error {
            writeln!(
                out,
                "::error file={file},title=dhlint::{}",
                escape_data(error)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a b, c: d%"), "a b%2C c%3A d%25");
    }
}
