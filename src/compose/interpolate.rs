//! Compose variable interpolation, evaluated without the environment of the machine running
//! dhlint, so results do not depend on where it runs.
//!
//! Supported forms, as in the Compose specification: `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+alternative}`,
//! `${VAR+alternative}` and `$$` for a literal `$`. Defaults may themselves contain
//! interpolations. A variable with no value in the given lookup is unset.

/// The result of interpolating a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interpolated {
    /// Every variable had a value or a default; the resulting text.
    Known(String),
    /// The value depends on a variable that has no value and no default.
    Unknown {
        /// Name of the first such variable.
        variable: String,
    },
}

/// One `$…` reference found in a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Variable name.
    pub name: String,
    /// The operator between name and argument (`:-`, `-`, `:?`, `?`, `:+`, `+`), if any.
    pub operator: Option<&'static str>,
    /// Text after the operator, uninterpolated.
    pub argument: Option<String>,
    /// Byte range of the whole reference in the string.
    pub range: std::ops::Range<usize>,
}

/// Whether `text` contains at least one `$` reference (a `$$` escape does not count).
pub fn has_references(text: &str) -> bool {
    !references(text).is_empty()
}

/// The top-level `$` references in `text`, in order.
pub fn references(text: &str) -> Vec<Reference> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let Some(close) = matching_brace(bytes, i + 1) else {
                    i += 1;
                    continue;
                };
                let inner = &text[i + 2..close];
                let name_len = inner
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                let name = inner[..name_len].to_owned();
                let rest = &inner[name_len..];
                let operator = [":-", ":?", ":+", "-", "?", "+"]
                    .into_iter()
                    .find(|op| rest.starts_with(op));
                let argument = operator.map(|op| rest[op.len()..].to_owned());
                out.push(Reference {
                    name,
                    operator,
                    argument,
                    range: i..close + 1,
                });
                i = close + 1;
            }
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
                let len = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                let name = text[i + 1..i + 1 + len].to_owned();
                out.push(Reference {
                    name,
                    operator: None,
                    argument: None,
                    range: i..i + 1 + len,
                });
                i += 1 + len;
            }
            _ => i += 1,
        }
    }
    out
}

/// Index of the `}` closing the `{` at `open`, counting nested braces.
fn matching_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, &b) in bytes[open..].iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + offset);
                }
            }
            _ => {}
        }
    }
    None
}

/// Interpolates `text`, looking variables up with `lookup`.
pub fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Interpolated {
    interpolate_depth(text, lookup, 0)
}

/// Interpolation depth beyond which a value is treated as unknown, bounding nested defaults.
const MAX_DEPTH: usize = 16;

/// Length in bytes beyond which an interpolated value is treated as unknown. Variables that
/// repeat each other (`B=${A}${A}`, `C=${B}${B}`) would otherwise double in size at every step.
pub const MAX_VALUE_LEN: usize = 1024 * 1024;

fn interpolate_depth(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Interpolated {
    if !text.contains('$') {
        return Interpolated::Known(text.to_owned());
    }
    if depth > MAX_DEPTH {
        return Interpolated::Unknown {
            variable: String::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for reference in references(text) {
        out.push_str(&unescape_dollars(&text[last..reference.range.start]));
        last = reference.range.end;
        let value = lookup(&reference.name);
        let argument = reference.argument.as_deref().unwrap_or("");
        let resolved = match (reference.operator, value) {
            (Some(":-"), Some(v)) if !v.is_empty() => Interpolated::Known(v),
            (Some(":-"), _) | (Some("-"), None) => interpolate_depth(argument, lookup, depth + 1),
            (Some(":+"), Some(v)) if !v.is_empty() => {
                interpolate_depth(argument, lookup, depth + 1)
            }
            (Some("+"), Some(_)) => interpolate_depth(argument, lookup, depth + 1),
            (Some(":+") | Some("+"), _) => Interpolated::Known(String::new()),
            (Some(":?"), Some(v)) if !v.is_empty() => Interpolated::Known(v),
            (_, Some(v)) => Interpolated::Known(v),
            (_, None) => Interpolated::Unknown {
                variable: reference.name.clone(),
            },
        };
        match resolved {
            Interpolated::Known(v) if out.len() + v.len() <= MAX_VALUE_LEN => out.push_str(&v),
            Interpolated::Known(_) => {
                return Interpolated::Unknown {
                    variable: reference.name.clone(),
                };
            }
            unknown => return unknown,
        }
    }
    out.push_str(&unescape_dollars(&text[last..]));
    Interpolated::Known(out)
}

/// The character that stands for the value of an unset variable in [`interpolate_partially`].
pub const UNKNOWN_MARK: char = '\u{0}';

/// Interpolates `text` with `variables`, each unset variable that has no default replaced by
/// [`UNKNOWN_MARK`], so a caller can still read the parts of a value that do not depend on it.
/// Returns the text and the first such variable, or `None` when every variable was resolved.
pub fn interpolate_partially(
    text: &str,
    variables: &dyn Fn(&str) -> Option<String>,
) -> (String, Option<String>) {
    let mut unset: Vec<String> = Vec::new();
    // Each round marks one more unset variable; the bound covers every reference in `text`.
    for _ in 0..=text.matches('$').count() {
        let lookup = |name: &str| {
            variables(name).or_else(|| {
                unset
                    .iter()
                    .any(|u| u == name)
                    .then(|| UNKNOWN_MARK.to_string())
            })
        };
        match interpolate(text, &lookup) {
            Interpolated::Known(value) => return (value, unset.first().cloned()),
            Interpolated::Unknown { variable }
                if !variable.is_empty() && !unset.contains(&variable) =>
            {
                unset.push(variable);
            }
            Interpolated::Unknown { variable } => {
                return (UNKNOWN_MARK.to_string(), Some(variable));
            }
        }
    }
    (UNKNOWN_MARK.to_string(), unset.first().cloned())
}

fn unescape_dollars(text: &str) -> String {
    text.replace("$$", "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unset(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_are_used_when_unset() {
        assert_eq!(
            interpolate("${RO:-true}", &unset),
            Interpolated::Known("true".into())
        );
        assert_eq!(
            interpolate("${RO-x}", &unset),
            Interpolated::Known("x".into())
        );
        assert_eq!(
            interpolate("${A:-${B:-512m}}", &unset),
            Interpolated::Known("512m".into())
        );
    }

    #[test]
    fn unset_without_default_is_unknown() {
        assert_eq!(
            interpolate("${PIDS}", &unset),
            Interpolated::Unknown {
                variable: "PIDS".into()
            }
        );
        assert_eq!(
            interpolate("$PIDS", &unset),
            Interpolated::Unknown {
                variable: "PIDS".into()
            }
        );
        assert_eq!(
            interpolate("${P:?must be set}", &unset),
            Interpolated::Unknown {
                variable: "P".into()
            }
        );
    }

    #[test]
    fn dollar_escape_is_literal() {
        assert_eq!(
            interpolate("$${PORT:-80}", &unset),
            Interpolated::Known("${PORT:-80}".into())
        );
        assert!(!has_references("a$$b"));
    }

    #[test]
    fn alternative_value() {
        let set = |name: &str| (name == "X").then(|| "1".to_owned());
        assert_eq!(
            interpolate("${X:+on}", &set),
            Interpolated::Known("on".into())
        );
        assert_eq!(
            interpolate("${Y:+on}", &set),
            Interpolated::Known(String::new())
        );
    }

    #[test]
    fn references_are_listed_with_operators() {
        let refs = references("a${X:-d}b$Y");
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].operator, Some(":-"));
        assert_eq!(refs[0].argument.as_deref(), Some("d"));
        assert_eq!(refs[1].name, "Y");
    }

    #[test]
    fn partial_interpolation_marks_unset_variables() {
        let (text, variable) = interpolate_partially("${HOME}/run/docker.sock", &|_| None);
        assert_eq!(text, format!("{UNKNOWN_MARK}/run/docker.sock"));
        assert_eq!(variable.as_deref(), Some("HOME"));
        let (text, variable) = interpolate_partially("${A:-/srv}:${B}:ro", &|_| None);
        assert_eq!(text, format!("/srv:{UNKNOWN_MARK}:ro"));
        assert_eq!(variable.as_deref(), Some("B"));
        let (text, variable) = interpolate_partially("/etc:/etc", &|_| None);
        assert_eq!(text, "/etc:/etc");
        assert_eq!(variable, None);
    }
}
