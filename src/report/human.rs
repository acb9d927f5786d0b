//! Human output: one miette report per finding, with the source line and a label under the
//! exact span, and a summary line at the end.
//!
//! This is the only module that uses miette's rendering.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Totals, redact};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Applicability;
use crate::lint::FileReport;
use crate::rules::secrets::secret_value_spans;
use crate::source::LineIndex;

/// Renders findings for a terminal or a log.
pub struct HumanReporter {
    handler: GraphicalReportHandler,
}

impl HumanReporter {
    /// Creates a reporter; `color` enables ANSI colours and `width` sets the wrap width.
    pub fn new(color: bool, width: usize) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(width)
            // Wrapping would break code such as `RUN --mount=...` across lines.
            .with_wrap_lines(false)
            .with_context_lines(1);
        HumanReporter { handler }
    }

    /// Writes every finding of one file.
    pub fn write_file(&self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() {
            return Ok(());
        }
        let name = report.path.display().to_string();
        let text = report.source.as_deref().map(|source| {
            let mut spans = report.redactions();
            spans.extend(secret_value_spans(source));
            redact(source, &spans)
        });
        let index = text.as_deref().map(LineIndex::new);
        let source = text
            .as_deref()
            .zip(index.as_ref())
            .map(|(text, index)| Source::new(&name, text, index));
        // One buffer for every finding, so that it grows only for the first few.
        let mut rendered = String::with_capacity(2048);
        for diagnostic in &report.diagnostics {
            let view = View {
                diagnostic,
                source: source.as_ref(),
            };
            rendered.clear();
            if self.handler.render_report(&mut rendered, &view).is_err() {
                rendered = format!("{name}: {}\n", diagnostic.message);
            }
            if view.source.is_none() {
                // Without source text miette shows no file name, so put it in front.
                writeln!(out, "{name}:")?;
            }
            out.write_all(rendered.as_bytes())?;
            writeln!(out)?;
        }
        Ok(())
    }

    /// Writes the summary line.
    pub fn write_summary(&self, out: &mut dyn Write, totals: &Totals) -> io::Result<()> {
        let files = plural(totals.files, "file");
        let fixed = if totals.fixed > 0 {
            format!(" fixed {},", plural(totals.fixed, "finding"))
        } else {
            String::new()
        };
        if totals.findings() == 0 {
            let none = if totals.fixed > 0 {
                "none remain"
            } else {
                "no findings"
            };
            return writeln!(out, "Checked {files}:{fixed} {none}.");
        }
        let remaining = if totals.fixed > 0 { " remaining" } else { "" };
        writeln!(
            out,
            "Checked {files}:{fixed} {}{remaining} in {} ({}, {}, {}).",
            plural(totals.findings(), "finding"),
            plural(totals.files_with_findings, "file"),
            plural(totals.errors, "error"),
            plural(totals.warnings, "warning"),
            plural(totals.infos, "info"),
        )
    }
}

fn plural(count: usize, noun: &str) -> String {
    match (count, noun) {
        (_, "info") => format!("{count} info"),
        (1, _) => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

/// Source text with a file name, readable by miette.
///
/// miette scans a source from its first byte to find a span's lines, which makes every finding
/// cost time proportional to its offset. Handing it only the lines around the span, found with
/// the line index, keeps large files fast.
struct Source<'a> {
    name: &'a str,
    text: &'a str,
    index: &'a LineIndex,
    /// Whether the text has a carriage return, which the quick reading does not handle.
    has_cr: bool,
}

impl<'a> Source<'a> {
    fn new(name: &'a str, text: &'a str, index: &'a LineIndex) -> Self {
        let has_cr = text.contains('\r');
        Source {
            name,
            text,
            index,
            has_cr,
        }
    }

    /// Returns what miette's own reading of `[u8]` returns for `start..end` with `before` and
    /// `after` lines of context, found with the line index instead of a scan.
    ///
    /// Only the common cases are handled, in a text without carriage returns and for a span that
    /// does not end with a line break. Either context lines on both sides all exist and end with
    /// a line break, or there is no context at all (the reading of a label's own position).
    /// Other cases return `None`.
    fn common_context(
        &self,
        start: usize,
        end: usize,
        before: usize,
        after: usize,
    ) -> Option<Reading> {
        let bytes = self.text.as_bytes();
        if self.has_cr || end <= start || bytes[end - 1] == b'\n' {
            return None;
        }
        // 0-based lines of the span's first and last bytes.
        let first = self.index.line_of(start) - 1;
        let last = self.index.line_of(end - 1) - 1;
        if before == 0 && after == 0 {
            // The span alone, with the position of its first character.
            return Some(Reading {
                start,
                end,
                line: first,
                column: self.index.position(self.text, start).column - 1,
                line_count: last,
            });
        }
        if before == 0 || after == 0 {
            return None;
        }
        let context_first = first.checked_sub(before)?;
        let data_start = self.index.line_start(context_first + 1)?;
        let data_end = self.index.line_start(last + after + 2)?;
        (bytes.get(data_end.checked_sub(1)?) == Some(&b'\n')).then_some(Reading {
            start: data_start,
            end: data_end,
            line: context_first,
            column: 0,
            line_count: last + after + 1,
        })
    }
}

/// The result of reading a span: the text from `start` to `end`, its 0-based first line and
/// column, and the number of lines up to its end.
struct Reading {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    line_count: usize,
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (span.offset() + span.len()).min(self.text.len());
        if let Some(read) = self.common_context(start, end, before, after) {
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_owned(),
                &self.text.as_bytes()[read.start..read.end],
                SourceSpan::new(read.start.into(), read.end - read.start),
                read.line,
                read.column,
                read.line_count,
            )));
        }
        self.read_span_scanning(start, end, before, after)
    }
}

impl<'a> Source<'a> {
    /// Reads a span by handing miette a window of lines around it, for the cases that
    /// `common_context` leaves out.
    fn read_span_scanning(
        &'a self,
        start: usize,
        end: usize,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // Line numbers here are 0-based; one spare line on each side keeps miette's own
        // context logic working at the window's edges.
        let first_line = self
            .index
            .position(self.text, start)
            .line
            .saturating_sub(before + 2);
        let last_line = self.index.position(self.text, end).line + after + 1;
        // A span inside a byte-order mark starts before the first line, which starts after it.
        let window_start = self
            .index
            .line_start(first_line + 1)
            .unwrap_or(0)
            .min(start);
        let window_end = self
            .index
            .line_start(last_line + 1)
            .unwrap_or(self.text.len());
        let window = &self.text[window_start..window_end];
        let inner_span = SourceSpan::new((start - window_start).into(), end - start);
        let inner = window.read_span(&inner_span, before, after)?;
        let offset = window_start + inner.span().offset();
        // miette counts the column in bytes; count characters, as the other formats do.
        let column = self.index.position(self.text, offset).column - 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            SourceSpan::new(offset.into(), inner.span().len()),
            first_line + inner.line(),
            column,
            first_line + inner.line_count(),
        )))
    }
}

/// A finding seen through miette's `Diagnostic` trait.
struct View<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<&'a Source<'a>>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let rule = self.diagnostic.rule;
        Some(Box::new(format!("{} {}", rule.code, rule.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let diagnostic = self.diagnostic;
        let fix = match (&diagnostic.fix, &diagnostic.fix_unavailable) {
            (Some(fix), _) => Some(match fix.applicability {
                Applicability::Safe => format!("fix: {} (applied by `--fix`)", fix.title),
                Applicability::Unsafe => {
                    format!(
                        "fix: {} (unsafe, applied by `--fix --unsafe-fixes`)",
                        fix.title
                    )
                }
            }),
            (None, Some(reason)) => Some(format!("no automatic fix: {reason}")),
            (None, None) => None,
        };
        let text = match (&diagnostic.help, fix) {
            (Some(help), Some(fix)) => format!("{help}\n{fix}"),
            (Some(help), None) => help.clone(),
            (None, Some(fix)) => fix,
            (None, None) => return None,
        };
        Some(Box::new(text))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let diagnostic = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(
            (!diagnostic.label.is_empty()).then(|| diagnostic.label.clone()),
            diagnostic.span,
        );
        let related = diagnostic
            .related
            .iter()
            .map(|label| LabeledSpan::new_with_span(Some(label.text.clone()), label.span));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns what a reading returns, in a form that can be compared.
    fn describe(contents: &dyn SpanContents) -> String {
        format!(
            "{:?} {:?} line {} column {} lines {}",
            String::from_utf8_lossy(contents.data()),
            contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count()
        )
    }

    #[test]
    fn quick_reading_matches_scanning() {
        let texts = [
            "services:\n  web:\n    image: nginx\n    ports: [80]\n\n  db:\n    image: pg\n",
            "a\nb\nc\nd\ne\nf\n",
            "\u{feff}a: 1\nb: é\nc: 3\nd: 4\n",
            "FROM x\nRUN a \\\n  b\nUSER root\n",
            "no final line break\nlast",
            "\n\n\nx\n\n\n",
        ];
        let mut quick = 0;
        for text in texts {
            let index = LineIndex::new(text);
            let source = Source::new("f", text, &index);
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                        continue;
                    }
                    for (before, after) in [(0, 0), (1, 1), (2, 1), (1, 2), (2, 2)] {
                        if source.common_context(start, end, before, after).is_none() {
                            continue;
                        }
                        quick += 1;
                        let span = SourceSpan::new(start.into(), end - start);
                        let quick = source.read_span(&span, before, after).unwrap();
                        let scanned = source
                            .read_span_scanning(start, end, before, after)
                            .unwrap();
                        assert_eq!(
                            describe(quick.as_ref()),
                            describe(scanned.as_ref()),
                            "{text:?} at {start}..{end}, {before} before, {after} after"
                        );
                    }
                }
            }
        }
        assert!(quick > 1000, "only {quick} readings took the quick path");
    }
}
