//! Docker daemon configuration files (`daemon.json`).
//!
//! dockerd decodes the file with Go's `encoding/json`, which accepts strict JSON only: no
//! comments, no trailing commas, no single quotes. The file is therefore checked with
//! `serde_json` first. A file that passes is also valid YAML flow syntax, so the node tree with
//! exact byte spans comes from [`crate::yaml::Tree`], the same tree the Compose rules read.

pub mod facts;
pub mod keys;

pub use facts::{Facts, FileFacts};

use crate::source::{BOM, LineIndex, Span};
use crate::yaml::{NodeId, NodeKind, Quoting, Tree};

/// A daemon configuration that is strict JSON with an object at the top level.
#[derive(Debug)]
pub struct DaemonFile<'a> {
    /// The file's text, a byte-order mark included.
    pub text: &'a str,
    /// The node tree with spans into `text`.
    pub tree: Tree,
    /// The top-level object; `None` for a file with nothing but whitespace, which dockerd reads
    /// as an empty configuration.
    pub root: Option<NodeId>,
}

/// A reason why dockerd cannot load a text, with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The problem, as one sentence without a trailing period.
    pub message: String,
    /// The position where the JSON parser stopped.
    pub span: Span,
}

/// The type of a JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// `[...]`
    Array,
    /// `{...}`
    Object,
}

impl JsonType {
    /// Returns the type's name with an article, for messages: "a number".
    pub fn described(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Bool => "a boolean",
            JsonType::Number => "a number",
            JsonType::String => "a string",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        }
    }
}

/// A member of a JSON object: the key node and the value node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// The key node (a quoted string).
    pub key: NodeId,
    /// The value node.
    pub value: NodeId,
}

/// The characters JSON counts as whitespace.
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

impl<'a> DaemonFile<'a> {
    /// Parses `text` as a daemon configuration. A UTF-8 byte-order mark is allowed, as dockerd
    /// skips it.
    pub fn parse(text: &'a str) -> Result<DaemonFile<'a>, SyntaxError> {
        let offset = if text.starts_with(BOM) { BOM.len() } else { 0 };
        let body = &text[offset..];

        if body.trim_matches(JSON_WHITESPACE).is_empty() {
            return Ok(DaemonFile {
                text,
                tree: Tree::default(),
                root: None,
            });
        }
        let value: serde_json::Value = serde_json::from_str(body).map_err(|error| {
            let at = offset + error_offset(body, error.line(), error.column());
            let reason = match text[at..].chars().next() {
                Some('/' | '#') => "comments are not allowed".to_owned(),
                Some('\'') => "strings must be in double quotes".to_owned(),
                _ => strip_position(&error.to_string()).to_owned(),
            };
            SyntaxError {
                message: format!("Invalid JSON: {reason}"),
                span: Span::empty(at),
            }
        })?;

        let first = offset + (body.len() - body.trim_start_matches(JSON_WHITESPACE).len());
        if !value.is_object() {
            return Err(SyntaxError {
                message: "The top level is not a JSON object, which dockerd requires".into(),
                span: Span::new(first, first + 1),
            });
        }
        // NOTE: strict JSON is YAML flow syntax, but the YAML parser may still reject a file that
        // `serde_json` accepts, for example over a YAML length limit on keys. Such a file gets a
        // DH320 error with the YAML parser's message.
        let tree = Tree::parse(text).map_err(|error| SyntaxError {
            message: format!("dhlint cannot read this JSON: {}", error.message),
            span: error.span,
        })?;
        let root = tree
            .documents
            .first()
            .copied()
            .filter(|&id| tree.is_mapping(id));
        if root.is_none() {
            return Err(SyntaxError {
                message: "dhlint cannot read this JSON: no object found".into(),
                span: Span::new(first, first + 1),
            });
        }
        Ok(DaemonFile { text, tree, root })
    }

    /// Returns the type of the value node `id`.
    pub fn json_type(&self, id: NodeId) -> JsonType {
        match &self.tree.node(id).kind {
            NodeKind::Mapping { .. } => JsonType::Object,
            NodeKind::Sequence { .. } => JsonType::Array,
            NodeKind::Scalar {
                quoting: Quoting::Double | Quoting::Single | Quoting::Block,
                ..
            } => JsonType::String,
            NodeKind::Scalar { value, .. } => match value.as_str() {
                "true" | "false" => JsonType::Bool,
                "null" => JsonType::Null,
                _ => JsonType::Number,
            },
            // Strict JSON has no aliases.
            NodeKind::Alias { .. } => JsonType::Null,
        }
    }

    /// Returns the members of object `object` in the order written, duplicates included.
    pub fn members(&self, object: NodeId) -> Vec<Member> {
        self.tree
            .entries(object)
            .iter()
            .map(|&(key, value)| Member { key, value })
            .collect()
    }

    /// Returns the key of `member` without quotes.
    pub fn key_name(&self, member: Member) -> &str {
        self.tree.scalar(member.key).unwrap_or("")
    }

    /// Looks `key` up in `object`. A key written twice gives the last member, the one Go's JSON
    /// decoder keeps.
    pub fn get(&self, object: NodeId, key: &str) -> Option<Member> {
        self.members(object)
            .into_iter()
            .rev()
            .find(|&m| self.key_name(m) == key)
    }

    /// Looks `key` up in the top-level object.
    pub fn member(&self, key: &str) -> Option<Member> {
        self.get(self.root?, key)
    }

    /// Returns the value of a string node, or `None` for any other type.
    pub fn string(&self, id: NodeId) -> Option<&str> {
        (self.json_type(id) == JsonType::String)
            .then(|| self.tree.scalar(id))
            .flatten()
    }

    /// Returns the value of a boolean node, or `None` for any other type.
    pub fn boolean(&self, id: NodeId) -> Option<bool> {
        match (self.json_type(id), self.tree.scalar(id)) {
            (JsonType::Bool, Some(value)) => Some(value == "true"),
            _ => None,
        }
    }

    /// Returns the bytes of node `id` as written.
    pub fn written(&self, id: NodeId) -> &'a str {
        let span = self.tree.node(id).span;
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// Returns the span where findings about a missing top-level key point: the opening `{`,
    /// or the start of an empty file.
    pub fn root_span(&self) -> Span {
        match self.root {
            Some(root) => {
                let start = self.tree.node(root).span.start;
                Span::new(start, start + 1)
            }
            None => Span::empty(if self.text.starts_with(BOM) {
                BOM.len()
            } else {
                0
            }),
        }
    }
}

/// Converts `serde_json`'s 1-based line and column (a byte count within the line) into a byte
/// offset of `text` on a character boundary.
fn error_offset(text: &str, line: usize, column: usize) -> usize {
    let index = LineIndex::new(text);
    let Some(start) = index.line_start(line) else {
        return text.len();
    };
    let mut offset = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Removes the " at line L column C" that `serde_json` appends, since the finding's position
/// shows the same.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_json_parses_with_spans() {
        let text = "{\n\t\"log-opts\": {\"max-file\": 3},\n  \"icc\": false\n}\n";
        let file = DaemonFile::parse(text).unwrap();
        let icc = file.member("icc").unwrap();
        assert_eq!(file.written(icc.value), "false");
        assert_eq!(file.boolean(icc.value), Some(false));
        let opts = file.member("log-opts").unwrap();
        let max_file = file.get(opts.value, "max-file").unwrap();
        assert_eq!(file.json_type(max_file.value), JsonType::Number);
        assert_eq!(file.written(max_file.value), "3");
    }

    #[test]
    fn trailing_comma_is_an_error_at_its_line() {
        let text = "{\n  \"a\": {\n    \"b\": \"c\"\n  },\n}\n";
        let error = DaemonFile::parse(text).unwrap_err();
        let index = LineIndex::new(text);
        let line = index.position(text, error.span.start).line;
        assert!(line == 4 || line == 5, "line {line}: {}", error.message);
        assert!(
            error.message.contains("trailing comma"),
            "{}",
            error.message
        );
    }

    #[test]
    fn comments_and_single_quotes_are_errors() {
        assert!(DaemonFile::parse("{\"a\": 1} // note\n").is_err());
        assert!(DaemonFile::parse("{'a': 1}").is_err());
        assert!(DaemonFile::parse("{a: 1}").is_err());
    }

    #[test]
    fn empty_file_is_an_empty_configuration() {
        let file = DaemonFile::parse(" \n").unwrap();
        assert!(file.root.is_none());
        assert!(file.member("icc").is_none());
    }

    #[test]
    fn top_level_array_is_an_error() {
        let error = DaemonFile::parse("  [1]").unwrap_err();
        assert_eq!(error.span, Span::new(2, 3));
    }

    #[test]
    fn bom_and_escapes_are_read() {
        let text = "\u{feff}{\"ip\": \"127.0.0.1\", \"k\\u00e9y\": \"\\ud83d\\ude00\"}";
        let file = DaemonFile::parse(text).unwrap();
        assert_eq!(
            file.string(file.member("ip").unwrap().value),
            Some("127.0.0.1")
        );
        assert!(file.member("kéy").is_some());
    }

    #[test]
    fn duplicate_key_gives_the_last_value() {
        let file = DaemonFile::parse("{\"icc\": true, \"icc\": false}").unwrap();
        assert_eq!(file.boolean(file.member("icc").unwrap().value), Some(false));
    }
}
