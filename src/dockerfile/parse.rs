//! The line reader: parser directives, comments, line continuations, keywords, flags, exec-form
//! JSON and heredoc bodies, following BuildKit's `frontend/dockerfile/parser/parser.go`.
//!
//! This layer accepts what BuildKit's parser accepts. Checks that BuildKit makes later, when
//! it turns the parse tree into build steps (unknown keywords, instructions before `FROM`), are
//! in [`super::check`].

use crate::source::{BOM, Span};

use super::model::{
    Arguments, Directive, Dockerfile, Flag, Heredoc, Instruction, ParseError, ParseWarning, Text,
    exec_words,
};
use super::words::{self, JsonArgs};

/// Parses `source` as BuildKit's parser does, without the instruction-level checks of
/// [`super::parse()`].
pub(crate) fn parse_syntax(source: &str) -> Result<Dockerfile, ParseError> {
    let start = if source.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    let parser = Parser {
        source,
        start,
        pos: start,
        line_number: 0,
        escape: '\\',
        directives_done: false,
        directives: Vec::new(),
        instructions: Vec::new(),
        warnings: Vec::new(),
    };
    parser.run()
}

/// One source line.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Offset of the first byte.
    start: usize,
    /// Offset of the line ending; trailing `\r` bytes are excluded.
    end: usize,
    /// 1-based line number, counting `\n` only, like BuildKit.
    number: usize,
}

struct Parser<'a> {
    source: &'a str,
    /// Offset after the BOM, if any.
    start: usize,
    /// Offset of the next unread line.
    pos: usize,
    /// Number of lines read so far.
    line_number: usize,
    escape: char,
    directives_done: bool,
    directives: Vec<Directive>,
    instructions: Vec<Instruction>,
    warnings: Vec<ParseWarning>,
}

impl Parser<'_> {
    fn next_line(&mut self) -> Option<Line> {
        if self.pos >= self.source.len() {
            return None;
        }
        let start = self.pos;
        let bytes = self.source.as_bytes();
        let newline = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| start + i);
        self.pos = newline.map_or(bytes.len(), |i| i + 1);
        let mut end = newline.unwrap_or(bytes.len());
        while end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.line_number += 1;
        Some(Line {
            start,
            end,
            number: self.line_number,
        })
    }

    fn run(mut self) -> Result<Dockerfile, ParseError> {
        while let Some(line) = self.next_line() {
            let content = self.source[line.start..line.end].trim_start();
            let content_start = line.end - content.len();
            if !self.directives_done {
                self.directive(content, content_start)?;
            }
            if content.starts_with('#') {
                continue;
            }
            let cut = continuation(content, self.escape);
            if cut.is_none() && content.is_empty() {
                continue;
            }
            self.instruction(line, content_start, cut)?;
        }
        if self.instructions.is_empty() {
            return Err(ParseError::new(
                "file contains no instructions",
                Span::new(self.start, self.source.len()),
            ));
        }
        Ok(Dockerfile {
            escape: self.escape,
            directives: self.directives,
            instructions: self.instructions,
            warnings: self.warnings,
        })
    }

    /// Reads a comment line of the leading block as a parser directive. The first line that
    /// is not a known directive ends the block, even a blank line or an unknown `# key=value`.
    fn directive(&mut self, content: &str, content_start: usize) -> Result<(), ParseError> {
        let Some((name, value)) = split_directive(content) else {
            self.directives_done = true;
            return Ok(());
        };
        let name_text = content[name].to_ascii_lowercase();
        if !matches!(name_text.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return Ok(());
        }
        let span = Span::new(content_start, content_start + content.len());
        let value_span = Span::new(content_start + value.start, content_start + value.end);
        let value = content[value].to_string();
        if self
            .directives
            .iter()
            .any(|directive| directive.name == name_text)
        {
            return Err(ParseError::new(
                format!("repeated parser directive `{name_text}` (only one is allowed)"),
                span,
            ));
        }
        if name_text == "escape" {
            self.escape = match value.as_str() {
                "\\" => '\\',
                "`" => '`',
                _ => {
                    return Err(ParseError::new(
                        format!("invalid escape character `{value}` (expected `\\` or a backtick)"),
                        value_span,
                    ));
                }
            };
        }
        self.directives.push(Directive {
            name: name_text,
            value,
            span,
            value_span,
        });
        Ok(())
    }

    /// Reads one instruction whose first line is `first`, with its continuation lines and
    /// heredoc bodies.
    fn instruction(
        &mut self,
        first: Line,
        content_start: usize,
        mut cut: Option<usize>,
    ) -> Result<(), ParseError> {
        let mut text = Text::empty(content_start);
        let first_end = cut.map_or(first.end, |cut| content_start + cut);
        text.push(self.source, content_start..first_end);
        let mut last_end = first.end;
        let mut blank: Option<Line> = None;
        while cut.is_some() {
            let Some(line) = self.next_line() else {
                break;
            };
            let raw = &self.source[line.start..line.end];
            let trimmed = raw.trim_start();
            // A comment line inside a continuation is dropped, and never continues itself.
            if trimmed.starts_with('#') {
                continue;
            }
            if trimmed.is_empty() {
                blank.get_or_insert(line);
                continue;
            }
            if let Some(blank) = blank.take() {
                self.warnings.push(ParseWarning {
                    message: format!(
                        "empty continuation line: the next line is joined to the instruction \
                         that starts on line {}",
                        first.number
                    ),
                    span: Span::new(blank.start, blank.end),
                });
            }
            cut = continuation(raw, self.escape);
            text.push(
                self.source,
                line.start..cut.map_or(line.end, |cut| line.start + cut),
            );
            last_end = line.end;
        }
        let mut instruction = self.build(&text, false)?;
        instruction.span = Span::new(instruction.keyword_span.start, last_end);
        self.read_heredocs(&mut instruction, &text)?;
        self.instructions.push(instruction);
        Ok(())
    }

    /// Splits a logical line into keyword, flags and arguments. `nested` is set for the
    /// trigger of `ONBUILD`, which does not get a trigger of its own.
    fn build(&self, text: &Text, nested: bool) -> Result<Instruction, ParseError> {
        // `RUN  --mount=x  apt-get update` splits into keyword, flags and arguments, with the
        // whitespace around each part dropped.
        let line = text.as_str();
        let start = line.len() - line.trim_start().len();
        let end = line.trim_end().len().max(start);
        let keyword_end = line[start..end]
            .find(words::is_split_space)
            .map_or(end, |i| start + i);
        let keyword = line[start..keyword_end].to_ascii_uppercase();
        let rest = end
            - line[keyword_end..end]
                .trim_start_matches(words::is_split_space)
                .len();
        let (raw_flags, args_offset) = words::split_flags(&line[rest..end]);
        let args_start = end - line[rest + args_offset..end].trim_start().len();
        let flags = raw_flags
            .into_iter()
            .map(|flag| to_flag(text, rest, flag))
            .collect();

        let args = text.slice(args_start..end);
        let mut trigger = None;
        let args = match keyword.as_str() {
            "ADD" | "CMD" | "COPY" | "ENTRYPOINT" | "RUN" | "SHELL" | "VOLUME" => {
                exec_or_shell(args)?
            }
            "HEALTHCHECK" => healthcheck(args)?,
            "ENV" | "LABEL" => {
                check_name_values(&keyword, &args, self.escape)?;
                Arguments::Shell(args)
            }
            "ONBUILD" => {
                if !nested && !args.text.is_empty() {
                    trigger = Some(Box::new(self.build(&args, true)?));
                }
                Arguments::Shell(args)
            }
            _ => Arguments::Shell(args),
        };

        Ok(Instruction {
            keyword,
            keyword_span: text.span_of(start..keyword_end),
            span: text.span_of(start..end),
            flags,
            args,
            heredocs: Vec::new(),
            trigger,
            escape: self.escape,
        })
    }

    /// Reads the bodies of the heredocs opened on the instruction's line, in order. Only
    /// `RUN`, `COPY` and `ADD` in shell form take heredocs, also as an `ONBUILD` trigger.
    fn read_heredocs(
        &mut self,
        instruction: &mut Instruction,
        text: &Text,
    ) -> Result<(), ParseError> {
        let target = instruction.trigger.as_deref().unwrap_or(instruction);
        if !matches!(target.keyword.as_str(), "RUN" | "COPY" | "ADD")
            || target.args.exec().is_some()
        {
            return Ok(());
        }
        for marker in words::heredoc_markers(text.as_str()) {
            let marker_span = text.span_of(marker.range);
            let body_start = self.pos;
            let mut body = String::new();
            let terminator = loop {
                let Some(line) = self.next_line() else {
                    return Err(ParseError::new(
                        format!(
                            "unterminated heredoc: add a line `{}` after its body",
                            marker.delimiter
                        ),
                        marker_span,
                    ));
                };
                let mut content = &self.source[line.start..line.end];
                if marker.strip_tabs {
                    content = content.trim_start_matches('\t');
                }
                if content == marker.delimiter {
                    break line;
                }
                body.push_str(content);
                body.push('\n');
            };
            instruction.heredocs.push(Heredoc {
                delimiter: marker.delimiter,
                strip_tabs: marker.strip_tabs,
                quoted: marker.quoted,
                body,
                body_span: Span::new(body_start, terminator.start),
                span: Span::new(marker_span.start, terminator.end),
                marker_span,
            });
            instruction.span.end = terminator.end;
        }
        Ok(())
    }
}

/// Returns the offset of the trailing escape character when `line` continues on the next line,
/// else `None`.
///
/// BuildKit's rule is `([^E])E[ \t]*$|^E[ \t]*$` for escape character `E`: the escape must be
/// the last character apart from spaces and tabs, and not itself escaped (`\\` at the end
/// does not continue).
fn continuation(line: &str, escape: char) -> Option<usize> {
    let before = line.trim_end_matches([' ', '\t']).strip_suffix(escape)?;
    if before.ends_with(escape) {
        return None;
    }
    Some(before.len())
}

/// Returns whether `c` is whitespace for Go's regular expression `\s`.
fn is_regex_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{c}' | '\r')
}

/// Matches a comment line against BuildKit's `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`
/// and returns the ranges of the name and the value.
fn split_directive(content: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let after_hash = content.strip_prefix('#')?;
    let name_start = content.len() - after_hash.trim_start_matches(is_regex_space).len();
    let name_len = content[name_start..]
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(content.len() - name_start);
    if !content[name_start..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = name_start..name_start + name_len;
    let after_name = content[name.end..].trim_start_matches(is_regex_space);
    let after_equals = after_name.strip_prefix('=')?;
    if after_equals.is_empty() {
        return None;
    }
    let value_start = content.len() - after_equals.trim_start_matches(is_regex_space).len();
    let value_end = content.trim_end_matches(is_regex_space).len();
    if value_end > value_start {
        return Some((name, value_start..value_end));
    }
    // Only whitespace follows `=`: the lazy `(.+?)` still takes the last character.
    let last = content.len() - content.chars().next_back().map_or(0, char::len_utf8);
    Some((name, last..content.len()))
}

/// Converts a flag found at `offset` in `text` into a [`Flag`].
fn to_flag(text: &Text, offset: usize, flag: words::RawFlag) -> Flag {
    let body = flag.text.strip_prefix("--").unwrap_or(&flag.text);
    let (name, value) = match body.split_once('=') {
        Some((name, value)) => (name.to_string(), Some(value.to_string())),
        None => (body.to_string(), None),
    };
    let span = text.span_of(offset + flag.range.start..offset + flag.range.end);
    Flag { name, value, span }
}

/// Exec form when `args` is a JSON array of strings, else shell form.
fn exec_or_shell(args: Text) -> Result<Arguments, ParseError> {
    match words::parse_json(args.as_str()) {
        JsonArgs::Invalid => Ok(Arguments::Shell(args)),
        JsonArgs::NotStrings => Err(not_strings(&args)),
        JsonArgs::Strings(ranges, values) => Ok(Arguments::Exec(exec_words(&args, ranges, values))),
    }
}

fn not_strings(args: &Text) -> ParseError {
    ParseError::new(
        "exec form JSON array has an element that is not a string (quote each element)",
        args.span(),
    )
}

/// `HEALTHCHECK [--flags] CMD ...` or `HEALTHCHECK NONE`: exec form is the JSON array after
/// `CMD`, as in BuildKit's `parseHealthConfig`.
fn healthcheck(args: Text) -> Result<Arguments, ParseError> {
    let line = args.as_str();
    let kind_end = line.find(char::is_whitespace).unwrap_or(line.len());
    let command_start = line.len() - line[kind_end..].trim_start().len();
    let command = args.slice(command_start..line.len());
    match words::parse_json(command.as_str()) {
        JsonArgs::NotStrings => Err(not_strings(&command)),
        JsonArgs::Strings(ranges, values) if line[..kind_end].eq_ignore_ascii_case("CMD") => {
            Ok(Arguments::Exec(exec_words(&command, ranges, values)))
        }
        _ => Ok(Arguments::Shell(args)),
    }
}

/// BuildKit's parser checks of `ENV` and `LABEL`: the legacy form `ENV name value` needs a
/// value, and in the `name=value` form every word needs its `=`.
fn check_name_values(keyword: &str, args: &Text, escape: char) -> Result<(), ParseError> {
    let line = args.as_str();
    let found = words::parse_words(line, escape);
    let Some(first) = found.first() else {
        return Ok(());
    };
    if !line[first.clone()].contains('=') {
        if !line.contains(words::is_split_space) {
            return Err(ParseError::new(
                format!(
                    "{keyword} `{line}` is missing a value (expected `{keyword} {line}=value`)"
                ),
                args.span(),
            ));
        }
        return Ok(());
    }
    for range in found {
        let word = &line[range.clone()];
        if !word.contains('=') {
            return Err(ParseError::new(
                format!("{keyword} argument `{word}` is missing `=` (expected `name=value`)"),
                args.span_of(range),
            ));
        }
    }
    Ok(())
}
