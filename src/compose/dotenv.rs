//! Reading `.env` and `env_file` files the way Compose does: `KEY=VALUE` lines, an optional
//! `export ` prefix, `#` comments, single quotes (literal), double quotes (with `\n`-style
//! escapes, across lines) and `${VAR}` references to the variables defined above.

use std::collections::HashMap;

use crate::source::Span;

use super::interpolate::{Interpolated, interpolate};

/// The total size in bytes of the values one env file may define; values past it count as
/// unknown.
const MAX_KEPT: usize = 16 * 1024 * 1024;

/// One variable of an env file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// The variable's name.
    pub name: String,
    /// The value after quote removal, escapes and interpolation. It is `None` for a bare `KEY`,
    /// which Compose takes from its own environment, and for a value that uses an unset variable.
    pub value: Option<String>,
    /// The value as written, without its quotes.
    pub raw: String,
    /// The name's bytes.
    pub name_span: Span,
    /// The value's bytes, quotes excluded; empty after the `=` when there is no value.
    pub value_span: Span,
}

/// A parsed env file.
#[derive(Clone, Debug, Default)]
pub struct EnvFile {
    /// The variables in file order. A later line with the same name wins.
    pub variables: Vec<Variable>,
    /// The start of every comment, for suppressions.
    pub comment_starts: Vec<usize>,
}

impl EnvFile {
    /// Parses `text`. Lines that are not `KEY=VALUE` are skipped, as Compose would refuse them
    /// when it starts the project, not when dhlint reads it.
    pub fn parse(text: &str) -> EnvFile {
        let mut file = EnvFile::default();
        let mut known: HashMap<String, String> = HashMap::new();
        // The values kept for later lines, in bytes: bounded, so that lines which repeat each
        // other cannot grow them without limit.
        let mut kept_bytes = 0;
        let mut position = if text.starts_with(crate::source::BOM) {
            crate::source::BOM.len()
        } else {
            0
        };
        while position < text.len() {
            let line_end = text[position..]
                .find('\n')
                .map_or(text.len(), |i| position + i);
            let line = &text[position..line_end];
            let indent = line.len() - line.trim_start().len();
            let start = position + indent;
            let body = line.trim_start();
            position = line_end + 1;
            if body.starts_with('#') {
                file.comment_starts.push(start);
                continue;
            }
            let body = body.strip_prefix("export ").map_or(body, str::trim_start);
            let name_start = start + (line.trim_start().len() - body.len());
            let name_len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
                .unwrap_or(body.len());
            if name_len == 0 {
                continue;
            }
            let name = &body[..name_len];
            let rest = body[name_len..].trim_start();
            let name_span = Span::new(name_start, name_start + name_len);
            // Compose also reads the YAML-like `KEY: value`.
            let separated = rest.strip_prefix('=').or_else(|| {
                rest.strip_prefix(':')
                    .filter(|r| r.is_empty() || r.starts_with([' ', '\t', '\r']))
            });
            let Some(after_equals) = separated else {
                if rest.trim_end().is_empty() {
                    file.variables.push(Variable {
                        name: name.to_owned(),
                        value: None,
                        raw: String::new(),
                        name_span,
                        value_span: Span::empty(name_span.end),
                    });
                }
                continue;
            };
            let value_offset = line_end - rest.len() + 1;
            let leading = after_equals.len() - after_equals.trim_start_matches([' ', '\t']).len();
            let value_start = value_offset + leading;
            let (raw, value_span, value, consumed_to) =
                read_value(text, value_start, line_end, &known);
            if consumed_to > line_end {
                position = consumed_to;
            }
            if let Some(comment) = comment_after(text, value_span.end, consumed_to.max(line_end)) {
                file.comment_starts.push(comment);
            }
            let value = value.filter(|v| kept_bytes + v.len() <= MAX_KEPT);
            if let Some(value) = &value {
                kept_bytes += value.len();
                known.insert(name.to_owned(), value.clone());
            }
            file.variables.push(Variable {
                name: name.to_owned(),
                value,
                raw,
                name_span,
                value_span,
            });
        }
        file
    }

    /// Returns the values by name, for interpolation: the last definition of each name wins.
    pub fn values(&self) -> HashMap<String, String> {
        self.variables
            .iter()
            .filter_map(|v| Some((v.name.clone(), v.value.clone()?)))
            .collect()
    }
}

/// Reads a value that starts at `start` on a line ending at `line_end`. Returns the raw text,
/// its span, the value and the position after the value's line.
fn read_value(
    text: &str,
    start: usize,
    line_end: usize,
    known: &HashMap<String, String>,
) -> (String, Span, Option<String>, usize) {
    let lookup = |name: &str| known.get(name).cloned();
    let quote = text[start..]
        .chars()
        .next()
        .filter(|c| *c == '\'' || *c == '"');
    if let Some(quote) = quote {
        // A quoted value may span lines; it ends at the next unescaped quote.
        let mut escaped = false;
        let close = text[start + 1..].char_indices().find_map(|(i, c)| {
            let found = c == quote && !escaped;
            escaped = quote == '"' && c == '\\' && !escaped;
            found.then_some(start + 1 + i)
        });
        if let Some(close) = close {
            let raw = &text[start + 1..close];
            let after = text[close..]
                .find('\n')
                .map_or(text.len(), |i| close + i + 1);
            let value = if quote == '\'' {
                Some(raw.to_owned())
            } else {
                known_value(&unescape(raw), &lookup)
            };
            return (raw.to_owned(), Span::new(start + 1, close), value, after);
        }
    }
    let line = &text[start..line_end];
    // An unquoted value ends before ` #`, which starts a comment.
    let end = line
        .find(" #")
        .or_else(|| line.find("\t#"))
        .unwrap_or(line.len());
    let raw = line[..end].trim_end_matches([' ', '\t', '\r']);
    let value = known_value(raw, &lookup);
    (
        raw.to_owned(),
        Span::new(start, start + raw.len()),
        value,
        line_end + 1,
    )
}

fn known_value(raw: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    match interpolate(raw, lookup) {
        Interpolated::Known(value) => Some(value),
        Interpolated::Unknown { .. } => None,
    }
}

/// Returns the start of a `#` comment after a value, on the value's last line.
fn comment_after(text: &str, from: usize, to: usize) -> Option<usize> {
    let to = to.min(text.len());
    let rest = text.get(from..to)?;
    let rest = rest.split('\n').next().unwrap_or("");
    rest.find('#').map(|i| from + i)
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, Option<String>)> {
        EnvFile::parse(text)
            .variables
            .into_iter()
            .map(|v| (v.name, v.value))
            .collect()
    }

    fn pair(name: &str, value: Option<&str>) -> (String, Option<String>) {
        (name.to_owned(), value.map(str::to_owned))
    }

    #[test]
    fn forms() {
        let text = "\u{feff}# comment\nA=1\nexport B = two words # note\nC='${A} literal'\n\
                    D=\"x\\ny\"\nE=${A}-${MISSING:-d}\nBARE\nF=\"multi\nline\"\nG=\nH: yaml\n";
        assert_eq!(
            values(text),
            vec![
                pair("A", Some("1")),
                pair("B", Some("two words")),
                pair("C", Some("${A} literal")),
                pair("D", Some("x\ny")),
                pair("E", Some("1-d")),
                pair("BARE", None),
                pair("F", Some("multi\nline")),
                pair("G", Some("")),
                pair("H", Some("yaml")),
            ]
        );
    }

    #[test]
    fn spans_point_at_values() {
        let text = "KEY=\"secret\"\r\nexport OTHER=plain\r\n";
        let file = EnvFile::parse(text);
        let [key, other] = file.variables.as_slice() else {
            panic!("two variables expected");
        };
        assert_eq!(&text[key.name_span.start..key.name_span.end], "KEY");
        assert_eq!(&text[key.value_span.start..key.value_span.end], "secret");
        assert_eq!(&text[other.name_span.start..other.name_span.end], "OTHER");
        assert_eq!(&text[other.value_span.start..other.value_span.end], "plain");
    }

    #[test]
    fn repeated_references_stay_bounded() {
        let mut text = String::from("K0=abcdefgh\n");
        for i in 1..60 {
            text.push_str(&format!("K{i}=${{K{}}}${{K{}}}\n", i - 1, i - 1));
        }
        let file = EnvFile::parse(&text);
        let kept_bytes: usize = file
            .variables
            .iter()
            .filter_map(|v| v.value.as_ref())
            .map(String::len)
            .sum();
        assert!(kept_bytes <= MAX_KEPT, "{kept_bytes} bytes kept");
        assert_eq!(file.variables.last().unwrap().value, None);
    }

    #[test]
    fn unresolved_reference_has_no_value() {
        assert_eq!(values("A=${NOPE}\n"), vec![pair("A", None)]);
        assert_eq!(values("A=${NOPE:?set it}\n"), vec![pair("A", None)]);
    }
}
