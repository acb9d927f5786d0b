//! Fixes: every case under `fixtures/fix/<case>/` has an `input.yaml` (a Compose file),
//! `input.Dockerfile` or `input.json` (a daemon configuration), and the byte-exact `expected.*`
//! that `--fix` must produce. A file named `unsafe` in the case enables unsafe fixes. Every case
//! is also fixed twice: the second pass must change nothing.
//!
//! The round-trip tests fix every rule fixture and, when `DHLINT_CORPUS` is set, every corpus
//! Compose file: the result must parse, keep every original key and value, lose the findings
//! that were fixed, and be stable under a second `--fix`.

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};

use dhlint::discovery::{FileKind, WalkOptions, discover};
use dhlint::fix::{FixMode, fix_text, verify};
use dhlint::lint::{LintOptions, decode, lint_text};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix")
}

fn input_of(case: &Path) -> (PathBuf, FileKind, &'static str) {
    let yaml = case.join("input.yaml");
    if yaml.exists() {
        return (yaml, FileKind::Compose, "expected.yaml");
    }
    let json = case.join("input.json");
    if json.exists() {
        return (json, FileKind::Daemon, "expected.json");
    }
    (
        case.join("input.Dockerfile"),
        FileKind::Dockerfile,
        "expected.Dockerfile",
    )
}

#[test]
fn fix_cases_match_expected_bytes() {
    let update = std::env::var_os("DHLINT_UPDATE_FIXES").is_some();
    let mut cases: Vec<PathBuf> = fs::read_dir(fixture_root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected the fix fixtures, found {}",
        cases.len()
    );
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (input, kind, expected_name) = input_of(&case);
        let mode = if case.join("unsafe").exists() {
            FixMode::Unsafe
        } else {
            FixMode::Safe
        };
        let text = fs::read_to_string(&input).unwrap();
        let fixed = fix_text(kind, &text, mode, &LintOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected_path = case.join(expected_name);
        if update {
            fs::write(&expected_path, &fixed.text).unwrap();
        }
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name}: missing {expected_name}"));
        assert_eq!(
            fixed.text, expected,
            "{name}: fixed text differs from {expected_name}"
        );
        let again = fix_text(kind, &fixed.text, mode, &LintOptions::default()).unwrap();
        assert_eq!(
            again.text, fixed.text,
            "{name}: a second fix changed the text"
        );
        assert_eq!(again.fixed, 0, "{name}: a second fix found work");
        for remaining in &fixed.remaining {
            let fix = remaining.fix.as_ref();
            assert!(
                fix.is_none_or(|f| !mode.allows(f.applicability)),
                "{name}: {} still has an applicable fix after fixing",
                remaining.rule.code
            );
        }
    }
}

#[test]
fn skipped_fixes_say_why() {
    for case in [
        "alias-service-is-skipped",
        "explicit-key-is-skipped",
        "lone-cr-is-skipped",
    ] {
        let (input, kind, _) = input_of(&fixture_root().join(case));
        let text = fs::read_to_string(input).unwrap();
        let diagnostics = lint_text(kind, &text);
        let dh101 = diagnostics.iter().find(|d| d.rule.code == "DH101").unwrap();
        assert!(dh101.fix.is_none(), "{case}: should not be fixable");
        assert!(dh101.fix_unavailable.is_some(), "{case}: no reason given");
    }
}

#[test]
fn safe_mode_applies_no_unsafe_fix() {
    let (input, kind, _) = input_of(&fixture_root().join("safe-mode-leaves-unsafe-fixes"));
    let text = fs::read_to_string(input).unwrap();
    let safe = fix_text(kind, &text, FixMode::Safe, &LintOptions::default()).unwrap();
    assert_eq!(safe.text, text);
    let unsafe_fixed = fix_text(kind, &text, FixMode::Unsafe, &LintOptions::default()).unwrap();
    assert!(
        unsafe_fixed.text.ends_with("USER 65534:65534\n"),
        "{}",
        unsafe_fixed.text
    );
}

/// Fixes `text` with every fix, checks the invariants, and returns the number of fixes.
fn round_trip(name: &str, kind: FileKind, text: &str) -> usize {
    let fixed = fix_text(kind, text, FixMode::Unsafe, &LintOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    if fixed.fixed == 0 {
        return 0;
    }
    if let Err(error) = verify::check(kind, text, &fixed.text, &[]) {
        // Replaced values may differ, so only a parse failure or a lost key fails here. The one
        // key a fix removes on purpose is a daemon configuration's `"debug": true` (DH310).
        let removed_debug = kind == FileKind::Daemon && error.contains("remove `[doc 0].debug`");
        assert!(
            error.contains("change the value") || removed_debug,
            "{name}: {error}"
        );
    }
    let again = fix_text(kind, &fixed.text, FixMode::Unsafe, &LintOptions::default()).unwrap();
    assert_eq!(
        again.text, fixed.text,
        "{name}: second fix changed the text"
    );
    let fixable_after = fixed.remaining.iter().filter(|d| d.fix.is_some()).count();
    assert_eq!(
        fixable_after, 0,
        "{name}: {fixable_after} fixable findings remain"
    );
    fixed.fixed
}

#[test]
fn rule_fixtures_round_trip() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let options = WalkOptions {
        hidden: true,
        ..WalkOptions::default()
    };
    let (candidates, _) = discover(&[root], &options);
    let mut fixed = 0;
    for candidate in candidates {
        let Ok(text) = decode(fs::read(&candidate.path).unwrap()) else {
            continue;
        };
        fixed += round_trip(&candidate.path.display().to_string(), candidate.kind, &text);
    }
    assert!(
        fixed > 40,
        "only {fixed} fixes applied across the rule fixtures"
    );
}

#[test]
fn corpus_compose_files_round_trip() {
    let Some(root) = std::env::var_os("DHLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("skipped: set DHLINT_CORPUS to the corpus folder to run the corpus tests");
        return;
    };
    let mut fixed = 0;
    for folder in ["compose", "dockerfile"] {
        let kind = if folder == "compose" {
            FileKind::Compose
        } else {
            FileKind::Dockerfile
        };
        let mut paths: Vec<PathBuf> = fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let text = decode(fs::read(&path).unwrap()).unwrap();
            fixed += round_trip(&path.display().to_string(), kind, &text);
        }
    }
    assert!(fixed > 1000, "only {fixed} fixes applied across the corpus");
}
