//! Variable expansion in instruction arguments, following BuildKit's shell lexer
//! (`frontend/dockerfile/shell/lex.go`).

use std::iter::Peekable;
use std::str::Chars;

/// Nesting limit for `${A:-${B:-...}}`, so that the recursion depth does not grow with the input.
const MAX_DEPTH: usize = 16;

/// Expands `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alternative}`,
/// `${VAR+alternative}` and `${VAR:?message}`, and removes quotes and escapes, as BuildKit does
/// for arguments of `USER`, `WORKDIR`, `ENV` or `FROM`.
///
/// Single-quoted text is not expanded, and `\$` (or `` `$ `` with `# escape=`` ` ``) gives a
/// literal `$`.
///
/// Returns `None` when a variable that the result needs has no value (`lookup` returns
/// `None`). It also returns `None` for syntax BuildKit rejects (`${}`, an open quote or brace)
/// and for the pattern forms `${VAR#p}`, `${VAR%p}` and `${VAR/p/r}`.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>, escape: char) -> Option<String> {
    let mut expander = Expander {
        chars: text.chars().peekable(),
        lookup,
        escape,
    };
    expander.word(None, 0).ok()
}

/// Reason a part of the text has no known value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// A needed variable has no value.
    Unset,
    /// Syntax that BuildKit rejects, or a form this module does not evaluate.
    Invalid,
}

struct Expander<'a> {
    chars: Peekable<Chars<'a>>,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    escape: char,
}

impl Expander<'_> {
    /// Processes text up to `stop` (consumed) or the end of the input.
    ///
    /// An unset variable does not stop the scan: the caller of a nested word must still find
    /// its closing `}`, and `${A:-$B}` does not need `B` when `A` is set.
    fn word(&mut self, stop: Option<char>, depth: usize) -> Result<String, Failure> {
        if depth > MAX_DEPTH {
            return Err(Failure::Invalid);
        }
        let mut out = String::new();
        let mut unset = false;
        loop {
            let Some(&c) = self.chars.peek() else {
                if stop.is_some() {
                    return Err(Failure::Invalid);
                }
                break;
            };
            if Some(c) == stop {
                self.chars.next();
                break;
            }
            match c {
                '\'' => {
                    self.chars.next();
                    loop {
                        match self.chars.next() {
                            None => return Err(Failure::Invalid),
                            Some('\'') => break,
                            Some(d) => out.push(d),
                        }
                    }
                }
                '"' => self.double_quoted(&mut out, &mut unset, depth)?,
                '$' => self.dollar(&mut out, &mut unset, depth)?,
                _ => {
                    self.chars.next();
                    if c != self.escape {
                        out.push(c);
                    } else if let Some(d) = self.chars.next() {
                        out.push(d);
                    }
                }
            }
        }
        if unset { Err(Failure::Unset) } else { Ok(out) }
    }

    fn double_quoted(
        &mut self,
        out: &mut String,
        unset: &mut bool,
        depth: usize,
    ) -> Result<(), Failure> {
        self.chars.next();
        loop {
            let Some(&c) = self.chars.peek() else {
                return Err(Failure::Invalid);
            };
            match c {
                '"' => {
                    self.chars.next();
                    return Ok(());
                }
                '$' => self.dollar(out, unset, depth)?,
                _ => {
                    self.chars.next();
                    if c == self.escape {
                        match self.chars.peek() {
                            None => continue,
                            Some(&e) if e == '"' || e == '$' || e == self.escape => {
                                self.chars.next();
                                out.push(e);
                                continue;
                            }
                            // Inside double quotes other escapes are kept as written.
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    /// Expands the `$...` at the current position into `out`. An unset variable sets `unset`.
    fn dollar(&mut self, out: &mut String, unset: &mut bool, depth: usize) -> Result<(), Failure> {
        match self.substitution(depth) {
            Ok(value) => out.push_str(&value),
            Err(Failure::Unset) => *unset = true,
            Err(Failure::Invalid) => return Err(Failure::Invalid),
        }
        Ok(())
    }

    fn substitution(&mut self, depth: usize) -> Result<String, Failure> {
        self.chars.next();
        if self.chars.peek() != Some(&'{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return (self.lookup)(&name).ok_or(Failure::Unset);
        }

        self.chars.next();
        if matches!(self.chars.peek(), None | Some('{' | '}' | ':')) {
            return Err(Failure::Invalid);
        }
        let name = self.name();
        let value = (self.lookup)(&name);
        let (colon, modifier) = match self.chars.next() {
            Some('}') => return value.ok_or(Failure::Unset),
            Some(':') => (true, self.chars.next()),
            other => (false, other),
        };

        // The nested word is read even when unused, to find the closing brace.
        let word = self.word(Some('}'), depth + 1);
        if word == Err(Failure::Invalid) {
            return Err(Failure::Invalid);
        }
        // `${VAR:-d}` treats an empty value like an unset one, but `${VAR-d}` does not.
        let value = if colon {
            value.filter(|value| !value.is_empty())
        } else {
            value
        };
        match modifier {
            Some('-') => value.map_or(word, Ok),
            Some('+') => value.map_or(Ok(String::new()), |_| word),
            Some('?') => value.ok_or(Failure::Unset),
            // TODO: evaluate the pattern forms `${VAR#p}`, `${VAR%p}` and `${VAR/p/r}`, which
            // give no value for now.
            _ => Err(Failure::Invalid),
        }
    }

    /// Reads a variable name: letters, digits and `_`, or digits only (`$1`), or one special
    /// parameter character such as `$@`.
    fn name(&mut self) -> String {
        let mut name = String::new();
        match self.chars.peek() {
            Some(c) if c.is_ascii_digit() => {
                while let Some(&c) = self.chars.peek().filter(|c| c.is_ascii_digit()) {
                    name.push(c);
                    self.chars.next();
                }
                return name;
            }
            Some(&c @ ('@' | '*' | '#' | '?' | '-' | '$' | '!')) => {
                self.chars.next();
                name.push(c);
                return name;
            }
            _ => {}
        }
        while let Some(&c) = self
            .chars
            .peek()
            .filter(|c| c.is_alphanumeric() || **c == '_')
        {
            name.push(c);
            self.chars.next();
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], text: &str) -> Option<String> {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        };
        expand(text, &lookup, '\\')
    }

    #[test]
    fn expand_plain_and_braced() {
        assert_eq!(
            with(&[("UID", "10001")], "$UID:${UID}").as_deref(),
            Some("10001:10001")
        );
        assert_eq!(with(&[], "$UID"), None);
        assert_eq!(with(&[], "app"), Some("app".to_string()));
        assert_eq!(with(&[], "cost $ 5").as_deref(), Some("cost $ 5"));
    }

    #[test]
    fn expand_defaults() {
        assert_eq!(with(&[], "${UID:-0}:0").as_deref(), Some("0:0"));
        assert_eq!(with(&[("UID", "")], "${UID:-0}").as_deref(), Some("0"));
        assert_eq!(with(&[("UID", "")], "${UID-0}").as_deref(), Some(""));
        assert_eq!(with(&[], "${UID-0}").as_deref(), Some("0"));
        assert_eq!(with(&[("A", "1")], "${A:-$B}").as_deref(), Some("1"));
        assert_eq!(with(&[], "${A:-$B}"), None);
        assert_eq!(with(&[], "${A:-${B:-x}}").as_deref(), Some("x"));
    }

    #[test]
    fn expand_alternatives() {
        assert_eq!(with(&[("A", "1")], "${A:+set}").as_deref(), Some("set"));
        assert_eq!(with(&[("A", "")], "${A:+set}").as_deref(), Some(""));
        assert_eq!(with(&[("A", "")], "${A+set}").as_deref(), Some("set"));
        assert_eq!(with(&[], "${A+set}").as_deref(), Some(""));
        assert_eq!(with(&[], "${A:?missing}"), None);
    }

    #[test]
    fn expand_quotes_and_escapes() {
        let vars = [("U", "app")];
        assert_eq!(
            with(&vars, r#""$U" '$U' \$U"#).as_deref(),
            Some("app $U $U")
        );
        assert_eq!(with(&vars, r#""a\"b\c""#).as_deref(), Some(r#"a"b\c"#));
        let lookup = |_: &str| Some("x".to_string());
        assert_eq!(expand("`$U $U", &lookup, '`').as_deref(), Some("$U x"));
    }

    #[test]
    fn expand_rejects_bad_syntax() {
        for text in ["${}", "${:x}", "${A", "'open", "\"open", "${A#x}", "${A!x}"] {
            assert_eq!(with(&[("A", "1")], text), None, "{text}");
        }
    }

    #[test]
    fn expand_limits_nesting() {
        let deep = format!("{}x{}", "${A:-".repeat(10_000), "}".repeat(10_000));
        assert_eq!(with(&[], &deep), None);
        let shallow = format!("{}x{}", "${A:-".repeat(5), "}".repeat(5));
        assert_eq!(with(&[], &shallow).as_deref(), Some("x"));
    }
}
