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
            .with_context_lines(1);
        HumanReporter { handler }
    }

    /// Writes every finding of one file.
    pub fn write_file(&self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() {
            return Ok(());
        }
        let name = report.path.display().to_string();
        let text = report
            .source
            .as_deref()
            .map(|s| redact(s, &report.redactions()));
        for diagnostic in &report.diagnostics {
            let view = View {
                diagnostic,
                source: text.as_deref().map(|text| Source { name: &name, text }),
            };
            let mut rendered = String::new();
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
            return writeln!(out, "Checked {files}:{fixed} no findings.");
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
struct Source<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A finding seen through miette's `Diagnostic` trait.
struct View<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<Source<'a>>,
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
        self.source.as_ref().map(|s| s as &dyn SourceCode)
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
