//! Fault tolerance: a `--fix` killed at any moment leaves every file either as it was or fully
//! fixed, odd file names survive every output format, and property tests of the span and edit
//! arithmetic that every finding and fix depends on.

// Tests unwrap freely and print progress to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use dhlint::discovery::FileKind;
use dhlint::fix::{Edit, Fix, FixMode, apply, fix_text};
use dhlint::lint::LintOptions;
use dhlint::source::{LineIndex, Span};
use proptest::prelude::*;

const COMPOSE: &str =
    "# service {i}\nservices:\n  web{i}:\n    image: nginx:1.27\n    user: \"101\"\n";

#[test]
fn killed_fix_leaves_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = 300;
    let originals: Vec<String> = (0..files)
        .map(|i| COMPOSE.replace("{i}", &i.to_string()))
        .collect();
    let fixed: Vec<String> = originals
        .iter()
        .map(|text| {
            fix_text(
                FileKind::Compose,
                text,
                FixMode::Safe,
                &LintOptions::default(),
            )
            .unwrap()
            .text
        })
        .collect();
    let started = Instant::now();
    for round in 0..30u64 {
        for (i, text) in originals.iter().enumerate() {
            fs::write(dir.path().join(format!("s{i:03}.compose.yaml")), text).unwrap();
        }
        let mut child = Command::cargo_bin("dhlint")
            .unwrap()
            .args(["--fix", "-j", "2"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the run: early, in the middle of writing, near the end.
        std::thread::sleep(Duration::from_millis(5 + (round * 7) % 60));
        let _ = child.kill();
        let _ = child.wait();
        for (i, (original, fixed)) in originals.iter().zip(&fixed).enumerate() {
            let now = fs::read_to_string(dir.path().join(format!("s{i:03}.compose.yaml"))).unwrap();
            assert!(
                now == *original || now == *fixed,
                "round {round}: file {i} is partial:\n{now}"
            );
        }
        // A killed run can leave a temporary file; it never replaces a file partially.
        for entry in fs::read_dir(dir.path()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with(".dhlint-") {
                fs::remove_file(dir.path().join(name)).unwrap();
            }
        }
    }
    eprintln!(
        "30 killed runs over {files} files in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn odd_file_names_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let name = "new\nline, 50% : ü";
    fs::create_dir_all(dir.path().join(name)).unwrap();
    fs::write(
        dir.path().join(name).join("Dockerfile"),
        "FROM alpine:3.20\n",
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github"] {
        let output = Command::cargo_bin("dhlint")
            .unwrap()
            .current_dir(dir.path())
            .args(["--format", format, "--color", "never", "."])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("DH202"), "{format}: {stdout}");
        if format == "github" {
            assert_eq!(
                stdout.lines().count(),
                1,
                "a newline in a name must not break the command"
            );
            assert!(
                stdout.contains("file=new%0Aline%2C 50%25 %3A ü/Dockerfile"),
                "{stdout}"
            );
        }
        if format == "json" || format == "sarif" {
            serde_json::from_str::<serde_json::Value>(&stdout).unwrap();
        }
    }
}

/// The 1-based line and character column of `offset`, counted the slow and obvious way.
fn naive_position(text: &str, offset: usize) -> (usize, usize) {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let skip = text.len() - body.len();
    let before = &text[skip.min(offset)..offset];
    let (mut line, mut column) = (1, 1);
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || (c == '\r' && chars.peek() != Some(&'\n')) {
            line += 1;
            column = 1;
        } else if c != '\r' {
            column += 1;
        } else {
            // `\r` of `\r\n`: the `\n` ends the line.
        }
    }
    (line, column)
}

fn text_strategy() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("a".to_owned()),
        Just("é".to_owned()),
        Just("😀".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
    ];
    (any::<bool>(), prop::collection::vec(pieces, 0..60)).prop_map(|(bom, pieces)| {
        format!("{}{}", if bom { "\u{feff}" } else { "" }, pieces.concat())
    })
}

proptest! {
    #[test]
    fn positions_match_a_naive_count(text in text_strategy()) {
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if text.starts_with('\u{feff}') && offset < 3 {
                continue;
            }
            // A `\r\n` is one line break: a position on its `\n` is still on the line it ends.
            if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n') {
                continue;
            }
            let position = index.position(&text, offset);
            prop_assert_eq!((position.line, position.column), naive_position(&text, offset), "offset {}", offset);
        }
    }

    #[test]
    fn edits_apply_like_splicing(text in "[a-z]{0,40}", raw in prop::collection::vec((0usize..41, 0usize..4, "[A-Z]{0,3}"), 0..6)) {
        // Edits that do not overlap, applied together, equal splicing them in from the back.
        let mut edits: Vec<Edit> = Vec::new();
        for (start, length, content) in raw {
            let start = start.min(text.len());
            let end = (start + length).min(text.len());
            let span = Span::new(start, end);
            let overlaps = edits.iter().any(|e: &Edit| {
                (e.span.start < span.end && span.start < e.span.end)
                    || (e.span.is_empty() && span.start < e.span.start && e.span.start < span.end)
                    || (span.is_empty() && e.span.start < span.start && span.start < e.span.end)
                    || (e.span.is_empty() && span.is_empty() && e.span.start == span.start)
            });
            if !overlaps {
                edits.push(Edit::replace(span, content));
            }
        }
        let fixes: Vec<Fix> = edits.iter().map(|e| Fix::safe("edit", e.clone())).collect();
        let refs: Vec<&Fix> = fixes.iter().collect();
        let (out, _, applied) = apply(&text, &refs);
        prop_assert_eq!(applied, edits.len());
        let mut expected = text.clone();
        let mut sorted = edits.clone();
        sorted.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
        for edit in sorted {
            expected.replace_range(edit.span.start..edit.span.end, &edit.content);
        }
        prop_assert_eq!(out, expected);
    }
}

#[test]
fn naive_position_agrees_on_a_sample() {
    let text = "\u{feff}a\r\nbé\rc";
    assert_eq!(naive_position(text, text.find('c').unwrap()), (3, 1));
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).exists());
}
