//! Inputs the fuzzers found problems with, kept under `fixtures/fuzz/` and checked the way the
//! fuzz targets check them: lint without panicking, and a fix that passes the fixer's own check
//! and is stable. `.yaml` files are Compose files, `.json` files daemon configurations, the
//! others Dockerfiles.

// Tests unwrap freely.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use dhlint::discovery::FileKind;
use dhlint::fix::{FixMode, fix_text};
use dhlint::lint::{LintOptions, lint_text};

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz");
    let mut checked = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("yaml") => FileKind::Compose,
            Some("json") => FileKind::Daemon,
            _ => FileKind::Dockerfile,
        };
        let Ok(text) = String::from_utf8(fs::read(&path).unwrap()) else {
            continue;
        };
        lint_text(kind, &text);
        let options = LintOptions::default();
        let fixed = fix_text(kind, &text, FixMode::Unsafe, &options)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let again = fix_text(kind, &fixed.text, FixMode::Unsafe, &options).unwrap();
        assert_eq!(
            again.text,
            fixed.text,
            "{}: second fix changed the text",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 1);
}
