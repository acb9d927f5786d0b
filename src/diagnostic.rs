//! Findings as plain data: a rule, a message and spans into one file.
//!
//! Reporters turn these into text, JSON or other formats, so nothing here depends on how they are shown.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::fix::Fix;
use crate::rules::RuleMeta;
use crate::source::Span;

/// The seriousness of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; often a setting dhlint cannot judge from the files.
    #[serde(alias = "note")]
    Info,
    /// A hardening gap that should be closed.
    Warning,
    /// A serious gap or a file that cannot be used as written.
    Error,
}

impl Severity {
    /// Returns the lowercase name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" | "note" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "invalid severity `{other}`; expected error, warning or info"
            )),
        }
    }
}

/// A secondary span with its own text, such as "merged here".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The bytes the label points at.
    pub span: Span,
    /// Text shown under the span.
    pub text: String,
}

/// A place in another file of the same Compose project, such as the base service a value
/// comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elsewhere {
    /// The file, as reached from where dhlint runs.
    pub path: std::path::PathBuf,
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column, in characters.
    pub column: usize,
    /// Text about the place.
    pub text: String,
}

/// One finding in one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The rule that produced it.
    pub rule: &'static RuleMeta,
    /// Severity, usually the rule's default.
    pub severity: Severity,
    /// The problem, in one sentence without a trailing period. It never contains a secret value.
    pub message: String,
    /// The primary location.
    pub span: Span,
    /// Text under the primary span.
    pub label: String,
    /// Further locations in the same file.
    pub related: Vec<Label>,
    /// Further locations in other files of the Compose project.
    pub elsewhere: Vec<Elsewhere>,
    /// The remedy, starting with an imperative verb.
    pub help: Option<String>,
    /// Spans holding secret values, which no output may show.
    pub redactions: Vec<Span>,
    /// The edits that resolve the finding, when dhlint can make them.
    pub fix: Option<Fix>,
    /// Why no fix is offered, when the rule usually has one.
    pub fix_unavailable: Option<String>,
    /// The file could not be read as its kind, so no other rule ran on it. Such a finding is
    /// always reported, cannot be suppressed, and makes the run exit 2. DH001 findings are, and
    /// so is a daemon configuration that is not strict JSON (DH320).
    pub unreadable: bool,
}

impl Diagnostic {
    /// Creates a diagnostic at `span` with the rule's default severity.
    pub fn new(rule: &'static RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            span,
            label: String::new(),
            related: Vec::new(),
            elsewhere: Vec::new(),
            help: None,
            redactions: Vec::new(),
            fix: None,
            fix_unavailable: None,
            unreadable: std::ptr::eq(rule, &crate::rules::tool::PARSE_ERROR),
        }
    }

    /// Marks the finding as one about a file that could not be read as its kind.
    pub fn unreadable(mut self) -> Self {
        self.unreadable = true;
        self
    }

    /// Attaches a fix, or the reason why there is none.
    pub fn with_fix(mut self, fix: Result<Fix, String>) -> Self {
        match fix {
            Ok(fix) => self.fix = Some(fix),
            Err(reason) => self.fix_unavailable = Some(reason),
        }
        self
    }

    /// Marks `span` as a secret value that reporters must hide when they show source text.
    pub fn with_redaction(mut self, span: Span) -> Self {
        if !span.is_empty() {
            self.redactions.push(span);
        }
        self
    }

    /// Sets the text under the primary span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a secondary location.
    pub fn with_related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
