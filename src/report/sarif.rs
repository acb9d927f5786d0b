//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.
//!
//! One run with the tool's rules (from the pages in `lints/`), one result per finding, and
//! files that could not be read or parsed as tool execution notifications. Regions use 1-based
//! lines and columns counted in Unicode code points (`columnKind: unicodeCodePoints`). Locations
//! are relative to `%SRCROOT%`, the current directory. Results carry `partialFingerprints` built
//! from the rule, the file and the message, which names the service or stage and the key but no
//! line, so alerts keep their identity when unrelated lines move.
//!
//! The types here cover the part of the format dhlint writes; tests validate the output against
//! the official JSON schema.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Applicability;
use crate::lint::FileReport;
use crate::rules::{RULES, RuleMeta};
use crate::source::LineIndex;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/dhlint/dhlint";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: serde_json::Value,
    column_kind: &'static str,
    // Results come before the invocation, whose notifications are known only at the end.
    results: Vec<&'static str>,
    invocations: Vec<Invocation>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<serde_json::Value>,
    partial_fingerprints: HashMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

/// The SARIF level of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (0.0 to 10.0), which orders alerts: high, medium and low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

/// Returns the text of the `## name` section of a rule page, without its heading.
fn section<'a>(doc: &'a str, name: &str) -> &'a str {
    let heading = format!("\n## {name}\n");
    let Some(start) = doc.find(&heading).map(|i| i + heading.len()) else {
        return "";
    };
    let end = doc[start..].find("\n## ").map_or(doc.len(), |i| start + i);
    doc[start..end].trim()
}

fn rule_descriptor(rule: &RuleMeta) -> serde_json::Value {
    // Rules about the files themselves (DH0xx) are correctness checks, not security alerts.
    let security = rule.target != crate::rules::Target::Any;
    let mut tags = vec![rule.target.as_str().to_owned()];
    if security {
        tags.insert(0, "security".to_owned());
    }
    if let Some(cis) = rule.cis {
        tags.push(format!("CIS-Docker-{cis}"));
    }
    let mut properties = json!({ "tags": tags });
    if security {
        properties["security-severity"] = json!(security_severity(rule.severity));
    }
    let full = section(rule.doc, "What it does");
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": if full.is_empty() { rule.summary() } else { full } },
        "helpUri": format!("{INFORMATION_URI}/blob/main/lints/{}.md", rule.code),
        "help": { "text": rule.doc, "markdown": rule.doc },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": properties,
    })
}

/// The URI of a linted file: relative to the current directory (and so to `%SRCROOT%`) when it
/// is inside it, whatever spelling it was given with, and `None` otherwise.
fn relative_uri(path: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let absolute = std::path::absolute(path).ok()?;
    let mut parts: Vec<std::path::Component> = Vec::new();
    for component in absolute.components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other),
        }
    }
    let normalized: PathBuf = parts.iter().collect();
    normalized.strip_prefix(&cwd).ok().map(path_to_uri)
}

/// Percent-encodes a path for a URI, keeping `/` between segments.
pub fn path_to_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    // On Windows `\` separates segments; elsewhere it is part of a name and gets encoded.
    #[cfg(windows)]
    let text = text.replace('\\', "/");
    let text = text.strip_prefix("./").unwrap_or(&text);
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A stable 64-bit FNV-1a hash, written as hex: the same input gives the same fingerprint in
/// every version and on every machine, unlike the standard library's hasher.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn region(index: &LineIndex, text: &str, start: usize, end: usize) -> serde_json::Value {
    let start_position = index.position(text, start);
    let end_position = index.position(text, end);
    json!({
        "startLine": start_position.line,
        "startColumn": start_position.column,
        "endLine": end_position.line,
        "endColumn": end_position.column,
        "charOffset": text.get(..start).map_or(0, |t| t.chars().count()),
        "charLength": text.get(start..end).map_or(0, |t| t.chars().count()),
    })
}

fn location(uri: &str, region: serde_json::Value) -> serde_json::Value {
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(uri),
            "region": region,
        }
    })
}

/// An artifact location: relative to `%SRCROOT%`, or an absolute `file://` URI for files
/// outside the current directory.
fn artifact(uri: &str) -> serde_json::Value {
    if uri.starts_with("file://") {
        json!({ "uri": uri })
    } else {
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    }
}

fn result(
    diagnostic: &Diagnostic,
    uri: &str,
    index: &LineIndex,
    text: &str,
    occurrence: usize,
) -> SarifResult {
    let rule = diagnostic.rule;
    let span = diagnostic.span;
    let mut fixes = Vec::new();
    if let Some(fix) = &diagnostic.fix {
        let replacements: Vec<serde_json::Value> = fix
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "deletedRegion": region(index, text, edit.span.start, edit.span.end),
                    "insertedContent": { "text": edit.content },
                })
            })
            .collect();
        let kind = match fix.applicability {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        };
        fixes.push(json!({
            "description": { "text": format!("{} ({kind} fix)", fix.title) },
            "artifactChanges": [{
                "artifactLocation": artifact(uri),
                "replacements": replacements,
            }],
        }));
    }
    // Labels in the file, then places in other files of the Compose project. Each gets the
    // `id` by which SARIF message links refer to a related location.
    let mut related_locations: Vec<serde_json::Value> = diagnostic
        .related
        .iter()
        .map(|label| {
            let mut place = location(uri, region(index, text, label.span.start, label.span.end));
            place["message"] = json!({ "text": label.text });
            place
        })
        .collect();
    for place in &diagnostic.elsewhere {
        let other = relative_uri(&place.path).unwrap_or_else(|| {
            let absolute = std::path::absolute(&place.path).unwrap_or_else(|_| place.path.clone());
            format!("file://{}", path_to_uri(&absolute))
        });
        let mut related = location(
            &other,
            json!({ "startLine": place.line, "startColumn": place.column }),
        );
        related["message"] = json!({ "text": place.text });
        related_locations.push(related);
    }
    for (id, place) in related_locations.iter_mut().enumerate() {
        place["id"] = json!(id);
    }
    let occurrence = occurrence.to_string();
    let hash = fingerprint(&[rule.code, uri, &diagnostic.message, &occurrence]);
    SarifResult {
        rule_id: rule.code,
        rule_index: RULES
            .iter()
            .position(|r| std::ptr::eq(*r, rule))
            .unwrap_or(0),
        level: level(diagnostic.severity),
        message: Message {
            text: diagnostic.message.clone(),
        },
        locations: vec![location(uri, region(index, text, span.start, span.end))],
        partial_fingerprints: HashMap::from([("dhlint/v1", hash)]),
        related_locations,
        fixes,
    }
}

/// One file's part of a SARIF log: its results, rendered as array elements, and the
/// notifications for files that could not be parsed or fixed.
#[derive(Debug, Default)]
pub struct FileResults {
    /// The results, indented for their place in the log and separated by `,` and a line break.
    pub results: Vec<u8>,
    /// The number of results in `results`.
    pub count: usize,
    /// Tool execution notifications about the file.
    pub notifications: Vec<serde_json::Value>,
}

/// Renders the results of one report; `indent` is the indentation of an element of the
/// `results` array (see [`Skeleton`]).
pub fn render_file(report: &FileReport, indent: &str) -> io::Result<FileResults> {
    let mut out = FileResults::default();
    let text = report.source.as_deref().unwrap_or("");
    let index = LineIndex::new(text);
    let uri = relative_uri(&report.path).unwrap_or_else(|| {
        let absolute = std::path::absolute(&report.path).unwrap_or_else(|_| report.path.clone());
        format!("file://{}", path_to_uri(&absolute))
    });
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    for diagnostic in &report.diagnostics {
        if diagnostic.unreadable {
            // Reported both ways: as a notification, because the run could not check the
            // file, and as a result, so code scanning keeps an open alert on it.
            let region = region(&index, text, diagnostic.span.start, diagnostic.span.end);
            out.notifications.push(json!({
                "level": "error",
                "message": { "text": diagnostic.message },
                "locations": [location(&uri, region)],
                "associatedRule": { "id": diagnostic.rule.code },
            }));
        }
        let occurrence = seen
            .entry((diagnostic.rule.code, &diagnostic.message))
            .or_default();
        if out.count > 0 {
            out.results.extend_from_slice(b",\n");
        }
        let result = result(diagnostic, &uri, &index, text, *occurrence);
        super::write_indented(&mut out.results, &result, indent)?;
        out.count += 1;
        *occurrence += 1;
    }
    if let Some(error) = &report.fix_error {
        out.notifications.push(json!({
            "level": "error",
            "message": { "text": format!("{}: fixes not applied: {error}", report.path.display()) },
            "locations": [location(&uri, json!({ "startLine": 1 }))],
        }));
    }
    Ok(out)
}

/// Marks where the results go when the log is printed around them.
const RESULTS_MARK: &str = "\u{0}results\u{0}";

/// The text of a SARIF log before and after its results, so the results can be written one
/// file at a time between them.
pub struct Skeleton {
    /// The indentation of an element of the `results` array.
    pub indent: String,
    head: String,
}

impl Skeleton {
    /// Prepares the log's text; the run's notifications are added by [`Skeleton::finish`].
    pub fn new() -> Skeleton {
        let text = log_text(Vec::new());
        let (head, indent, _) = split(&text);
        Skeleton {
            indent: indent.to_owned(),
            head: head.to_owned(),
        }
    }

    /// Writes the text that goes before the first result.
    pub fn start(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.head.as_bytes())
    }

    /// Writes the text after the last result; `any_results` is true when results were written.
    /// `errors` are problems outside any file's findings (paths that could not be walked), and
    /// `notifications` those collected from the files.
    pub fn finish(
        &self,
        out: &mut dyn Write,
        any_results: bool,
        errors: &[String],
        mut notifications: Vec<serde_json::Value>,
    ) -> io::Result<()> {
        let mut all: Vec<serde_json::Value> = errors
            .iter()
            .map(|message| json!({ "level": "error", "message": { "text": message } }))
            .collect();
        all.append(&mut notifications);
        let text = log_text(all);
        let (_, _, tail) = split(&text);
        if any_results {
            out.write_all(b"\n")?;
            // The closing bracket of the results array sits one level out from its elements.
            out.write_all(&self.indent.as_bytes()[2..])?;
        }
        out.write_all(tail.as_bytes())?;
        writeln!(out)
    }
}

impl Default for Skeleton {
    fn default() -> Self {
        Skeleton::new()
    }
}

/// Splits a log printed with [`RESULTS_MARK`] as its only result into the text before the
/// results, the indentation of a result, and the text after the results.
fn split(text: &str) -> (&str, &str, &str) {
    let quoted = format!("\"{}\"", RESULTS_MARK.replace('\u{0}', "\\u0000"));
    let mark = text
        .find(&quoted)
        .expect("the log contains the results mark");
    let line_start = text[..mark].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..mark];
    // The head ends just after the opening bracket of the results array.
    let head_end = text[..line_start].trim_end_matches('\n').len();
    let tail_start = mark + quoted.len();
    // Drop the line break and indentation before the closing bracket; `finish` writes them
    // only when there are results, so an empty array prints as `[]`.
    let after = text[tail_start..].trim_start_matches(['\n', ' ']);
    (&text[..head_end], indent, after)
}

/// Prints a whole log with [`RESULTS_MARK`] in place of the results.
fn log_text(notifications: Vec<serde_json::Value>) -> String {
    let root = std::env::current_dir()
        .map(|dir| format!("file://{}/", path_to_uri(&dir).trim_end_matches('/')))
        .unwrap_or_else(|_| "file:///".to_owned());
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "dhlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: RULES.iter().map(|r| rule_descriptor(r)).collect(),
                },
            },
            original_uri_base_ids: json!({ "%SRCROOT%": { "uri": root } }),
            column_kind: "unicodeCodePoints",
            results: vec![RESULTS_MARK],
            invocations: vec![Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
        }],
    };
    serde_json::to_string_pretty(&log).expect("a SARIF log serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding() {
        assert_eq!(
            path_to_uri(Path::new("a b/c%d,e:f.yaml")),
            "a%20b/c%25d%2Ce%3Af.yaml"
        );
        assert_eq!(
            path_to_uri(Path::new("./ü/Dockerfile")),
            "%C3%BC/Dockerfile"
        );
    }

    #[test]
    fn fingerprint_is_stable() {
        assert_eq!(
            fingerprint(&["DH101", "compose.yaml"]),
            fingerprint(&["DH101", "compose.yaml"])
        );
        assert_ne!(fingerprint(&["DH101", "a"]), fingerprint(&["DH10", "1a"]));
    }
}
