//! DH320 invalid-config: a daemon configuration that dockerd cannot load, or that is ambiguous.

use super::DaemonContext;
use crate::config::closest;
use crate::daemon::keys::{self, Shape};
use crate::daemon::{DaemonFile, JsonType, Member, SyntaxError};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::fix::json::{JsonEditor, quote};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::NodeId;

/// DH320 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH320",
    name: "invalid-config",
    target: Target::Daemon,
    severity: Severity::Error,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH320"),
};

/// Builds the finding for a file that is not strict JSON. No other rule runs on such a file.
pub fn syntax_error(error: &SyntaxError) -> Diagnostic {
    Diagnostic::new(&META, error.span, error.message.clone())
        .unreadable()
        .with_label("here")
        .with_help(
            "Fix the JSON syntax: dockerd reads strict JSON, without comments, trailing commas \
             or single quotes",
        )
}

/// A problem found in a file that is strict JSON.
enum Problem {
    Duplicate {
        first: NodeId,
        duplicate: NodeId,
    },
    Unknown(Member),
    WrongType {
        key: String,
        node: NodeId,
        expected: &'static str,
        fixable: bool,
    },
}

/// DH320: flags unknown top-level keys, values of the wrong type and duplicate keys.
pub fn check(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for problem in problems(file) {
        out.push(match problem {
            Problem::Duplicate { first, duplicate } => {
                let name = file.tree.scalar(duplicate).unwrap_or("");
                Diagnostic::new(
                    &META,
                    cx.span(duplicate),
                    format!(
                        "Key `{name}` is written twice in one object, and dockerd silently keeps \
                         the last value"
                    ),
                )
                .with_severity(Severity::Warning)
                .with_label("repeated here")
                .with_related(cx.span(first), "first written here")
                .with_help("Remove one of the two keys")
            }
            Problem::Unknown(member) => {
                let name = file.key_name(member);
                let suggestion = closest(name, keys::KNOWN.iter().copied());
                let help = match suggestion {
                    Some(known) => format!("Did you mean `{known}`? Rename or remove the key"),
                    None => "Remove the key, or check its spelling in the dockerd reference".into(),
                };
                Diagnostic::new(
                    &META,
                    cx.span(member.key),
                    format!("Unknown key `{name}`, which stops dockerd from starting"),
                )
                .with_label("not a dockerd option")
                .with_help(help)
            }
            Problem::WrongType {
                key,
                node,
                expected,
                fixable,
            } => {
                let found = file.json_type(node).described();
                let diagnostic = Diagnostic::new(
                    &META,
                    cx.span(node),
                    format!(
                        "`{key}` is {found} where dockerd expects {expected}, so dockerd does not \
                         start"
                    ),
                )
                .with_label(format!("{found}, not {expected}"))
                .with_help(format!("Write {expected} here"));
                if fixable {
                    let written = file.written(node);
                    let edit = JsonEditor::new(file).replace_value(node, &quote(written));
                    diagnostic.with_fix(edit.map(|edit| {
                        Fix::safe(
                            format!("Write `{written}` as the string `\"{written}\"`"),
                            edit,
                        )
                    }))
                } else {
                    diagnostic
                }
            }
        });
    }
}

/// Returns whether dockerd loads `file`: no unknown key and no value of the wrong type.
pub fn loads(file: &DaemonFile) -> bool {
    problems(file)
        .iter()
        .all(|p| matches!(p, Problem::Duplicate { .. }))
}

fn problems(file: &DaemonFile) -> Vec<Problem> {
    let mut found = Vec::new();
    let Some(root) = file.root else {
        return found;
    };
    duplicates(file, root, &mut found);
    for member in file.members(root) {
        let name = file.key_name(member);
        if !keys::is_known(name) {
            found.push(Problem::Unknown(member));
            continue;
        }
        if let Some(shape) = keys::shape(name) {
            check_shape(file, name, member.value, shape, &mut found);
        }
    }
    found
}

/// Reports keys written twice in any object of the file.
fn duplicates(file: &DaemonFile, node: NodeId, found: &mut Vec<Problem>) {
    let mut stack = vec![node];
    while let Some(id) = stack.pop() {
        match file.json_type(id) {
            JsonType::Object => {
                for (first, duplicate) in file.tree.duplicate_keys(id) {
                    found.push(Problem::Duplicate { first, duplicate });
                }
                stack.extend(file.members(id).iter().map(|m| m.value));
            }
            JsonType::Array => stack.extend(file.tree.items(id).iter().copied()),
            _ => {}
        }
    }
}

fn check_shape(
    file: &DaemonFile,
    key: &str,
    value: NodeId,
    shape: Shape,
    found: &mut Vec<Problem>,
) {
    let actual = file.json_type(value);
    if actual == JsonType::Null {
        return;
    }
    let wrong =
        |node: NodeId, key: String, expected: &'static str, fixable: bool| Problem::WrongType {
            key,
            node,
            expected,
            fixable,
        };
    match shape {
        Shape::Scalar(expected) if actual != expected => {
            found.push(wrong(value, key.to_owned(), expected.described(), false));
        }
        Shape::Scalar(_) => {}
        Shape::Object | Shape::StringMap if actual != JsonType::Object => {
            found.push(wrong(value, key.to_owned(), "an object", false));
        }
        Shape::Object => {}
        Shape::StringMap => {
            for member in file.members(value) {
                let item = file.json_type(member.value);
                if matches!(item, JsonType::String | JsonType::Null) {
                    continue;
                }
                // An integer or boolean has an equal string, which is what the user meant. Other
                // numbers (`1e3`, `2.50`) are not rewritten, since their text is not the value
                // dockerd would read.
                let written = file.written(member.value);
                let integer = written
                    .strip_prefix('-')
                    .unwrap_or(written)
                    .bytes()
                    .all(|b| b.is_ascii_digit());
                let fixable = item == JsonType::Bool || (item == JsonType::Number && integer);
                let name = format!("{key}.{}", file.key_name(member));
                found.push(wrong(member.value, name, "a string", fixable));
            }
        }
        Shape::Strings if actual != JsonType::Array => {
            found.push(wrong(value, key.to_owned(), "an array of strings", false));
        }
        Shape::Strings => {
            for (index, &item) in file.tree.items(value).iter().enumerate() {
                if matches!(file.json_type(item), JsonType::String | JsonType::Null) {
                    continue;
                }
                found.push(wrong(item, format!("{key}[{index}]"), "a string", false));
            }
        }
    }
}
