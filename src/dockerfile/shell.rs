//! Splitting the command of a `RUN` instruction into simple shell commands, each a list of
//! words with source spans.
//!
//! This is a small POSIX shell lexer, not an interpreter. It handles quotes, backslash escapes,
//! comments, the control operators `&&`, `||`, `;`, `&`, `|` and newlines, subshell
//! parentheses, and redirections (which are dropped from the words, together with their
//! target). Command substitutions (`$(...)`, backquotes) and parameter expansions (`${...}`)
//! stay inside the word they appear in and are not split further. Variables are not expanded.
//!
//! Rules use it to find a command by its name (`sudo`, `chmod`, `curl`), so that the same text
//! inside a quoted string or as part of another word is not mistaken for a command.

use std::ops::Range;

use crate::source::Span;

use super::model::{Arguments, Instruction};
use super::wrappers::{find_exec_commands, wrapped_command};

/// A word of a simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWord {
    /// The word with quotes and escapes removed; `$VAR` and `$(...)` are kept as written.
    pub text: String,
    /// The word's source bytes.
    pub span: Span,
    /// Whether part of the word was quoted.
    pub quoted: bool,
}

/// A simple command: words up to the next control operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The words, leading `NAME=value` assignments included, redirections removed.
    pub words: Vec<ShellWord>,
    /// The command's output goes into the next command through `|` or `|&`.
    pub piped_to_next: bool,
}

/// Shell reserved words that can come before a command name, such as `then` in
/// `if true; then apt-get update; fi`.
const RESERVED: &[&str] = &[
    "!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "time",
];

impl Command {
    /// Returns the words from the command name on: leading assignments and reserved words are
    /// skipped.
    pub fn name_and_args(&self) -> &[ShellWord] {
        let start = self
            .words
            .iter()
            .position(|word| !is_assignment(word) && !RESERVED.contains(&word.text.as_str()))
            .unwrap_or(self.words.len());
        &self.words[start..]
    }

    /// Returns the words of the command that finally runs: like [`Command::name_and_args`],
    /// with wrappers such as `sudo -u app`, `env A=1` or `xargs -0` skipped as well.
    pub fn unwrapped(&self) -> &[ShellWord] {
        let mut words = self.name_and_args();
        while let Some(inner) = wrapped_command(words) {
            words = inner;
        }
        words
    }

    /// Returns the words of every command that this one runs, each from its program name on,
    /// in order: the command itself, the command that each wrapper runs (`sudo`, `env`,
    /// `xargs`, ...), and the commands of the `-exec` actions of `find`.
    pub fn invocations(&self) -> Vec<&[ShellWord]> {
        let mut found = Vec::new();
        collect_invocations(self.name_and_args(), &mut found);
        found
    }

    /// Returns the words of each command that finally runs: the ones of
    /// [`Command::invocations`] that are not wrappers. For `sudo find . -exec chmod 777 {} +`
    /// these are the `find` and the `chmod`.
    pub fn final_commands(&self) -> Vec<&[ShellWord]> {
        let mut found = self.invocations();
        found.retain(|words| wrapped_command(words).is_none());
        found
    }

    /// Returns the name of the program that finally runs, without its directory (`/usr/bin/curl`
    /// gives `curl`).
    pub fn program(&self) -> Option<&str> {
        self.unwrapped()
            .first()
            .map(|word| program_name(&word.text))
    }
}

fn collect_invocations<'a>(words: &'a [ShellWord], found: &mut Vec<&'a [ShellWord]>) {
    if words.is_empty() {
        return;
    }
    found.push(words);
    if let Some(inner) = wrapped_command(words) {
        collect_invocations(inner, found);
        return;
    }
    for command in find_exec_commands(words) {
        collect_invocations(command, found);
    }
}

/// Returns `path` without its directory.
pub fn program_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Returns whether the word is a `NAME=value` assignment.
pub fn is_assignment(word: &ShellWord) -> bool {
    let Some((name, _)) = word.text.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Shells whose script a heredoc body or a `-c` argument can be.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// Splits the command of a `RUN` instruction (or the `RUN` trigger of an `ONBUILD`) into simple
/// commands, in order.
///
/// Shell form is lexed as a shell script, continuation lines already joined. Exec form gives
/// one command of its elements, unless it is `["sh", "-c", "script"]`, whose script is lexed
/// with every word pointing at the script element. A heredoc body is a script when the line
/// starts it directly (`RUN <<EOF`) or passes it to a shell (`RUN bash <<EOF`), unless the
/// body starts with a `#!` line naming another interpreter. Its commands follow those of the
/// line. `source` is the whole Dockerfile, which heredoc spans point into.
pub fn run_commands(instruction: &Instruction, source: &str) -> Vec<Command> {
    match &instruction.args {
        Arguments::Exec(elements) => {
            let is_shell_c = elements.len() == 3
                && SHELLS.contains(&program_name(&elements[0].text))
                && elements[1].text == "-c";
            if is_shell_c {
                let span = elements[2].span;
                return lex(&elements[2].text, &|_| span);
            }
            let words = elements
                .iter()
                .map(|element| ShellWord {
                    text: element.text.clone(),
                    span: element.span,
                    quoted: true,
                })
                .collect();
            vec![Command {
                words,
                piped_to_next: false,
            }]
        }
        Arguments::Shell(text) => {
            let mut commands = lex(&text.text, &|range| text.span_of(range));
            let runs_body = match commands.as_slice() {
                [] => true,
                [only] => only
                    .name_and_args()
                    .first()
                    .is_some_and(|word| SHELLS.contains(&program_name(&word.text))),
                _ => false,
            };
            if runs_body {
                for heredoc in &instruction.heredocs {
                    let span = heredoc.body_span;
                    let Some(body) = source.get(span.start..span.end) else {
                        continue;
                    };
                    if is_foreign_shebang(body) {
                        continue;
                    }
                    let map = |range: Range<usize>| {
                        Span::new(span.start + range.start, span.start + range.end)
                    };
                    commands.extend(lex(body, &map));
                }
            }
            commands
        }
    }
}

/// Returns whether a script starts with a `#!` line naming something other than a shell.
fn is_foreign_shebang(body: &str) -> bool {
    let Some(line) = body.lines().next().and_then(|line| line.strip_prefix("#!")) else {
        return false;
    };
    let mut parts = line.split_whitespace();
    let mut program = parts.next().map(program_name).unwrap_or("");
    if program == "env" {
        program = parts.find(|part| !part.starts_with('-')).unwrap_or("");
    }
    !SHELLS.contains(&program)
}

/// The role of the next word, which a redirection operator changes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// An ordinary word.
    Word,
    /// The target of a redirection, dropped.
    Target,
}

struct Lexer<'a> {
    text: &'a str,
    map: &'a dyn Fn(Range<usize>) -> Span,
    commands: Vec<Command>,
    words: Vec<ShellWord>,
    /// The word being read: its start offset, text and whether it is quoted.
    current: Option<(usize, String, bool)>,
    pending: Pending,
}

impl Lexer<'_> {
    fn end_word(&mut self, end: usize) {
        let Some((start, text, quoted)) = self.current.take() else {
            return;
        };
        if self.pending == Pending::Target {
            self.pending = Pending::Word;
            return;
        }
        self.words.push(ShellWord {
            text,
            span: (self.map)(start..end),
            quoted,
        });
    }

    fn end_command(&mut self, end: usize, piped: bool) {
        self.end_word(end);
        self.pending = Pending::Word;
        let words = std::mem::take(&mut self.words);
        if words.is_empty() {
            // `a | | b` is invalid shell anyway; a pipe after no words joins nothing.
            return;
        }
        self.commands.push(Command {
            words,
            piped_to_next: piped,
        });
    }

    fn push(&mut self, at: usize, c: char) {
        let word = self
            .current
            .get_or_insert_with(|| (at, String::new(), false));
        word.1.push(c);
    }

    fn push_str(&mut self, at: usize, s: &str) {
        let word = self
            .current
            .get_or_insert_with(|| (at, String::new(), false));
        word.1.push_str(s);
    }

    fn mark_quoted(&mut self, at: usize) {
        let word = self
            .current
            .get_or_insert_with(|| (at, String::new(), false));
        word.2 = true;
    }
}

/// Lexes `text` into simple commands; `map` turns a byte range of `text` into a source span.
pub(crate) fn lex(text: &str, map: &dyn Fn(Range<usize>) -> Span) -> Vec<Command> {
    let mut lexer = Lexer {
        text,
        map,
        commands: Vec::new(),
        words: Vec::new(),
        current: None,
        pending: Pending::Word,
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let next = bytes.get(i + 1).copied();
        match c {
            ' ' | '\t' | '\r' => {
                lexer.end_word(i);
                i += 1;
            }
            '\n' => {
                lexer.end_command(i, false);
                i += 1;
            }
            '#' if lexer.current.is_none() => {
                i = text[i..].find('\n').map_or(text.len(), |n| i + n);
            }
            '\'' => {
                lexer.mark_quoted(i);
                let close = text[i + 1..].find('\'').map_or(text.len(), |n| i + 1 + n);
                let inner = &text[i + 1..close];
                lexer.push_str(i, inner);
                i = (close + 1).min(text.len());
                if close == text.len() {
                    lexer.end_word(text.len());
                }
            }
            '"' => {
                lexer.mark_quoted(i);
                i = double_quoted(&mut lexer, i + 1);
            }
            '\\' => {
                match text[i + 1..].chars().next() {
                    // A line continuation inside a heredoc script.
                    Some('\n') => {}
                    Some(d) => lexer.push(i, d),
                    None => {}
                }
                i += 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8);
            }
            '$' if matches!(next, Some(b'(' | b'{')) => {
                let end = nested_end(text, i + 1);
                lexer.push_str(i, &text[i..end]);
                i = end;
            }
            '`' => {
                let close = text[i + 1..].find('`').map_or(text.len(), |n| i + 2 + n);
                lexer.push_str(i, &text[i..close.min(text.len())]);
                i = close.min(text.len());
            }
            '|' | '&' | ';' | '(' | ')' => {
                let piped = c == '|' && next != Some(b'|');
                let length = match (c, next) {
                    ('|', Some(b'|' | b'&')) | ('&', Some(b'&')) | (';', Some(b';')) => 2,
                    _ => 1,
                };
                // `2>&1` is a redirection, handled below; a lone `&` runs in the background.
                lexer.end_command(i, piped);
                i += length;
            }
            '<' | '>' => {
                // A word of digits right before the operator is a file descriptor (`2>`).
                if lexer.current.as_ref().is_some_and(|(_, word, quoted)| {
                    !quoted && word.bytes().all(|b| b.is_ascii_digit())
                }) {
                    lexer.current = None;
                }
                lexer.end_word(i);
                let operator_end = text[i..]
                    .find(|d: char| !matches!(d, '<' | '>' | '&' | '|' | '-'))
                    .map_or(text.len(), |n| i + n);
                i = operator_end;
                lexer.pending = Pending::Target;
            }
            _ => {
                lexer.push(i, c);
                i += c.len_utf8();
            }
        }
    }
    lexer.end_command(text.len(), false);
    lexer.commands
}

/// Reads a double-quoted string starting after its opening quote and returns the offset after
/// its closing quote.
fn double_quoted(lexer: &mut Lexer, mut i: usize) -> usize {
    let text = lexer.text;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        match c {
            '"' => return i + 1,
            '\\' => {
                match text[i + 1..].chars().next() {
                    Some(d @ ('"' | '\\' | '$' | '`')) => lexer.push(i, d),
                    Some('\n') => {}
                    Some(d) => {
                        lexer.push(i, '\\');
                        lexer.push(i, d);
                    }
                    None => {}
                }
                i += 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8);
            }
            '$' if matches!(text.as_bytes().get(i + 1), Some(b'(' | b'{')) => {
                let end = nested_end(text, i + 1);
                lexer.push_str(i, &text[i..end]);
                i = end;
            }
            _ => {
                lexer.push(i, c);
                i += c.len_utf8();
            }
        }
    }
    text.len()
}

/// Returns the offset after the bracket that closes the `(` or `{` at `open`, skipping quoted
/// text. Returns the end of the text when the bracket is not closed.
fn nested_end(text: &str, open: usize) -> usize {
    let bytes = text.as_bytes();
    let (opening, closing) = if bytes[open] == b'(' {
        (b'(', b')')
    } else {
        (b'{', b'}')
    };
    let mut depth = 0;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'\'' => {
                i = text[i + 1..].find('\'').map_or(bytes.len(), |n| i + 1 + n);
            }
            b if b == opening => depth += 1,
            b if b == closing => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Lexes `text` as one shell script and returns the words of its first command, with spans
/// relative to `text`.
#[cfg(test)]
pub(crate) fn first_command_words(text: &str) -> Vec<ShellWord> {
    lex(text, &|range| Span::new(range.start, range.end))
        .into_iter()
        .next()
        .map(|command| command.words)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(text: &str) -> Vec<Vec<String>> {
        lex(text, &|range| Span::new(range.start, range.end))
            .into_iter()
            .map(|command| command.words.into_iter().map(|word| word.text).collect())
            .collect()
    }

    #[test]
    fn lex_splits_at_control_operators() {
        assert_eq!(
            commands("apt-get update && apt-get install -y curl; echo done || true"),
            [
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "curl"],
                vec!["echo", "done"],
                vec!["true"],
            ]
        );
        assert_eq!(commands("a\nb & c"), [vec!["a"], vec!["b"], vec!["c"]]);
        assert_eq!(
            commands("(cd /x && make)"),
            [vec!["cd", "/x"], vec!["make"]]
        );
    }

    #[test]
    fn lex_keeps_quoted_text_in_one_word() {
        assert_eq!(
            commands(r#"echo "sudo apt-get" 'a && b' c\ d"#),
            [vec!["echo", "sudo apt-get", "a && b", "c d"]]
        );
        assert_eq!(
            commands(r#"echo "$(id -u) x" $(uname -m)"#),
            [vec!["echo", "$(id -u) x", "$(uname -m)"]]
        );
    }

    #[test]
    fn lex_marks_pipes() {
        let found = lex("curl -fsSL https://x | sh -s -- -y", &|r| {
            Span::new(r.start, r.end)
        });
        assert_eq!(found.len(), 2);
        assert!(found[0].piped_to_next);
        assert!(!found[1].piped_to_next);
        assert!(!lex("a || b", &|r| Span::new(r.start, r.end))[0].piped_to_next);
    }

    #[test]
    fn lex_drops_redirections_and_comments() {
        assert_eq!(
            commands("curl -o- x 2>/dev/null >> log < in # sudo rm\nls 2>&1"),
            [vec!["curl", "-o-", "x"], vec!["ls"]]
        );
        assert_eq!(commands("cat <<EOF > /etc/x"), [vec!["cat"]]);
    }

    #[test]
    fn lex_keeps_word_spans() {
        let text = "  sudo  'apt' x";
        let found = lex(text, &|r| Span::new(r.start, r.end));
        let spans: Vec<_> = found[0]
            .words
            .iter()
            .map(|word| &text[word.span.start..word.span.end])
            .collect();
        assert_eq!(spans, ["sudo", "'apt'", "x"]);
    }

    #[test]
    fn command_skips_assignments_and_wrappers() {
        let found = lex(
            "DEBIAN_FRONTEND=noninteractive sudo -u app env A=1 /usr/bin/apt-get update",
            &|r| Span::new(r.start, r.end),
        );
        assert_eq!(found[0].name_and_args()[0].text, "sudo");
        assert_eq!(found[0].program(), Some("apt-get"));
        let reserved = lex("if true; then sudo ls; fi", &|r| Span::new(r.start, r.end));
        assert_eq!(reserved[1].name_and_args()[0].text, "sudo");
    }

    fn invocation_names(text: &str) -> (Vec<String>, Vec<String>) {
        let found = lex(text, &|r| Span::new(r.start, r.end));
        let first_words = |commands: Vec<&[ShellWord]>| {
            commands
                .iter()
                .map(|words| words[0].text.clone())
                .collect::<Vec<_>>()
        };
        (
            first_words(found[0].invocations()),
            first_words(found[0].final_commands()),
        )
    }

    #[test]
    fn invocations_follow_wrappers_find_and_xargs() {
        let (all, last) = invocation_names(r"sudo find /srv -exec env A=1 chmod 777 {} \; -print");
        assert_eq!(all, ["sudo", "find", "env", "chmod"]);
        assert_eq!(last, ["find", "chmod"]);
        let (all, last) = invocation_names("xargs -0 -n 1 chmod 777 < list");
        assert_eq!(all, ["xargs", "chmod"]);
        assert_eq!(last, ["chmod"]);
        let (all, last) = invocation_names("command -v sudo");
        assert_eq!(all, ["command"]);
        assert_eq!(last, ["command"]);
        let (all, _) = invocation_names("sudo");
        assert_eq!(all, ["sudo"]);
    }

    #[test]
    fn run_commands_reads_heredoc_scripts() {
        let text = "FROM a\nRUN <<EOF\nsudo ls\nEOF\nRUN python3 <<EOF\nsudo = 1\nEOF\n";
        let file = crate::dockerfile::parse(text).unwrap_or_else(|e| panic!("{e}"));
        let script = run_commands(&file.instructions[1], text);
        assert_eq!(script.len(), 1);
        assert_eq!(
            &text[script[0].words[0].span.start..script[0].words[0].span.end],
            "sudo"
        );
        assert!(
            run_commands(&file.instructions[2], text)
                .iter()
                .all(|command| command.program() != Some("sudo"))
        );
    }

    #[test]
    fn run_commands_reads_exec_form() {
        let text = "FROM a\nRUN [\"sh\", \"-c\", \"sudo ls\"]\nRUN [\"sudo\", \"ls\"]\n";
        let file = crate::dockerfile::parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            run_commands(&file.instructions[1], text)[0].program(),
            Some("ls")
        );
        assert_eq!(
            run_commands(&file.instructions[2], text)[0].words[0].text,
            "sudo"
        );
    }
}
