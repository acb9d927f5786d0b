//! JSON output: one array of finding objects, sorted by path, position and code.
//!
//! The field set is stable: `path`, `line`, `column`, `end_line`, `end_column` (1-based,
//! columns in Unicode scalar values), `code`, `name`, `severity`, `message`, `help`,
//! `fixable`, `fix`: `null`, or the fix's `applicability` (`safe` or `unsafe`), `title` and
//! `edits`, each with the same position fields and the new `content`, and `related`: the other
//! places of the finding, each with `path`, `line`, `column` and `message`.

use std::io;

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::fix::Applicability;
use crate::lint::FileReport;
use crate::source::LineIndex;

#[derive(Serialize)]
struct Finding<'a> {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    fixable: bool,
    fix: Option<FixOut<'a>>,
    related: Vec<RelatedOut<'a>>,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    path: String,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct FixOut<'a> {
    applicability: Applicability,
    title: &'a str,
    edits: Vec<EditOut<'a>>,
}

#[derive(Serialize)]
struct EditOut<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    content: &'a str,
}

/// Renders the findings of one report as JSON array elements, each indented for a
/// position inside the top-level array and separated by `,` and a line break.
pub fn render_file(out: &mut Vec<u8>, report: &FileReport) -> io::Result<usize> {
    let text = report.source.as_deref().unwrap_or("");
    let index = LineIndex::new(text);
    let path = report.path.display().to_string();
    for (i, diagnostic) in report.diagnostics.iter().enumerate() {
        let start = index.position(text, diagnostic.span.start);
        let end = index.position(text, diagnostic.span.end);
        let fix = diagnostic.fix.as_ref().map(|fix| FixOut {
            applicability: fix.applicability,
            title: &fix.title,
            edits: fix
                .edits
                .iter()
                .map(|edit| {
                    let start = index.position(text, edit.span.start);
                    let end = index.position(text, edit.span.end);
                    EditOut {
                        line: start.line,
                        column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                        content: &edit.content,
                    }
                })
                .collect(),
        });
        let mut related: Vec<RelatedOut> = diagnostic
            .related
            .iter()
            .map(|label| {
                let at = index.position(text, label.span.start);
                RelatedOut {
                    path: path.clone(),
                    line: at.line,
                    column: at.column,
                    message: &label.text,
                }
            })
            .collect();
        related.extend(diagnostic.elsewhere.iter().map(|place| RelatedOut {
            path: place.path.display().to_string(),
            line: place.line,
            column: place.column,
            message: &place.text,
        }));
        let finding = Finding {
            path: path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            code: diagnostic.rule.code,
            name: diagnostic.rule.name,
            severity: diagnostic.severity,
            message: &diagnostic.message,
            help: diagnostic.help.as_deref(),
            fixable: fix.is_some(),
            fix,
            related,
        };
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        super::write_indented(out, &finding, "  ")?;
    }
    Ok(report.diagnostics.len())
}
