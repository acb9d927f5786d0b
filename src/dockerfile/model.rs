//! The Dockerfile syntax tree: instructions, their flags and arguments, heredocs and parser
//! directives, each with byte spans into the original text.
//!
//! Continuation lines are joined into one logical line per instruction, the way BuildKit reads
//! them. [`Text`] keeps that joined text together with a map back to the source bytes, so every
//! word, key and value found in it still has an exact [`Span`], even when it crosses lines.

use std::ops::Range;

use crate::source::Span;

use super::words;

/// A Dockerfile that `docker build` would reject, with the place to look.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Description of the problem, lowercase and without a final period.
    pub message: String,
    /// The bytes the message is about.
    pub span: Span,
}

impl ParseError {
    pub(crate) fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError {
            message: message.into(),
            span,
        }
    }
}

/// Something BuildKit accepts but warns about, such as an empty line inside a continuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    /// Description of the suspicious construct, lowercase and without a final period.
    pub message: String,
    /// The bytes the message is about.
    pub span: Span,
}

/// A parser directive from the leading comment block, such as `# syntax=docker/dockerfile:1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Directive name, lowercased (`syntax`, `escape` or `check`).
    pub name: String,
    /// Value with surrounding whitespace removed.
    pub value: String,
    /// The whole comment line, line ending excluded.
    pub span: Span,
    /// The value's bytes.
    pub value_span: Span,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// The escape character: `\` unless a `# escape=` directive chose a backtick.
    pub escape: char,
    /// Parser directives, in file order.
    pub directives: Vec<Directive>,
    /// Instructions, in file order; heredoc bodies are attached to their instruction.
    pub instructions: Vec<Instruction>,
    /// Constructs BuildKit accepts but warns about.
    pub warnings: Vec<ParseWarning>,
}

/// One instruction, such as `RUN --mount=type=cache,target=/root/.cache pip install .`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Keyword, upper-cased (`FROM`, `RUN`, `USER`, ...).
    pub keyword: String,
    /// The keyword's bytes as written.
    pub keyword_span: Span,
    /// From the keyword to the end of the instruction's last source line, line ending
    /// excluded; heredoc bodies and terminator lines are included.
    pub span: Span,
    /// `--name[=value]` options between the keyword and the arguments.
    pub flags: Vec<Flag>,
    /// Everything after the keyword and the flags.
    pub args: Arguments,
    /// Heredocs opened on this instruction's line, in order.
    pub heredocs: Vec<Heredoc>,
    /// For `ONBUILD`, the instruction it registers, parsed from its arguments.
    pub trigger: Option<Box<Instruction>>,
    /// The escape character in effect, needed to split words and unquote values.
    pub escape: char,
}

/// The arguments of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arguments {
    /// Exec form: a JSON array of strings, such as `CMD ["nginx", "-g", "daemon off;"]`.
    ///
    /// For `HEALTHCHECK CMD [...]` the elements are those of the array after `CMD`.
    Exec(Vec<Word>),
    /// Shell form: the text after the keyword and flags, continuation lines joined.
    Shell(Text),
}

impl Arguments {
    /// Returns the shell-form text, or `None` for exec form.
    pub fn shell(&self) -> Option<&Text> {
        match self {
            Arguments::Shell(text) => Some(text),
            Arguments::Exec(_) => None,
        }
    }

    /// Returns the exec-form elements, or `None` for shell form.
    pub fn exec(&self) -> Option<&[Word]> {
        match self {
            Arguments::Exec(elements) => Some(elements),
            Arguments::Shell(_) => None,
        }
    }
}

/// A logical line (continuation lines joined) with a map from each of its bytes back to the
/// source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The text: the escape character and line break of each continuation are removed, and
    /// comment lines and empty lines inside the continuation are dropped.
    pub text: String,
    /// Source start of each contiguous piece of `text`, ordered by `text` offset. Never empty,
    /// so that even an empty text has a position.
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Offset in [`Text::text`].
    text: usize,
    /// Offset of the same byte in the source.
    source: usize,
}

impl Text {
    /// Creates an empty text positioned at source offset `at`.
    pub(crate) fn empty(at: usize) -> Self {
        Text {
            text: String::new(),
            pieces: vec![Piece {
                text: 0,
                source: at,
            }],
        }
    }

    /// Appends `source[range]`, a piece of one source line.
    pub(crate) fn push(&mut self, source: &str, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        // A piece that contributed no bytes would shadow this one in `source_offset`.
        if self
            .pieces
            .last()
            .is_some_and(|last| last.text == self.text.len())
        {
            self.pieces.pop();
        }
        self.pieces.push(Piece {
            text: self.text.len(),
            source: range.start,
        });
        self.text.push_str(&source[range]);
    }

    /// Returns the text as a string slice.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns the source offset of byte `i` of [`Text::text`]. `i == text.len()` gives the end
    /// of the last piece, and larger values are clamped to it.
    pub fn source_offset(&self, i: usize) -> usize {
        let i = i.min(self.text.len());
        let index = self
            .pieces
            .partition_point(|piece| piece.text <= i)
            .saturating_sub(1);
        let piece = self.pieces[index];
        piece.source + (i - piece.text)
    }

    /// Returns the source span of the whole text (from its first to its last byte, so it covers the
    /// joined line breaks in between).
    pub fn span(&self) -> Span {
        self.span_of(0..self.text.len())
    }

    /// Returns the source span of `text[range]`.
    pub fn span_of(&self, range: Range<usize>) -> Span {
        if range.start >= range.end {
            return Span::empty(self.source_offset(range.start));
        }
        Span::new(
            self.source_offset(range.start),
            self.source_offset(range.end - 1) + 1,
        )
    }

    /// Returns `text[range]` as a text of its own, still mapped to the source.
    pub(crate) fn slice(&self, range: Range<usize>) -> Text {
        let mut pieces = vec![Piece {
            text: 0,
            source: self.source_offset(range.start),
        }];
        for piece in &self.pieces {
            if piece.text > range.start && piece.text < range.end {
                pieces.push(Piece {
                    text: piece.text - range.start,
                    source: piece.source,
                });
            }
        }
        Text {
            text: self.text[range].to_string(),
            pieces,
        }
    }

    fn word(&self, range: Range<usize>, text: String) -> Word {
        Word {
            text,
            raw: self.text[range.clone()].to_string(),
            span: self.span_of(range),
        }
    }
}

/// A word of an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes and escapes removed; variables are not expanded.
    pub text: String,
    /// The word as written in the joined logical line, quotes and escapes included.
    pub raw: String,
    /// The word's source bytes; a word that crosses a continuation also covers the line break.
    pub span: Span,
}

/// A `--name[=value]` option, such as `--from=build` or `--link`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Name without the leading `--`.
    pub name: String,
    /// Value after the first `=`, quotes removed; `None` for `--link`.
    pub value: Option<String>,
    /// The option's source bytes, `--` included.
    pub span: Span,
}

/// A heredoc such as `<<EOF` with its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator word, quotes removed.
    pub delimiter: String,
    /// `<<-`: leading tabs are removed from body lines and from the terminator line.
    pub strip_tabs: bool,
    /// The delimiter was quoted (`<<"EOF"` or `<<'EOF'`), so the body is not expanded.
    pub quoted: bool,
    /// Body lines, each ending in `\n` (a `\r` before it is removed), tabs stripped for `<<-`.
    pub body: String,
    /// Source bytes of the body lines, line endings included; empty for an empty body.
    pub body_span: Span,
    /// From the `<<` marker to the end of the terminator line.
    pub span: Span,
    /// The marker word, such as `<<-"EOF"`, with any leading file descriptor digits.
    pub marker_span: Span,
}

/// A `key=value` pair of `ENV`, `ARG` or `LABEL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key, quotes removed.
    pub key: String,
    /// The key's source bytes.
    pub key_span: Span,
    /// The value with quotes and escapes removed and variables not expanded; `None` for an
    /// `ARG` without a default.
    pub value: Option<String>,
    /// Source bytes of the value as written; empty for `key=`.
    pub value_span: Option<Span>,
    /// The value as written in the joined logical line, quotes included. Expand this one,
    /// because single quotes decide what is expanded.
    pub raw_value: Option<String>,
}

impl Instruction {
    /// Returns whether the keyword is `keyword`, which must be upper-cased.
    pub fn is(&self, keyword: &str) -> bool {
        self.keyword == keyword
    }

    /// Returns the first flag named `name` (without `--`).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|flag| flag.name == name)
    }

    /// Returns all flags named `name`, for options that may repeat such as `--mount`.
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |flag| flag.name == name)
    }

    /// Splits the arguments into words with Dockerfile quoting and escape rules.
    ///
    /// Exec form gives its elements. Shell form is split at unquoted whitespace, and quotes and
    /// escapes are removed from each word, as BuildKit does for `COPY`, `FROM` or `EXPOSE`.
    /// Variables are left unexpanded. A word that is empty after unquoting (`""`) is dropped,
    /// as in BuildKit.
    pub fn words(&self) -> Vec<Word> {
        match &self.args {
            Arguments::Exec(elements) => elements.clone(),
            Arguments::Shell(text) => words::lex(&text.text, self.escape)
                .words
                .into_iter()
                .map(|word| text.word(word.range, word.text))
                .collect(),
        }
    }

    /// Returns the `key=value` pairs of `ENV`, `ARG` and `LABEL`, and none for other
    /// instructions.
    ///
    /// `ENV` and `LABEL` also accept the legacy form `ENV name value with spaces`, where the
    /// value is the rest of the line. `ARG name` without `=` gives a pair without value.
    pub fn key_values(&self) -> Vec<KeyValue> {
        let Arguments::Shell(text) = &self.args else {
            return Vec::new();
        };
        match self.keyword.as_str() {
            "ENV" | "LABEL" => name_values(text, self.escape),
            "ARG" => arg_values(text, self.escape),
            _ => Vec::new(),
        }
    }
}

/// Pairs of `ENV` and `LABEL`, following BuildKit's `parseNameVal`: when the first word has
/// no `=`, the line is `name value...`, otherwise every word is `name=value`.
fn name_values(text: &Text, escape: char) -> Vec<KeyValue> {
    let line = text.text.as_str();
    let found = words::parse_words(line, escape);
    let Some(first) = found.first() else {
        return Vec::new();
    };
    if !line[first.clone()].contains('=') {
        let Some(key_end) = line.find(words::is_split_space) else {
            return vec![pair(text, 0..line.len(), None, escape)];
        };
        let value_start = line[key_end..]
            .find(|c| !words::is_split_space(c))
            .map_or(line.len(), |i| key_end + i);
        return vec![pair(
            text,
            0..key_end,
            Some(value_start..line.len()),
            escape,
        )];
    }
    found
        .into_iter()
        .map(|range| split_pair(text, range, escape))
        .collect()
}

/// Pairs of `ARG`: each word is `name` or `name=default`.
fn arg_values(text: &Text, escape: char) -> Vec<KeyValue> {
    words::parse_words(&text.text, escape)
        .into_iter()
        .map(|range| split_pair(text, range, escape))
        .collect()
}

fn split_pair(text: &Text, range: Range<usize>, escape: char) -> KeyValue {
    match text.text[range.clone()].find('=') {
        Some(eq) => {
            let eq = range.start + eq;
            pair(text, range.start..eq, Some(eq + 1..range.end), escape)
        }
        None => pair(text, range, None, escape),
    }
}

fn pair(text: &Text, key: Range<usize>, value: Option<Range<usize>>, escape: char) -> KeyValue {
    let raw_value = value
        .as_ref()
        .map(|range| text.text[range.clone()].to_string());
    KeyValue {
        key: words::unquote(&text.text[key.clone()], escape),
        key_span: text.span_of(key),
        value: raw_value.as_deref().map(|raw| words::unquote(raw, escape)),
        value_span: value.map(|range| text.span_of(range)),
        raw_value,
    }
}

/// Builds exec-form elements from the ranges of JSON strings in `text` and their decoded
/// values.
pub(crate) fn exec_words(text: &Text, ranges: Vec<Range<usize>>, values: Vec<String>) -> Vec<Word> {
    ranges
        .into_iter()
        .zip(values)
        .map(|(range, value)| text.word(range, value))
        .collect()
}
