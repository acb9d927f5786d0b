//! Streams reports to the output in path order. Each file's output is rendered on the worker
//! thread that linted it. Only the rendered text and a few counts reach the writer, so memory
//! does not grow with the number of files.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Totals, github, human::HumanReporter, json, sarif, statistics};
use crate::diagnostic::Severity;
use crate::lint::FileReport;

/// The kind of output a run prints.
pub enum Style {
    /// Findings for people, and a summary line unless `quiet`.
    Human {
        reporter: Box<HumanReporter>,
        quiet: bool,
    },
    /// One JSON array of findings.
    Json,
    /// A SARIF log.
    Sarif(sarif::Skeleton),
    /// GitHub workflow commands.
    Github,
    /// The number of findings per rule.
    Statistics,
    /// The unified diff of the fixes.
    Diff,
}

/// One file's output, rendered, and what the run keeps of its report.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The text to write, in the output's format.
    text: Vec<u8>,
    /// The number of array elements in `text`, for JSON and SARIF.
    elements: usize,
    /// SARIF notifications.
    notifications: Vec<serde_json::Value>,
    /// Findings per rule: the rule, the count, and how many have a fix.
    counts: Vec<statistics::Row>,
    /// The file's counts, for the summary.
    pub totals: Totals,
    /// The highest severity among the findings left in the file.
    pub worst: Option<Severity>,
    /// Whether the file has a diff.
    pub changed: bool,
    /// The path and the reason, when the file's fixes were not applied.
    pub fix_error: Option<String>,
}

/// Writes a run's output, one file at a time.
pub struct Writer<'a> {
    out: &'a mut (dyn Write + Send),
    style: &'a Style,
    elements: usize,
    notifications: Vec<serde_json::Value>,
    counts: BTreeMap<&'static str, statistics::Row>,
}

impl Style {
    /// Renders one report; this runs on worker threads.
    pub fn render(&self, report: &FileReport) -> io::Result<Rendered> {
        let mut rendered = Rendered::default();
        rendered.totals.add(report);
        rendered.worst = report.diagnostics.iter().map(|d| d.severity).max();
        rendered.changed = report.diff.is_some();
        rendered.fix_error = report
            .fix_error
            .as_ref()
            .map(|e| format!("{}: fixes not applied: {e}", report.path.display()));
        match self {
            Style::Human { reporter, .. } => reporter.write_file(&mut rendered.text, report)?,
            Style::Json => rendered.elements = json::render_file(&mut rendered.text, report)?,
            Style::Sarif(skeleton) => {
                let results = sarif::render_file(report, &skeleton.indent)?;
                rendered.text = results.results;
                rendered.elements = results.count;
                rendered.notifications = results.notifications;
            }
            Style::Github => github::write_file(&mut rendered.text, report)?,
            Style::Statistics => rendered.counts = statistics::count(report),
            Style::Diff => {
                if let Some(diff) = &report.diff {
                    rendered.text = diff.clone().into_bytes();
                }
            }
        }
        Ok(rendered)
    }
}

impl<'a> Writer<'a> {
    /// Starts the output; `errors` are problems outside any file (paths that could not be
    /// walked), which GitHub annotations show first.
    pub fn start(
        out: &'a mut (dyn Write + Send),
        style: &'a Style,
        errors: &[String],
    ) -> io::Result<Self> {
        match style {
            Style::Sarif(skeleton) => skeleton.start(out)?,
            Style::Github => github::write_errors(out, errors)?,
            _ => {}
        }
        Ok(Writer {
            out,
            style,
            elements: 0,
            notifications: Vec::new(),
            counts: BTreeMap::new(),
        })
    }

    /// Writes one file's output.
    pub fn file(&mut self, rendered: Rendered) -> io::Result<()> {
        if rendered.elements > 0 {
            let separator: &[u8] = match (self.style, self.elements) {
                (Style::Json, 0) => b"[\n",
                (_, 0) => b"\n",
                _ => b",\n",
            };
            self.out.write_all(separator)?;
            self.elements += rendered.elements;
        }
        self.out.write_all(&rendered.text)?;
        self.notifications.extend(rendered.notifications);
        for (rule, count, safe, unsafe_fixes) in rendered.counts {
            let entry = self.counts.entry(rule.code).or_insert((rule, 0, 0, 0));
            entry.1 += count;
            entry.2 += safe;
            entry.3 += unsafe_fixes;
        }
        Ok(())
    }

    /// Ends the output: the summary, the closing brackets, the table.
    pub fn finish(self, totals: &Totals, errors: &[String]) -> io::Result<()> {
        match self.style {
            Style::Human { reporter, quiet } => {
                if !quiet && totals.files > 0 {
                    reporter.write_summary(self.out, totals)?;
                }
            }
            Style::Json if self.elements == 0 => self.out.write_all(b"[]\n")?,
            Style::Json => self.out.write_all(b"\n]\n")?,
            Style::Sarif(skeleton) => {
                skeleton.finish(self.out, self.elements > 0, errors, self.notifications)?;
            }
            Style::Statistics => {
                statistics::write(self.out, self.counts.into_values().collect())?;
            }
            Style::Github | Style::Diff => {}
        }
        Ok(())
    }
}
