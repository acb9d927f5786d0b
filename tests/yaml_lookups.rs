//! Rules look keys up in a list of a mapping's keys after merge keys (`Tree::effective_keys`)
//! instead of through the merge keys each time (`Tree::get`). These tests check that both give
//! the same entry for every key of every mapping, on inputs with merge keys written here, on
//! every YAML fixture, and on the corpus when `DHLINT_CORPUS` names it.

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use dhlint::yaml::{Entry, NodeKind, Tree};

fn parts(entry: Option<Entry>) -> Option<(usize, usize, usize, Option<usize>)> {
    entry.map(|e| (e.key, e.value, e.value_written, e.merged_from))
}

/// Compares both lookups for every mapping and every scalar of the text; returns false when
/// the text does not parse.
fn check(name: &str, text: &str) -> bool {
    let Ok(tree) = Tree::parse(text) else {
        return false;
    };
    let mut names: BTreeSet<&str> = BTreeSet::from(["<<", "missing"]);
    for id in 0..tree.len() {
        if let NodeKind::Scalar { value, .. } = &tree.node(id).kind {
            names.insert(value);
        }
    }
    for map in (0..tree.len()).filter(|&id| tree.is_mapping(id)) {
        let keys = tree.effective_keys(map);
        for key in &names {
            let listed = keys.iter().find(|(k, _)| k == key).map(|(_, e)| *e);
            assert_eq!(
                parts(listed),
                parts(tree.get(map, key)),
                "{name}: key `{key}` of node {map}"
            );
        }
    }
    true
}

#[test]
fn lookups_through_merge_keys() {
    let cases = [
        "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nm:\n  x: 0\n  <<: [*a, *b]\n",
        "base: &base\n  image: x\n  <<: &inner {deep: 1, image: y}\nweb:\n  <<: *base\n  image: z\n",
        "a: &a\n  k: 1\n  k: 2\nb:\n  <<: *a\n  <<: {k: 3, j: 4}\n",
        "m: &m\n  <<: *m\n",
        "x: &x {a: 1}\ny: &y {<<: *x, b: 2}\nz: {<<: [*y, *x], c: 3}\n",
        "? [complex]\n: 1\nplain: 2\n\"quoted\": 3\n",
    ];
    for (index, text) in cases.iter().enumerate() {
        assert!(check(&format!("case {index}"), text), "case {index} parses");
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

fn check_files(root: &Path) -> usize {
    let mut files = Vec::new();
    yaml_files(root, &mut files);
    files.sort();
    let mut checked = 0;
    for path in files {
        let Ok(text) = String::from_utf8(fs::read(&path).unwrap()) else {
            continue;
        };
        if check(&path.display().to_string(), &text) {
            checked += 1;
        }
    }
    checked
}

#[test]
fn lookups_in_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    assert!(check_files(&root) > 300);
}

#[test]
fn lookups_in_corpus() {
    let Some(root) = std::env::var_os("DHLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("skipped: set DHLINT_CORPUS to the corpus folder to run the corpus tests");
        return;
    };
    assert!(check_files(&root) > 200);
}
