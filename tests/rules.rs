//! Rule fixtures: every folder `fixtures/rules/<CODE>/<case>/` is a small repository that is
//! walked and linted like a real one. Its findings (path, line, column, code, severity and
//! message) are compared with the snapshot `tests/snapshots/rules__<CODE>__<case>.snap`.
//!
//! A case named `ok-*` must produce no finding of its code; any other case must produce at
//! least one, so a snapshot can never silently accept "no findings".

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dhlint::config::{Overrides, load};
use dhlint::discovery::{WalkOptions, discover};
use dhlint::lint::lint_path_with;
use dhlint::source::LineIndex;

/// Lints every file under `dir` and renders one line per finding.
fn render_case(dir: &Path) -> (String, Vec<String>) {
    let (candidates, errors) = discover(&[dir.to_path_buf()], &WalkOptions::default());
    assert!(
        errors.is_empty(),
        "walk errors in {}: {errors:?}",
        dir.display()
    );
    // A case may have its own `dhlint.toml`, for example to turn on a rule that is off by
    // default; configuration outside the case never applies.
    let config = dir.join("dhlint.toml");
    let settings = if config.is_file() {
        Arc::new(load(&config, &Overrides::default()).expect("a valid case configuration"))
    } else {
        Arc::default()
    };
    let mut lines = Vec::new();
    let mut codes = Vec::new();
    for candidate in candidates {
        let report = lint_path_with(&candidate.path, candidate.kind, settings.clone());
        let text = report.source.as_deref().unwrap_or("");
        let index = LineIndex::new(text);
        let relative = candidate.path.strip_prefix(dir).unwrap_or(&candidate.path);
        for diagnostic in &report.diagnostics {
            let start = index.position(text, diagnostic.span.start);
            codes.push(diagnostic.rule.code.to_owned());
            lines.push(format!(
                "{}:{}:{}: {} {} {}",
                relative.display(),
                start.line,
                start.column,
                diagnostic.rule.code,
                diagnostic.severity,
                diagnostic.message
            ));
        }
    }
    (lines.join("\n"), codes)
}

fn case_dirs() -> Vec<(String, String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut cases = Vec::new();
    for code_dir in fs::read_dir(&root).expect("fixtures/rules exists") {
        let code_dir = code_dir.expect("readable fixture folder").path();
        let code = code_dir.file_name().unwrap().to_string_lossy().into_owned();
        for case in fs::read_dir(&code_dir).expect("readable rule folder") {
            let case = case.expect("readable case folder").path();
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            cases.push((code.clone(), name, case));
        }
    }
    cases.sort();
    cases
}

#[test]
fn rule_fixtures_match_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let _guard = settings.bind_to_scope();
    let cases = case_dirs();
    assert!(
        cases.len() > 50,
        "expected the rule fixtures, found {}",
        cases.len()
    );
    for (code, name, dir) in cases {
        let (rendered, codes) = render_case(&dir);
        let hits = codes.iter().filter(|c| **c == code).count();
        if name.starts_with("ok-") {
            assert_eq!(
                hits, 0,
                "{code}/{name} must not produce {code}:\n{rendered}"
            );
        } else {
            assert!(hits > 0, "{code}/{name} must produce {code}:\n{rendered}");
        }
        insta::assert_snapshot!(format!("rules__{code}__{name}"), rendered);
    }
}
