//! Real Compose files and Dockerfiles from public projects, read from the folder named by the
//! `DHLINT_CORPUS` environment variable (`compose/` and `dockerfile/` under it). The files are
//! not part of this repository; without the variable the test is skipped with a message.
//!
//! Every file must parse, except those listed in `KNOWN_INVALID` with the reason, and the
//! number of findings per rule and severity is kept as a reviewed snapshot, so a change in any
//! rule's behaviour on real files shows up in review.

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use dhlint::discovery::FileKind;
use dhlint::lint::{decode, lint_text};

/// Corpus files that are not valid inputs, with the reason.
const KNOWN_INVALID: &[(&str, &str)] = &[(
    "moby__buildkit__frontend__dockerfile__parser__testfiles__jeztah-invalid-json-single-quotes__Dockerfile",
    "a parser test file with no FROM, which `docker build` rejects",
)];

fn corpus() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("DHLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("skipped: set DHLINT_CORPUS to the corpus folder to run the corpus tests");
        return None;
    };
    if !dir.join("compose").is_dir() {
        eprintln!("skipped: {} has no compose/ folder", dir.display());
        return None;
    }
    Some(dir)
}

#[test]
fn corpus_parses_and_finding_counts_match() {
    let Some(root) = corpus() else { return };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut invalid = Vec::new();
    let mut files = 0;
    for (folder, kind) in [
        ("compose", FileKind::Compose),
        ("dockerfile", FileKind::Dockerfile),
    ] {
        let mut entries: Vec<_> = fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = decode(fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
            files += 1;
            for diagnostic in lint_text(kind, &text) {
                if diagnostic.rule.code == "DH001" {
                    invalid.push(name.clone());
                }
                let key = format!(
                    "{} {} {}",
                    diagnostic.rule.code, diagnostic.rule.name, diagnostic.severity
                );
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    let expected: Vec<&str> = KNOWN_INVALID.iter().map(|(name, _)| *name).collect();
    assert_eq!(invalid, expected, "files that failed to parse");
    let mut summary = format!("files: {files}\n");
    for (key, count) in &counts {
        summary.push_str(&format!("{key}: {count}\n"));
    }
    insta::assert_snapshot!("corpus_finding_counts", summary);
}
