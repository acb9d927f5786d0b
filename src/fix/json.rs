//! Minimal edits of a JSON document: insert a member into an object, replace a value, remove a
//! member. Edits keep the file's indentation, key order, spacing around `:` and line endings,
//! and never re-serialize anything they do not change.

use super::Edit;
use crate::daemon::{DaemonFile, Member};
use crate::source::{LineEnding, Span};
use crate::yaml::NodeId;

/// A value to write: a JSON literal (`true`, `"10m"`) or an object of members whose values are
/// JSON literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonValue {
    /// A literal, written as is.
    Literal(String),
    /// An object, written on one line or one member per line like its surroundings.
    Object(Vec<(String, String)>),
}

/// Makes edits in one daemon configuration.
pub struct JsonEditor<'a> {
    file: &'a DaemonFile<'a>,
    eol: &'static str,
}

impl<'a> JsonEditor<'a> {
    /// Creates an editor for `file`.
    pub fn new(file: &'a DaemonFile<'a>) -> Self {
        JsonEditor {
            file,
            eol: LineEnding::detect(file.text).as_str(),
        }
    }

    fn span(&self, id: NodeId) -> Span {
        self.file.tree.node(id).span
    }

    /// Returns an edit that replaces the value node `value` with `json`.
    pub fn replace_value(&self, value: NodeId, json: &str) -> Result<Edit, String> {
        Ok(Edit::replace(self.span(value), json))
    }

    /// Returns an edit that adds `"key": value` as the last member of `object`, with a comma
    /// after the member that was last before.
    pub fn insert_member(
        &self,
        object: NodeId,
        key: &str,
        value: &JsonValue,
    ) -> Result<Edit, String> {
        let text = self.file.text;
        let span = self.span(object);
        if !text[span.start..].starts_with('{') || !text[..span.end].ends_with('}') {
            return Err("the object's braces were not found".into());
        }

        let members = self.file.members(object);
        let quoted_key = quote(key);
        let Some(last) = members.last().copied() else {
            // An empty object gets one member per line, indented one level deeper than the
            // line of its opening brace.
            let outer = self.line_indent(span.start);
            let inner = format!("{outer}{}", self.indent_unit());
            let rendered = self.render(value, &inner, true, ": ");
            let content = format!(
                "{{{eol}{inner}{quoted_key}: {rendered}{eol}{outer}}}",
                eol = self.eol
            );
            // The whole object is replaced, braces included, so that a second insertion into
            // the same empty object conflicts with this one and waits for the next pass.
            return Ok(Edit::replace(span, content));
        };

        let colon = self.colon_of(last);
        let key_start = self.span(last.key).start;
        let multiline = self.starts_line(key_start);
        let value_end = self.span(last.value).end;
        let content = if multiline {
            let indent = self.line_indent(key_start);
            let rendered = self.render(value, &indent, true, &colon);
            format!(
                ",{eol}{indent}{quoted_key}{colon}{rendered}",
                eol = self.eol
            )
        } else {
            let separator = self.separator(&members);
            let rendered = self.render(value, "", false, &colon);
            format!("{separator}{quoted_key}{colon}{rendered}")
        };
        Ok(Edit::insert(value_end, content))
    }

    /// Returns an edit that removes member `index` of `object` with its comma.
    pub fn remove_member(&self, object: NodeId, index: usize) -> Result<Edit, String> {
        let members = self.file.members(object);
        let Some(&member) = members.get(index) else {
            return Err("the member to remove was not found".into());
        };
        let span = self.span(object);
        if members.len() == 1 {
            // The whole object becomes `{}`, so that an insertion after the removed value
            // conflicts with this edit instead of landing between the braces.
            return Ok(Edit::replace(span, "{}"));
        }
        let key_start = self.span(member.key).start;
        let value_end = self.span(member.value).end;
        if let Some(next) = members.get(index + 1) {
            let next_start = self.span(next.key).start;
            let start = if self.starts_line(key_start) && self.starts_line(next_start) {
                self.line_start(key_start)
            } else {
                key_start
            };
            let end = if self.starts_line(next_start) && self.starts_line(key_start) {
                self.line_start(next_start)
            } else {
                next_start
            };
            return Ok(Edit::replace(Span::new(start, end), ""));
        }
        // The last member: remove from the end of the previous value, comma included.
        let previous_end = self.span(members[index - 1].value).end;
        Ok(Edit::replace(Span::new(previous_end, value_end), ""))
    }

    /// Renders `value`; an object is written one member per line, indented one level deeper
    /// than `indent`, when `multiline` is set.
    fn render(&self, value: &JsonValue, indent: &str, multiline: bool, colon: &str) -> String {
        match value {
            JsonValue::Literal(literal) => literal.clone(),
            JsonValue::Object(members) if multiline => {
                let inner = format!("{indent}{}", self.indent_unit());
                let lines: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{inner}{}{colon}{v}", quote(k)))
                    .collect();
                format!(
                    "{{{eol}{}{eol}{indent}}}",
                    lines.join(&format!(",{}", self.eol)),
                    eol = self.eol
                )
            }
            JsonValue::Object(members) => {
                let parts: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}{colon}{v}", quote(k)))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// Returns the text between a member's key and its value, such as `": "`.
    fn colon_of(&self, member: Member) -> String {
        let text = self.file.text;
        let between = &text[self.span(member.key).end..self.span(member.value).start];
        if between.contains(['\n', '\r']) {
            ": ".into()
        } else {
            between.to_owned()
        }
    }

    /// Returns the text between two members written on one line, such as `", "`.
    fn separator(&self, members: &[Member]) -> String {
        let text = self.file.text;
        match members {
            [.., before, after] => {
                let gap = &text[self.span(before.value).end..self.span(after.key).start];
                if gap.contains(['\n', '\r']) {
                    ", ".into()
                } else {
                    gap.to_owned()
                }
            }
            _ => ", ".into(),
        }
    }

    /// Returns one level of indentation: the indentation of the first line that starts with a member
    /// of the top-level object, or two spaces.
    fn indent_unit(&self) -> String {
        let file = self.file;
        let first = file
            .root
            .and_then(|root| file.members(root).first().copied())
            .map(|m| self.span(m.key).start);
        match first {
            Some(start) if self.starts_line(start) => {
                let indent = self.line_indent(start);
                if indent.is_empty() {
                    "  ".into()
                } else {
                    indent
                }
            }
            _ => "  ".into(),
        }
    }

    fn line_start(&self, offset: usize) -> usize {
        self.file.text[..offset]
            .rfind(['\n', '\r'])
            .map_or(0, |i| i + 1)
    }

    /// Returns whether only whitespace precedes `offset` on its line.
    fn starts_line(&self, offset: usize) -> bool {
        let start = self.line_start(offset);
        let before = &self.file.text[start..offset];
        let before = before.strip_prefix(crate::source::BOM).unwrap_or(before);
        before.chars().all(|c| c == ' ' || c == '\t')
    }

    /// Returns the spaces and tabs that start the line containing `offset`.
    fn line_indent(&self, offset: usize) -> String {
        let start = self.line_start(offset);
        let line = &self.file.text[start..];
        let line = line.strip_prefix(crate::source::BOM).unwrap_or(line);
        line.chars()
            .take_while(|&c| c == ' ' || c == '\t')
            .collect()
    }
}

/// Writes `value` as a JSON string literal.
pub fn quote(value: &str) -> String {
    serde_json::Value::String(value.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Fix, apply};

    fn edited(text: &str, edit: impl FnOnce(&JsonEditor, &DaemonFile) -> Edit) -> String {
        let file = DaemonFile::parse(text).unwrap();
        let editor = JsonEditor::new(&file);
        let fix = Fix::safe("test", edit(&editor, &file));
        let (out, _, applied) = apply(text, &[&fix]);
        assert_eq!(applied, 1);
        DaemonFile::parse(&out).unwrap_or_else(|e| panic!("{out}: {}", e.message));
        out
    }

    fn literal(value: &str) -> JsonValue {
        JsonValue::Literal(value.into())
    }

    #[test]
    fn insert_keeps_indentation_and_line_endings() {
        let text = "{\r\n    \"debug\": false\r\n}\r\n";
        let out = edited(text, |e, f| {
            e.insert_member(f.root.unwrap(), "icc", &literal("false"))
                .unwrap()
        });
        assert_eq!(
            out,
            "{\r\n    \"debug\": false,\r\n    \"icc\": false\r\n}\r\n"
        );
    }

    #[test]
    fn insert_object_one_member_per_line() {
        let text = "{\n  \"debug\":false\n}";
        let value = JsonValue::Object(vec![
            ("max-size".into(), "\"10m\"".into()),
            ("max-file".into(), "\"3\"".into()),
        ]);
        let out = edited(text, |e, f| {
            e.insert_member(f.root.unwrap(), "log-opts", &value)
                .unwrap()
        });
        assert_eq!(
            out,
            "{\n  \"debug\":false,\n  \"log-opts\":{\n    \"max-size\":\"10m\",\n    \"max-file\":\"3\"\n  }\n}"
        );
    }

    #[test]
    fn insert_on_one_line() {
        let text = "{\"a\": 1,  \"b\": 2}";
        let out = edited(text, |e, f| {
            e.insert_member(f.root.unwrap(), "c", &literal("true"))
                .unwrap()
        });
        assert_eq!(out, "{\"a\": 1,  \"b\": 2,  \"c\": true}");
    }

    #[test]
    fn insert_into_empty_object() {
        let out = edited("{}\n", |e, f| {
            e.insert_member(f.root.unwrap(), "icc", &literal("false"))
                .unwrap()
        });
        assert_eq!(out, "{\n  \"icc\": false\n}\n");
        let nested = "{\n\t\"log-opts\": {}\n}";
        let out = edited(nested, |e, f| {
            let opts = f.member("log-opts").unwrap().value;
            e.insert_member(opts, "max-size", &literal("\"10m\""))
                .unwrap()
        });
        assert_eq!(
            out,
            "{\n\t\"log-opts\": {\n\t\t\"max-size\": \"10m\"\n\t}\n}"
        );
    }

    #[test]
    fn remove_first_middle_last_and_only() {
        let text = "{\n  \"a\": 1,\n  \"debug\": true,\n  \"c\": 3\n}\n";
        let remove = |index: usize| {
            edited(text, |e, f| {
                e.remove_member(f.root.unwrap(), index).unwrap()
            })
        };
        assert_eq!(remove(0), "{\n  \"debug\": true,\n  \"c\": 3\n}\n");
        assert_eq!(remove(1), "{\n  \"a\": 1,\n  \"c\": 3\n}\n");
        assert_eq!(remove(2), "{\n  \"a\": 1,\n  \"debug\": true\n}\n");
        let inline = "{\"a\": 1, \"debug\": true}";
        let out = edited(inline, |e, f| e.remove_member(f.root.unwrap(), 0).unwrap());
        assert_eq!(out, "{\"debug\": true}");
        let only = "{\"debug\": true}";
        let out = edited(only, |e, f| e.remove_member(f.root.unwrap(), 0).unwrap());
        assert_eq!(out, "{}");
    }

    #[test]
    fn replace_scalar_value() {
        let text = "{\"log-opts\": {\"max-file\": 3}}";
        let out = edited(text, |e, f| {
            let opts = f.member("log-opts").unwrap().value;
            let max_file = f.get(opts, "max-file").unwrap();
            e.replace_value(max_file.value, "\"3\"").unwrap()
        });
        assert_eq!(out, "{\"log-opts\": {\"max-file\": \"3\"}}");
    }
}
