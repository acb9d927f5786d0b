//! Compose projects end to end: each folder under `fixtures/projects/` is linted from inside,
//! as `dhlint .` would be, and its findings are compared with a reviewed snapshot.
//!
//! A case may hold `args`, one extra command-line argument per line, and `diff`, a marker that
//! requests the `--diff` output as well. Set `INSTA_UPDATE=always` to accept new snapshots.

// Tests unwrap freely.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn dhlint(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("dhlint").expect("binary is built");
    cmd.current_dir(dir)
        .env("RUST_LOG", "off")
        // Variables of the machine running the tests must never change the results.
        .env("RO", "false")
        .env("PRIVILEGED", "true")
        .env("APP_USER", "root");
    cmd
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects");
    let mut cases: Vec<PathBuf> = fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

fn extra_args(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("args"))
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Lints a case and returns one line per finding: path, line, column, code, severity and
/// message.
fn findings(dir: &Path) -> String {
    let output = dhlint(dir)
        .args(["--format", "json", "."])
        .args(extra_args(dir))
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|code| code <= 2),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut lines: Vec<String> = findings
        .iter()
        .map(|f| {
            let mut line = format!(
                "{}:{}:{}: {} {} {}",
                f["path"].as_str().unwrap().trim_start_matches("./"),
                f["line"],
                f["column"],
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            );
            // Notes that point into another file of the project are part of the contract.
            if let Some(help) = f["help"].as_str() {
                for note in help.lines().skip(1) {
                    line.push_str("\n    ");
                    line.push_str(note);
                }
            }
            line
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn project_cases_match_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/projects");
    settings.bind(|| {
        for dir in cases() {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            insta::assert_snapshot!(name.clone(), findings(&dir));
            if dir.join("diff").is_file() {
                let output = dhlint(&dir)
                    .args(["--diff", "."])
                    .args(extra_args(&dir))
                    .output()
                    .unwrap();
                insta::assert_snapshot!(
                    format!("{name}-diff"),
                    String::from_utf8_lossy(&output.stdout)
                );
            }
        }
    });
}
