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

/// Writes `texts` as `s000/compose.yaml`, `s001/compose.yaml`, ... under `dir`.
fn write_tree(dir: &Path, texts: &[String]) {
    for (i, text) in texts.iter().enumerate() {
        let folder = dir.join(format!("s{i:03}"));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("compose.yaml"), text).unwrap();
    }
}

/// Lists the temporary files left in the folders of [`write_tree`].
fn leftovers(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for folder in fs::read_dir(dir).unwrap() {
        for entry in fs::read_dir(folder.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".dhlint-")
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

fn originals_and_fixed(files: usize) -> (Vec<String>, Vec<String>) {
    let originals: Vec<String> = (0..files)
        .map(|i| COMPOSE.replace("{i}", &i.to_string()))
        .collect();
    let fixed = originals
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
    (originals, fixed)
}

fn spawn_fix(dir: &Path) -> std::process::Child {
    Command::cargo_bin("dhlint")
        .unwrap()
        .args(["--fix", "-j", "2"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killed_fix_leaves_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = 300;
    let (originals, fixed) = originals_and_fixed(files);
    let started = Instant::now();
    let mut partly_fixed_runs = 0;
    for round in 0..30u64 {
        write_tree(dir.path(), &originals);
        let mut child = spawn_fix(dir.path());
        // Spread the kills over the run: early, in the middle of writing, near the end.
        std::thread::sleep(Duration::from_millis(5 + (round * 7) % 60));
        let _ = child.kill();
        let _ = child.wait();
        let mut fixed_files = 0;
        for (i, (original, fixed)) in originals.iter().zip(&fixed).enumerate() {
            let now = fs::read_to_string(dir.path().join(format!("s{i:03}/compose.yaml"))).unwrap();
            assert!(
                now == *original || now == *fixed,
                "round {round}: file {i} is partial:\n{now}"
            );
            fixed_files += usize::from(now == *fixed);
        }
        partly_fixed_runs += usize::from(fixed_files > 0 && fixed_files < files);
        // SIGKILL can leave a temporary file, never a partial file; clear them for the next
        // round.
        for path in leftovers(dir.path()) {
            fs::remove_file(path).unwrap();
        }
    }
    assert!(
        partly_fixed_runs > 0,
        "no run was killed while writing; the test proves nothing"
    );
    eprintln!(
        "30 killed runs over {files} files in {:.1?}, {partly_fixed_runs} stopped while writing",
        started.elapsed()
    );
}

#[test]
fn interrupted_fix_removes_its_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = 300;
    let (originals, fixed) = originals_and_fixed(files);
    let mut interrupted = 0;
    for round in 0..20u64 {
        write_tree(dir.path(), &originals);
        let mut child = spawn_fix(dir.path());
        std::thread::sleep(Duration::from_millis(5 + (round * 7) % 60));
        let signal = ["-TERM", "-INT", "-HUP"][round as usize % 3];
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        // A run that finished first exits 0 or 1, one stopped by the handler 128 + the signal.
        interrupted += usize::from(status.code().is_some_and(|code| code > 128));
        assert!(
            leftovers(dir.path()).is_empty(),
            "round {round} ({signal}): {:?}",
            leftovers(dir.path())
        );
        for (i, (original, fixed)) in originals.iter().zip(&fixed).enumerate() {
            let now = fs::read_to_string(dir.path().join(format!("s{i:03}/compose.yaml"))).unwrap();
            assert!(
                now == *original || now == *fixed,
                "round {round}: file {i} is partial"
            );
        }
    }
    assert!(
        interrupted > 0,
        "no run was interrupted; the test proves nothing"
    );
    eprintln!("{interrupted} of 20 runs interrupted");
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
