//! Word splitting inside one logical Dockerfile line: BuildKit's three tokenizers (raw
//! `name=value` words, shell words with quote removal, and builder flags), heredoc markers
//! and the exec-form JSON array.
//!
//! All functions return byte ranges into the string they were given, so callers can map them
//! back to source spans through [`super::Text`].

use std::ops::Range;

/// Returns whether BuildKit splits instruction arguments at `c` (`[\t\v\f\r ]`).
pub(crate) fn is_split_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{b}' | '\u{c}' | '\r')
}

/// A word found by [`lex`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShellWord {
    /// Bytes of the word as written, quotes included.
    pub range: Range<usize>,
    /// The word with quotes and escapes removed.
    pub text: String,
    /// Whether part of the word was inside quotes.
    pub quoted: bool,
}

/// The result of [`lex`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lexed {
    /// The whole input with quotes and escapes removed, whitespace kept.
    pub text: String,
    /// Words split at unquoted whitespace; words empty after unquoting are dropped.
    pub words: Vec<ShellWord>,
    /// False when a quote is still open at the end of the input.
    pub terminated: bool,
}

/// Removes quotes and escapes like BuildKit's shell lexer (`shell.Lex`), without expanding
/// variables: `$` is kept as written.
///
/// Outside quotes the escape character makes the next character literal. Inside single quotes
/// everything is literal. Inside double quotes the escape character only escapes `"`, `$` and
/// itself, and is kept before any other character.
///
/// TODO: treat `${...}` as one unit. BuildKit expands variables before splitting, so
/// `${A:-a b}` is one word there but two words here.
pub(crate) fn lex(s: &str, escape: char) -> Lexed {
    let mut text = String::with_capacity(s.len());
    let mut words = Vec::new();
    let mut current: Option<ShellWord> = None;
    let mut terminated = true;
    let mut chars = s.char_indices().peekable();

    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            text.push(c);
            if let Some(word) = current.take().filter(|word| !word.text.is_empty()) {
                words.push(word);
            }
            continue;
        }
        let word = current.get_or_insert_with(|| ShellWord {
            range: i..i,
            text: String::new(),
            quoted: false,
        });
        word.range.end = i + c.len_utf8();
        if c == '\'' || c == '"' {
            word.quoted = true;
            let mut closed = false;
            while let Some((j, d)) = chars.next() {
                word.range.end = j + d.len_utf8();
                if d == c {
                    closed = true;
                    break;
                }
                let mut literal = d;
                if c == '"' && d == escape {
                    match chars.peek() {
                        // An escape character at the very end is dropped.
                        None => continue,
                        Some(&(k, e)) if e == '"' || e == '$' || e == escape => {
                            chars.next();
                            word.range.end = k + e.len_utf8();
                            literal = e;
                        }
                        Some(_) => {}
                    }
                }
                word.text.push(literal);
                text.push(literal);
            }
            terminated &= closed;
        } else if c == escape {
            if let Some((j, d)) = chars.next() {
                word.range.end = j + d.len_utf8();
                word.text.push(d);
                text.push(d);
            }
        } else {
            word.text.push(c);
            text.push(c);
        }
    }
    if let Some(word) = current.filter(|word| !word.text.is_empty()) {
        words.push(word);
    }
    Lexed {
        text,
        words,
        terminated,
    }
}

/// Returns `s` with quotes and escapes removed (see [`lex`]).
pub(crate) fn unquote(s: &str, escape: char) -> String {
    if !s.contains(['\'', '"', escape]) {
        return s.to_string();
    }
    lex(s, escape).text
}

/// Splits `s` into raw words, quotes and escapes kept, like BuildKit's `parseWords` for
/// `ENV`, `LABEL` and `ARG`.
///
/// Whitespace inside quotes or after the escape character does not split. Inside single
/// quotes the escape character is an ordinary character.
pub(crate) fn parse_words(s: &str, escape: char) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start = None;
    let mut quote = None;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            None if c.is_whitespace() => {
                if let Some(start) = start.take() {
                    words.push(start..i);
                }
            }
            None => {
                start.get_or_insert(i);
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == escape {
                    chars.next();
                }
            }
            Some(q) if c == q => quote = None,
            Some(q) => {
                if c == escape && q != '\'' {
                    chars.next();
                }
            }
        }
    }
    if let Some(start) = start {
        words.push(start..s.len());
    }
    words
}

/// A `--name[=value]` word found by [`split_flags`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawFlag {
    /// Bytes of the flag as written.
    pub range: Range<usize>,
    /// The flag with quotes and backslash escapes removed, `--` included.
    pub text: String,
}

/// Reads the flags at the start of `s`, like BuildKit's `extractBuilderFlags`: words starting
/// with `--` until the first other word. A lone `--` ends the flags and is consumed.
///
/// Returns the flags and the offset where the arguments start. BuildKit always uses `\` as the
/// escape character here, whatever the `# escape=` directive sets.
pub(crate) fn split_flags(s: &str) -> (Vec<RawFlag>, usize) {
    let mut flags = Vec::new();
    let mut pos = 0;
    loop {
        pos = s.len() - s[pos..].trim_start().len();
        if !s[pos..].starts_with("--") {
            return (flags, pos);
        }
        let start = pos;
        let mut text = String::new();
        let mut quote = None;
        let mut chars = s[start..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            pos = start + i + c.len_utf8();
            let literal = match (quote, c) {
                (None, c) if c.is_whitespace() => {
                    pos = start + i;
                    break;
                }
                (None, '\'' | '"') => {
                    quote = Some(c);
                    continue;
                }
                (Some(q), c) if c == q => {
                    quote = None;
                    continue;
                }
                (_, '\\') => match chars.next() {
                    Some((j, d)) => {
                        pos = start + j + d.len_utf8();
                        d
                    }
                    None => continue,
                },
                (_, c) => c,
            };
            text.push(literal);
        }
        if text == "--" {
            return (flags, pos);
        }
        flags.push(RawFlag {
            range: start..pos,
            text,
        });
    }
}

/// A heredoc marker such as `<<-"EOF"` found by [`heredoc_markers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    /// Bytes of the marker word.
    pub range: Range<usize>,
    /// The delimiter with quotes removed.
    pub delimiter: String,
    /// `<<-`: strip leading tabs.
    pub strip_tabs: bool,
    /// The delimiter had quotes, so the body is not expanded.
    pub quoted: bool,
}

/// Finds heredoc markers in an instruction line, like BuildKit's `heredocsFromLine`.
///
/// The line is split into shell words (with `\` as escape character), and each word that
/// matches `^(\d*)<<(-?)([^<]*)$` with a non-empty rest that is one shell word opens a
/// heredoc. A quote left open makes BuildKit's lexer fail, and then no heredoc is found.
pub(crate) fn heredoc_markers(line: &str) -> Vec<Marker> {
    if !line.contains("<<") {
        return Vec::new();
    }
    let lexed = lex(line, '\\');
    if !lexed.terminated {
        return Vec::new();
    }
    let mut markers = Vec::new();
    for word in lexed.words {
        let raw = &line[word.range.clone()];
        let Some(rest) = raw
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .strip_prefix("<<")
        else {
            continue;
        };
        let (strip_tabs, rest) = match rest.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        let name = lex(rest, '\\');
        let [delimiter] = name.words.as_slice() else {
            continue;
        };
        markers.push(Marker {
            range: word.range,
            delimiter: delimiter.text.clone(),
            strip_tabs,
            quoted: delimiter.quoted,
        });
    }
    markers
}

/// Outcome of reading arguments as an exec-form JSON array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonArgs {
    /// Not a JSON array: the arguments are shell form.
    Invalid,
    /// A JSON array with an element that is not a string, which BuildKit rejects.
    NotStrings,
    /// The byte ranges of the elements (quotes included) and their decoded values.
    Strings(Vec<Range<usize>>, Vec<String>),
}

/// Reads `s` as an exec-form JSON array of strings, like BuildKit's `parseJSON`.
pub(crate) fn parse_json(s: &str) -> JsonArgs {
    let trimmed = s.trim_start();
    if !trimmed.starts_with('[') {
        return JsonArgs::Invalid;
    }
    let offset = s.len() - trimmed.len();
    // serde_json limits nesting depth, so a deep `[[[[...` is an error and not a stack overflow.
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(trimmed) else {
        return JsonArgs::Invalid;
    };
    let mut strings = Vec::with_capacity(values.len());
    for value in values {
        match value {
            serde_json::Value::String(string) => strings.push(string),
            _ => return JsonArgs::NotStrings,
        }
    }
    JsonArgs::Strings(string_ranges(trimmed, offset), strings)
}

/// Ranges of the string literals in a JSON array known to contain only strings.
fn string_ranges(s: &str, offset: usize) -> Vec<Range<usize>> {
    let bytes = s.as_bytes();
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            ranges.push(offset + start..offset + (i + 1).min(bytes.len()));
        }
        i += 1;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        lex(s, '\\')
            .words
            .into_iter()
            .map(|word| word.text)
            .collect()
    }

    #[test]
    fn lex_removes_quotes_and_escapes() {
        assert_eq!(texts(r#"a "b c" 'd\e' f\ g"#), ["a", "b c", r"d\e", "f g"]);
        assert_eq!(texts(r#""x\"y" "p\q""#), [r#"x"y"#, r"p\q"]);
        assert_eq!(texts(r#""" a"#), ["a"]);
    }

    #[test]
    fn lex_keeps_word_ranges() {
        let s = r#"  cp "a b"  c"#;
        let ranges: Vec<_> = lex(s, '\\')
            .words
            .into_iter()
            .map(|word| word.range)
            .collect();
        assert_eq!(ranges, [2..4, 5..10, 12..13]);
    }

    #[test]
    fn lex_reports_open_quote() {
        assert!(!lex("echo 'abc", '\\').terminated);
        assert!(lex("echo 'abc'", '\\').terminated);
    }

    #[test]
    fn lex_uses_backtick_escape() {
        let words: Vec<_> = lex(r"C:\app\ x` y", '`')
            .words
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(words, [r"C:\app\", "x y"]);
    }

    #[test]
    fn unquote_keeps_spaces() {
        assert_eq!(unquote(r#""1 DUBA 3""#, '\\'), "1 DUBA 3");
        assert_eq!(unquote("a  b", '\\'), "a  b");
    }

    #[test]
    fn parse_words_keeps_quotes() {
        let s = r#"abc="123 456" def 'a\'b'' x\ y"#;
        let words: Vec<_> = parse_words(s, '\\').into_iter().map(|r| &s[r]).collect();
        assert_eq!(words, [r#"abc="123 456""#, "def", r"'a\'b''", r"x\ y"]);
    }

    #[test]
    fn split_flags_stops_at_first_argument() {
        let s = r#"--from=build  --chmod="755" src --x"#;
        let (flags, rest) = split_flags(s);
        let names: Vec<_> = flags.iter().map(|flag| flag.text.as_str()).collect();
        assert_eq!(names, ["--from=build", "--chmod=755"]);
        assert_eq!(flags[1].range, 14..27);
        assert_eq!(&s[rest..], "src --x");
    }

    #[test]
    fn split_flags_consumes_double_dash() {
        let (flags, rest) = split_flags("--doit=true -- foo");
        assert_eq!(flags.len(), 1);
        assert_eq!(rest, 14);
        assert_eq!(split_flags("[ \"a\" ]").1, 0);
    }

    #[test]
    fn heredoc_markers_in_line() {
        let markers = heredoc_markers(r#"COPY <<a 2<<-"b" /dst/"#);
        let found: Vec<_> = markers
            .iter()
            .map(|m| (m.delimiter.as_str(), m.strip_tabs, m.quoted))
            .collect();
        assert_eq!(found, [("a", false, false), ("b", true, true)]);
        assert_eq!(markers[1].range, 9..16);
    }

    #[test]
    fn heredoc_markers_ignore_non_markers() {
        assert!(heredoc_markers(r#"RUN echo "<<EOF" cat<<EOF <<<x <<"#).is_empty());
        assert!(heredoc_markers("RUN echo 'open <<EOF").is_empty());
    }

    #[test]
    fn parse_json_forms() {
        assert_eq!(
            parse_json(r#"[ "a", "b\"c" ]"#),
            JsonArgs::Strings(vec![2..5, 7..13], vec!["a".into(), "b\"c".into()])
        );
        assert_eq!(parse_json("[ -f x ]"), JsonArgs::Invalid);
        assert_eq!(parse_json(r#"["a"] x"#), JsonArgs::Invalid);
        assert_eq!(parse_json(r#"["a", ["b"]]"#), JsonArgs::NotStrings);
        assert_eq!(parse_json("[]"), JsonArgs::Strings(vec![], vec![]));
        assert_eq!(parse_json(&"[".repeat(10_000)), JsonArgs::Invalid);
    }
}
