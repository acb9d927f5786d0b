//! Source text, byte spans and the mapping from byte offsets to lines and columns.
//!
//! Every position dhlint reports is a byte [`Span`] into the file as it is on disk (a UTF-8
//! byte-order mark included). [`LineIndex`] turns offsets into 1-based lines and 1-based columns
//! counted in Unicode scalar values, which is what editors show and what SARIF calls
//! `unicodeCodePoints`. A BOM is not counted as a column, and `\r\n`, `\n` and a lone `\r` each
//! end one line.

use std::fmt;

/// A half-open byte range `start..end` into a source text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// Creates a span; `end` is clamped so that it is never before `start`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// Creates an empty span at `offset`.
    pub fn empty(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// Number of bytes covered.
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both `self` and `other`.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Whether `offset` lies inside the span (`start <= offset < end`).
    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.start.into(), span.len())
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number, starting at 1, in Unicode scalar values.
    pub column: usize,
}

/// The line ending a file uses, so that inserted lines match their neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n`
    Lf,
    /// `\r\n`
    CrLf,
}

impl LineEnding {
    /// Detects the ending of the first line break; files without one default to `\n`.
    pub fn detect(text: &str) -> LineEnding {
        match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => LineEnding::CrLf,
            _ => LineEnding::Lf,
        }
    }

    /// The characters of this line ending.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// Returns whether `text` has a carriage return that is not followed by a line feed.
pub fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// Byte offsets of line starts, for turning offsets into [`Position`]s.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Offset of the first byte of every line; the first entry skips a BOM.
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![if text.starts_with(BOM) { BOM.len() } else { 0 }];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(i + 1);
            }
        }
        LineIndex { line_starts }
    }

    /// Number of lines; a final line break starts one more, empty, line.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Offset of the first byte of the 1-based `line`, if the line exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        line.checked_sub(1)
            .and_then(|i| self.line_starts.get(i).copied())
    }

    /// Returns the 1-based line of the byte at `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .max(1)
    }

    /// The 1-based line and column of the byte at `offset` in `text`.
    ///
    /// An offset inside a multi-byte character or a BOM is moved back to the character start.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1].min(offset);
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text.get(start..end).map_or(0, |s| s.chars().count()) + 1;
        Position { line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_lf_and_crlf() {
        let text = "a\r\nbc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        assert_eq!(index.position(text, 4), Position { line: 2, column: 2 });
        assert_eq!(index.position(text, 6), Position { line: 3, column: 1 });
        assert_eq!(index.line_count(), 3);
    }

    #[test]
    fn position_skips_bom_and_counts_chars() {
        let text = "\u{feff}é: x";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 5), Position { line: 1, column: 2 });
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn lone_cr_found_not_crlf() {
        assert!(has_lone_cr("a\rb"));
        assert!(has_lone_cr("a\r\nb\r"));
        assert!(!has_lone_cr("a\r\nb\r\n"));
        assert!(!has_lone_cr("a\nb"));
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let text = "a\rb";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 2), Position { line: 2, column: 1 });
    }

    #[test]
    fn line_ending_detection() {
        assert_eq!(LineEnding::detect("a\r\nb"), LineEnding::CrLf);
        assert_eq!(LineEnding::detect("a\nb\r\n"), LineEnding::Lf);
        assert_eq!(LineEnding::detect("a"), LineEnding::Lf);
    }
}
