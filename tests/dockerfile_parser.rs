//! Conformance of the Dockerfile parser with BuildKit, and the parser fixtures.
//!
//! The corpus tests read the folder named by `DHLINT_CORPUS` and are skipped when it is unset:
//! - `peers/buildkit-parser/<case>/{Dockerfile,result}`: BuildKit's parser test files, where
//!   `result` is BuildKit's dump of the parse tree. Each instruction is dumped from our model
//!   in the same format and compared line by line.
//! - `peers/buildkit-parser-negative/<case>/Dockerfile`: files BuildKit's parser rejects.
//! - `dockerfile/*`: real Dockerfiles, which must all parse unless listed in [`KNOWN_INVALID`].

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};

use dhlint::dockerfile::{self, Arguments, Dockerfile, Instruction};
use dhlint::source::{LineIndex, Span};

/// Real Dockerfiles of the corpus that `docker build` rejects, with the reason.
const KNOWN_INVALID: &[(&str, &str)] = &[(
    "moby__buildkit__frontend__dockerfile__parser__testfiles__jeztah-invalid-json-single-quotes__Dockerfile",
    "a parser test file with a lone CMD and no FROM",
)];

/// Returns the corpus folder `part`, or the reason it is not available.
fn corpus(part: &str) -> Result<PathBuf, String> {
    let root = std::env::var_os("DHLINT_CORPUS").ok_or("DHLINT_CORPUS is not set")?;
    let path = Path::new(&root).join(part);
    if !path.is_dir() {
        return Err(format!("{} is not a directory", path.display()));
    }
    Ok(path)
}

/// Returns the corpus folder `part`, or prints why the test is skipped and returns.
macro_rules! corpus_or_skip {
    ($part:expr) => {
        match corpus($part) {
            Ok(path) => path,
            Err(reason) => {
                println!("skipped the {} corpus test: {reason}", $part);
                return;
            }
        }
    };
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let listing = fs::read_dir(dir).expect("corpus folder is readable");
    let mut paths: Vec<PathBuf> = listing
        .map(|entry| entry.expect("corpus entry is readable").path())
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
    s.split([' ', '\t', '\u{b}', '\u{c}', '\r'])
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

/// Rebuilds from our model the values that BuildKit's parse tree contains after the keyword.
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

/// Formats one instruction as BuildKit's `Node.Dump` does.
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
/// stores for them, and that instructions do not overlap.
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
        if let Arguments::Shell(args) = &instruction.args
            && one_line(args.span())
        {
            assert_eq!(slice(args.span()), args.as_str(), "{name}: argument span");
        }
        for pair in instruction.key_values() {
            if let (Some(span), Some(raw)) = (pair.value_span, &pair.raw_value)
                && one_line(span)
            {
                assert_eq!(slice(span), raw, "{name}: value span");
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
    let dir = corpus_or_skip!("peers/buildkit-parser");
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
    let dir = corpus_or_skip!("peers/buildkit-parser-negative");
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
    let dir = corpus_or_skip!("dockerfile");
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

/// Parses `fixtures/dockerfile-parser/<name>` and checks its spans.
fn fixture(name: &str) -> (String, Dockerfile) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/dockerfile-parser")
        .join(name);
    let text = fs::read_to_string(&path).expect("fixture is readable");
    let dockerfile = dockerfile::parse(&text)
        .unwrap_or_else(|error| panic!("{name}: {error} at {:?}", error.span));
    check_spans(name, &text, &dockerfile);
    (text, dockerfile)
}

fn line(text: &str, offset: usize) -> usize {
    LineIndex::new(text).position(text, offset).line
}

fn keywords(dockerfile: &Dockerfile) -> Vec<&str> {
    dockerfile
        .instructions
        .iter()
        .map(|instruction| instruction.keyword.as_str())
        .collect()
}

#[test]
fn user_set_only_in_earlier_stages() {
    let (text, dockerfile) = fixture("user-earlier-stage-only.Dockerfile");
    let stages = dockerfile.stages();
    assert_eq!(stages.len(), 3);
    let last = &stages[2];
    assert_eq!(last.name.as_ref().unwrap().text, "final");
    assert_eq!(last.parent, None);
    assert_eq!(
        line(&text, dockerfile.instructions[last.from].span.start),
        13
    );
    let user = dockerfile.effective_user(2).unwrap();
    assert_eq!(user.raw, "65532:65532");
    assert_eq!(line(&text, user.span.start), 15);
    let earlier: Vec<_> = (0..2)
        .map(|stage| dockerfile.effective_user(stage).unwrap())
        .map(|user| (user.raw, line(&text, user.span.start)))
        .collect();
    assert_eq!(earlier, [("root".to_string(), 3), ("root".to_string(), 9)]);
}

#[test]
fn user_of_first_stage_not_inherited() {
    let (text, dockerfile) = fixture("user-only-in-first-stage.Dockerfile");
    let stages = dockerfile.stages();
    assert_eq!(stages.len(), 2);
    assert_eq!(
        line(&text, dockerfile.instructions[stages[1].from].span.start),
        7
    );
    assert_eq!(stages[1].parent, None);
    assert_eq!(dockerfile.effective_user(1), None);
    let first = dockerfile.effective_user(0).unwrap();
    assert_eq!(
        (first.raw.as_str(), line(&text, first.span.start)),
        ("nobody", 5)
    );
}

#[test]
fn user_forms_kept_as_written() {
    let (_, dockerfile) = fixture("user-uid-gid-forms.Dockerfile");
    let expected = [
        ("uid-gid", "0:0", Some("0:0")),
        ("name-group", "root:root", Some("root:root")),
        ("uid", "0", Some("0")),
        ("name-gid", "root:0", Some("root:0")),
        ("uid-group", "0:root", Some("0:root")),
        ("openshift", "10001:0", Some("10001:0")),
        ("named", "svc:svc", Some("svc:svc")),
        ("upper-case", "ROOT", Some("ROOT")),
        ("default-expansion", "${APP_UID:-0}:0", Some("0:0")),
        ("redeclared-arg", "$UID", Some("0")),
        ("undeclared-arg", "$UID", None),
    ];
    let stages = dockerfile.stages();
    assert_eq!(stages.len(), expected.len());
    for (stage, (name, raw, resolved)) in stages.iter().zip(expected) {
        assert_eq!(stage.name.as_ref().unwrap().text, name);
        let user = dockerfile.effective_user(stage.index).unwrap();
        assert_eq!(user.raw, raw, "{name}");
        assert_eq!(user.resolved.as_deref(), resolved, "{name}");
    }
}

#[test]
fn heredoc_bodies_are_data() {
    let (text, dockerfile) = fixture("heredoc-body.Dockerfile");
    assert_eq!(
        keywords(&dockerfile),
        ["FROM", "RUN", "COPY", "COPY", "RUN", "USER", "RUN"]
    );
    assert_eq!(dockerfile.stages().len(), 1);
    let notes = &dockerfile.instructions[2].heredocs[0];
    assert_eq!(
        notes.body,
        "Never run this image with\nUSER root\nFROM scratch images are not supported.\n"
    );
    assert_eq!(line(&text, notes.span.end), 8);
    let settings = &dockerfile.instructions[3];
    assert_eq!(line(&text, settings.span.start), 10);
    let heredoc = &settings.heredocs[0];
    assert!(heredoc.strip_tabs);
    assert!(heredoc.quoted);
    assert_eq!(heredoc.body, "port = 9000\nbanner = ${NOT_EXPANDED}\n");
    assert_eq!(line(&text, settings.span.end), 13);
    let user = dockerfile.effective_user(0).unwrap();
    assert_eq!(
        (user.raw.as_str(), line(&text, user.span.start)),
        ("svc", 18)
    );
    let last = dockerfile.instructions.last().unwrap();
    assert!(!text.ends_with('\n'));
    assert_eq!(last.span.end, text.len());
    assert_eq!(last.heredocs[0].body, "echo \"running as $(id -un)\"\n");
}

#[test]
fn heredoc_counts_body_lines() {
    let (text, dockerfile) = fixture("heredoc-then-root.Dockerfile");
    let user = dockerfile.effective_user(0).unwrap();
    assert_eq!(
        (user.raw.as_str(), line(&text, user.span.start)),
        ("root", 5)
    );
}

#[test]
fn comment_lines_inside_continuation() {
    let (text, dockerfile) = fixture("continuation-comments.Dockerfile");
    assert_eq!(
        keywords(&dockerfile),
        ["FROM", "RUN", "USER", "HEALTHCHECK", "CMD"]
    );
    let run = &dockerfile.instructions[1];
    let args = run.args.shell().unwrap().as_str();
    assert!(!args.contains("USER root"), "{args}");
    assert!(args.ends_with("&& rm -rf /var/lib/apt/lists/*"), "{args}");
    assert_eq!(
        (line(&text, run.span.start), line(&text, run.span.end)),
        (2, 7)
    );
    let user = dockerfile.effective_user(0).unwrap();
    assert_eq!(
        (user.raw.as_str(), line(&text, user.span.start)),
        ("svc", 9)
    );
    assert!(dockerfile.warnings.is_empty());
}

#[test]
fn empty_line_continues_instruction() {
    let (text, dockerfile) = fixture("dangling-continuation.Dockerfile");
    assert_eq!(keywords(&dockerfile), ["FROM", "RUN", "RUN", "CMD"]);
    let run = &dockerfile.instructions[2];
    assert!(
        run.args
            .shell()
            .unwrap()
            .as_str()
            .ends_with("wget USER svc")
    );
    assert_eq!(
        (line(&text, run.span.start), line(&text, run.span.end)),
        (3, 6)
    );
    assert_eq!(dockerfile.effective_user(0), None);
    assert_eq!(dockerfile.warnings.len(), 1);
    let warning = &dockerfile.warnings[0];
    assert_eq!(line(&text, warning.span.start), 5);
    assert!(
        warning.message.ends_with("starts on line 3"),
        "{}",
        warning.message
    );
}

#[test]
fn crlf_line_numbers_and_values() {
    let (text, dockerfile) = fixture("crlf.Dockerfile");
    assert!(text.contains("\r\n"));
    assert_eq!(
        keywords(&dockerfile),
        ["FROM", "RUN", "USER", "RUN", "USER", "ENTRYPOINT"]
    );

    let users: Vec<_> = dockerfile
        .instructions
        .iter()
        .filter(|instruction| instruction.is("USER"))
        .map(|user| {
            (
                user.args.shell().unwrap().as_str(),
                line(&text, user.span.start),
            )
        })
        .collect();
    assert_eq!(users, [("worker", 4), ("root", 7)]);

    let run = &dockerfile.instructions[1];
    assert_eq!(
        run.args.shell().unwrap().as_str(),
        "apk add --no-cache dumb-init     && adduser -D -u 10001 worker"
    );
    assert_eq!(
        (line(&text, run.span.start), line(&text, run.span.end)),
        (2, 3)
    );
    assert_eq!(
        dockerfile.effective_user(0).unwrap().resolved.as_deref(),
        Some("root")
    );

    let entrypoint = dockerfile.instructions[5].words();
    let elements: Vec<_> = entrypoint.iter().map(|word| word.text.as_str()).collect();
    assert_eq!(elements, ["/usr/bin/dumb-init", "--"]);
}
