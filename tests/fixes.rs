//! Fixes: every case under `fixtures/fix/<case>/` has an `input.yaml` (a Compose file),
//! `input.Dockerfile` or `input.json` (a daemon configuration), and the byte-exact `expected.*`
//! that `--fix` must produce. A file named `unsafe` in the case enables unsafe fixes, and a
//! `dhlint.toml` sets the values fixes write. Every case is also fixed twice: the second pass
//! must change nothing.
//!
//! The round-trip tests fix every rule fixture and, when `DHLINT_CORPUS` is set, every corpus
//! Compose file: the result must parse, keep every original key and value, lose the findings
//! that were fixed, and be stable under a second `--fix`.

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dhlint::config::{Overrides, load};
use dhlint::discovery::{FileKind, WalkOptions, discover};
use dhlint::fix::{FixMode, fix_text, verify};
use dhlint::lint::{LintOptions, decode, lint_text, lint_text_with};

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
        // A case may have its own `dhlint.toml`, for values that fixes write.
        let config = case.join("dhlint.toml");
        let options = if config.is_file() {
            LintOptions {
                settings: Arc::new(load(&config, &Overrides::default()).unwrap()),
                ..LintOptions::default()
            }
        } else {
            LintOptions::default()
        };
        let text = fs::read_to_string(&input).unwrap();
        let fixed = fix_text(kind, &text, mode, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
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
        let again = fix_text(kind, &fixed.text, mode, &options).unwrap();
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
fn add_to_copy_withheld_says_why() {
    let text = "FROM alpine:3.20\nADD --keep-git-dir=true src/ /src/\nADD $BUNDLE /opt/\n\
                ADD dist/*.t?z /opt/\n";
    let diagnostics = lint_text(FileKind::Dockerfile, text);
    let dh205: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.rule.code == "DH205")
        .collect();
    assert_eq!(dh205.len(), 3);
    for diagnostic in dh205 {
        assert!(diagnostic.fix.is_none(), "{}", diagnostic.message);
        assert!(
            diagnostic.fix_unavailable.is_some(),
            "{}",
            diagnostic.message
        );
    }
}

#[test]
fn user_fix_withheld_on_windows_says_why() {
    for image in [
        "mcr.microsoft.com/windows/servercore:ltsc2016",
        "mcr.microsoft.com/windows/nanoserver:ltsc2022",
        "mcr.microsoft.com/windows/servercore-insider:10.0.20348.1",
    ] {
        let missing = format!("FROM {image}\nRUN cmd /S /C echo orders\n");
        let root = format!("FROM {image}\nUSER 0\n");

        for (text, code) in [(missing, "DH202"), (root, "DH201")] {
            let diagnostics = lint_text(FileKind::Dockerfile, &text);
            let found = diagnostics.iter().find(|d| d.rule.code == code);
            let found = found.unwrap_or_else(|| panic!("{image}: no {code} finding"));
            assert!(found.fix.is_none(), "{image}: {code} has a fix");
            let reason = found.fix_unavailable.as_deref().unwrap_or("");
            assert!(
                reason.contains("Windows"),
                "{image}: {code} gives {reason:?}"
            );
        }
    }

    let linux = lint_text(FileKind::Dockerfile, "FROM debian:12-slim\nRUN true\n");
    let dh202 = linux.iter().find(|d| d.rule.code == "DH202").unwrap();
    assert!(dh202.fix.is_some(), "a Linux base image lost its fix");

    // A user name from `[fix] user` works on Windows, so the fix stays.
    let mut settings = dhlint::config::Settings::default();
    settings.fix.user = "ContainerUser".into();
    let options = LintOptions {
        settings: Arc::new(settings),
        ..LintOptions::default()
    };
    let text = "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN echo orders\n";
    let named = lint_text_with(FileKind::Dockerfile, text, &options);
    let dh202 = named.iter().find(|d| d.rule.code == "DH202").unwrap();
    assert!(dh202.fix.is_some(), "a named user lost its fix on Windows");
}

#[test]
fn withheld_removals_say_why() {
    for (case, code) in [
        ("unsafe-privileged-from-anchor-is-kept", "DH108"),
        ("unsafe-security-opt-merged-is-kept", "DH116"),
        ("unsafe-security-opt-merged-is-kept", "DH117"),
    ] {
        let (input, kind, _) = input_of(&fixture_root().join(case));
        let text = fs::read_to_string(input).unwrap();
        let diagnostics = lint_text(kind, &text);
        let found: Vec<_> = diagnostics.iter().filter(|d| d.rule.code == code).collect();
        assert!(!found.is_empty(), "{case}: no {code} finding");
        for diagnostic in found {
            assert!(diagnostic.fix.is_none(), "{case}: {code} has a fix");
            assert!(
                diagnostic.fix_unavailable.is_some(),
                "{case}: {code} gives no reason"
            );
        }
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

/// Returns whether a check of a fixed text against its original, made without the edits, failed
/// only on a change that fixes make on purpose. Those are a replaced value, a Dockerfile
/// instruction rewritten (`ADD` to `COPY`), a Compose key or item that an unsafe fix removed
/// (`fix_text` checks those pass by pass), and `"debug": true` that DH310 removes from a daemon
/// configuration. A parse failure or a lost key is not.
fn intended_change(kind: FileKind, error: &str) -> bool {
    match kind {
        FileKind::Compose => {
            error.contains("change the value") || error.starts_with("the fix would remove `")
        }
        FileKind::Dockerfile => {
            error.contains("change the value") || error.contains("would remove or change")
        }
        FileKind::Daemon => {
            error.contains("change the value") || error.contains("remove `[doc 0].debug`")
        }
        // Env files have no fixes.
        FileKind::Env => false,
    }
}

/// Fixes `text` with safe fixes and then with every fix, checks the invariants, and returns the
/// number of fixes applied with every fix.
fn round_trip(name: &str, kind: FileKind, text: &str) -> usize {
    let safe = fix_text(kind, text, FixMode::Safe, &LintOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    if safe.fixed > 0
        && let Err(error) = verify::check(kind, text, &safe.text, &[])
    {
        // A safe fix removes no Compose key, so only the other intended changes pass here.
        let removed_key = kind == FileKind::Compose && error.starts_with("the fix would remove");
        assert!(
            intended_change(kind, &error) && !removed_key,
            "{name}: {error}"
        );
    }
    let fixed = fix_text(kind, text, FixMode::Unsafe, &LintOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    if fixed.fixed == 0 {
        return 0;
    }
    if let Err(error) = verify::check(kind, text, &fixed.text, &[]) {
        assert!(intended_change(kind, &error), "{name}: {error}");
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
