//! Conformance of the Dockerfile parser with BuildKit, and the parser fixtures.
//!
//! The corpus tests read the folder named by `DHLINT_CORPUS` and are skipped when it is unset:
//! - `peers/buildkit-parser/<case>/{Dockerfile,result}`: BuildKit's parser test files, where
//!   `result` is BuildKit's dump of the parse tree. Each instruction is dumped from our model
//!   in the same format and compared line by line.
//! - `peers/buildkit-parser-negative/<case>/Dockerfile`: files BuildKit's parser rejects.
//! - `dockerfile/*`: real Dockerfiles, which must all parse unless listed in [`KNOWN_INVALID`].

use std::fs;
use std::path::{Path, PathBuf};

use dhlint::dockerfile::{self, Arguments, Dockerfile, Instruction};
use dhlint::source::Span;

/// Real Dockerfiles of the corpus that `docker build` rejects, with the reason.
const KNOWN_INVALID: &[(&str, &str)] = &[(
    "moby__buildkit__frontend__dockerfile__parser__testfiles__jeztah-invalid-json-single-quotes__Dockerfile",
    "a parser test file with a lone CMD and no FROM",
)];

fn corpus(part: &str) -> Option<PathBuf> {
    let Some(root) = std::env::var_os("DHLINT_CORPUS") else {
        println!("skipped the {part} corpus test: DHLINT_CORPUS is not set");
        return None;
    };
    let path = Path::new(&root).join(part);
    if !path.is_dir() {
        println!(
            "skipped the {part} corpus test: {} is not a directory",
            path.display()
        );
        return None;
    }
    Some(path)
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    paths
}

/// Quotes `s` as Go's `strconv.Quote` does for the characters in BuildKit's test files.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn split_on_space(s: &str) -> Vec<String> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split(|c| matches!(c, ' ' | '\t' | '\u{b}' | '\u{c}' | '\r'))
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

/// The values BuildKit's parse tree holds after the keyword, rebuilt from our model.
fn node_values(instruction: &Instruction) -> Vec<String> {
    let exec = |words: &[dockerfile::Word]| words.iter().map(|w| w.text.clone()).collect();
    let text = match &instruction.args {
        Arguments::Exec(words) if instruction.is("HEALTHCHECK") => {
            let mut values = vec!["CMD".to_string()];
            values.extend(words.iter().map(|w| w.text.clone()));
            return values;
        }
        Arguments::Exec(words) => return exec(words),
        Arguments::Shell(text) => text.as_str(),
    };
    match instruction.keyword.as_str() {
        "ADD" | "COPY" | "VOLUME" | "FROM" | "EXPOSE" => split_on_space(text),
        "ENV" | "LABEL" => {
            let legacy = !text.split_whitespace().next().unwrap_or("").contains('=');
            let mut values = Vec::new();
            for pair in instruction.key_values() {
                values.push(pair.key);
                values.push(pair.raw_value.unwrap_or_default());
                values.push(if legacy {
                    String::new()
                } else {
                    "=".to_string()
                });
            }
            values
        }
        "ARG" => instruction
            .key_values()
            .into_iter()
            .map(|pair| match pair.raw_value {
                Some(raw) => format!("{}={raw}", pair.key),
                None => pair.key,
            })
            .collect(),
        "HEALTHCHECK" => match text.split_once(char::is_whitespace) {
            Some((kind, rest)) => vec![kind.to_string(), rest.trim_start().to_string()],
            None if text.is_empty() => Vec::new(),
            None => vec![text.to_string()],
        },
        _ if text.is_empty() => Vec::new(),
        _ => vec![text.to_string()],
    }
}

/// One instruction in the format of BuildKit's `Node.Dump`.
fn dump(instruction: &Instruction) -> String {
    let mut out = instruction.keyword.to_lowercase();
    if !instruction.flags.is_empty() {
        let flags: Vec<String> = instruction
            .flags
            .iter()
            .map(|flag| match &flag.value {
                Some(value) => go_quote(&format!("--{}={value}", flag.name)),
                None => go_quote(&format!("--{}", flag.name)),
            })
            .collect();
        out.push_str(&format!(" [{}]", flags.join(" ")));
    }
    if let Some(trigger) = &instruction.trigger {
        out.push_str(&format!(" ({})", dump(trigger)));
        return out;
    }
    for value in node_values(instruction) {
        out.push(' ');
        out.push_str(&go_quote(&value));
    }
    out
}

/// Checks that every span is inside `text`, that spans on one line slice to what the model
/// says they contain, and that instructions do not overlap.
fn check_spans(name: &str, text: &str, dockerfile: &Dockerfile) {
    let slice = |span: Span| -> &str {
        text.get(span.start..span.end)
            .unwrap_or_else(|| panic!("{name}: span {span:?} is not inside the text"))
    };
    let one_line = |span: Span| !slice(span).contains('\n');
    let mut previous_end = 0;
    for instruction in &dockerfile.instructions {
        let keyword = slice(instruction.keyword_span);
        if one_line(instruction.keyword_span) {
            assert!(
                keyword.eq_ignore_ascii_case(&instruction.keyword),
                "{name}: keyword {keyword}"
            );
        }
        assert!(
            instruction.span.start >= previous_end,
            "{name}: overlapping instructions"
        );
        assert!(
            instruction.span.start == instruction.keyword_span.start,
            "{name}: span start"
        );
        previous_end = slice(instruction.span).len() + instruction.span.start;
        for flag in &instruction.flags {
            assert!(
                slice(flag.span).starts_with("--"),
                "{name}: flag {:?}",
                slice(flag.span)
            );
        }
        for word in instruction.words() {
            if one_line(word.span) {
                assert_eq!(slice(word.span), word.raw, "{name}: word span");
            }
        }
        if let Arguments::Shell(args) = &instruction.args {
            if one_line(args.span()) {
                assert_eq!(slice(args.span()), args.as_str(), "{name}: argument span");
            }
        }
        for pair in instruction.key_values() {
            if let (Some(span), Some(raw)) = (pair.value_span, &pair.raw_value) {
                if one_line(span) {
                    assert_eq!(slice(span), raw, "{name}: value span");
                }
            }
        }
        for heredoc in &instruction.heredocs {
            assert!(
                slice(heredoc.marker_span).contains("<<"),
                "{name}: heredoc marker"
            );
            let body = slice(heredoc.body_span);
            if !heredoc.strip_tabs && !body.contains('\r') {
                assert_eq!(body, heredoc.body, "{name}: heredoc body span");
            }
            assert!(
                heredoc.span.end <= instruction.span.end,
                "{name}: heredoc past instruction"
            );
        }
    }
    for warning in &dockerfile.warnings {
        slice(warning.span);
    }
}

fn dump_all(dockerfile: &Dockerfile) -> Vec<String> {
    dockerfile
        .instructions
        .iter()
        .map(|instruction| format!("({})", dump(instruction)))
        .collect()
}

#[test]
fn buildkit_parser_cases_match() {
    let Some(dir) = corpus("peers/buildkit-parser") else {
        return;
    };
    let mut cases = 0;
    let mut failures = Vec::new();
    for case in entries(&dir).into_iter().filter(|path| path.is_dir()) {
        cases += 1;
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(case.join("Dockerfile")).unwrap();
        let expected: Vec<String> = fs::read_to_string(case.join("result"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let dockerfile = match dockerfile::parse_syntax(&text) {
            Ok(dockerfile) => dockerfile,
            Err(error) => {
                failures.push(format!("{name}: parse error: {error}"));
                continue;
            }
        };
        check_spans(&name, &text, &dockerfile);
        let actual = dump_all(&dockerfile);
        if actual.len() != expected.len() {
            failures.push(format!(
                "{name}: {} instructions, BuildKit has {}",
                actual.len(),
                expected.len()
            ));
        }
        for (actual, expected) in actual.iter().zip(&expected) {
            if actual != expected {
                failures.push(format!(
                    "{name}:\n  ours:     {actual}\n  BuildKit: {expected}"
                ));
            }
        }
    }
    println!(
        "BuildKit parser cases: {} of {cases} match",
        cases - failures.len()
    );
    assert!(cases > 0, "no cases found in {}", dir.display());
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
}

#[test]
fn buildkit_negative_cases_rejected() {
    let Some(dir) = corpus("peers/buildkit-parser-negative") else {
        return;
    };
    let mut cases = 0;
    for case in entries(&dir).into_iter().filter(|path| path.is_dir()) {
        cases += 1;
        let text = fs::read_to_string(case.join("Dockerfile")).unwrap();
        let result = dockerfile::parse_syntax(&text);
        assert!(
            result.is_err(),
            "{} parsed but BuildKit rejects it",
            case.display()
        );
        println!(
            "{}: {}",
            case.file_name().unwrap().to_string_lossy(),
            result.unwrap_err()
        );
    }
    println!("BuildKit negative cases: {cases} of {cases} rejected");
    assert!(cases > 0, "no cases found in {}", dir.display());
}

#[test]
fn real_dockerfiles_parse() {
    let Some(dir) = corpus("dockerfile") else {
        return;
    };
    let mut parsed = 0;
    let mut failures = Vec::new();
    let files: Vec<PathBuf> = entries(&dir)
        .into_iter()
        .filter(|path| path.is_file())
        .collect();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(path).unwrap();
        let known = KNOWN_INVALID.iter().find(|(file, _)| *file == name);
        match (dockerfile::parse(&text), known) {
            (Ok(dockerfile), None) => {
                check_spans(&name, &text, &dockerfile);
                parsed += 1;
            }
            (Err(error), Some(_)) => println!("{name}: rejected as expected: {error}"),
            (Ok(_), Some((_, reason))) => failures.push(format!(
                "{name}: parsed, but is listed as invalid ({reason})"
            )),
            (Err(error), None) => failures.push(format!("{name}: {error} at {:?}", error.span)),
        }
    }
    println!("real Dockerfiles: {parsed} of {} parsed", files.len());
    assert!(!files.is_empty(), "no files found in {}", dir.display());
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}
