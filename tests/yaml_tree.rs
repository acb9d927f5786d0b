//! Checks of the YAML tree against slower ways to get the same results, on inputs written here,
//! on every YAML fixture, and on the corpus when `DHLINT_CORPUS` names it:
//!
//! - the tree finds comments from the scalars' spans instead of asking the parser for them, and
//!   must find exactly the comments the parser reports;
//! - rules look keys up in a list of a mapping's keys after merge keys (`Tree::effective_keys`)
//!   instead of through the merge keys each time (`Tree::get`), and both must give the same
//!   entry for every key of every mapping.

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use dhlint::yaml::{Entry, NodeKind, Tree};

/// Returns the comment spans that the parser itself reports, or `None` when the text does not
/// parse.
fn parser_comments(text: &str) -> Option<Vec<(usize, usize)>> {
    let mut spans = Vec::new();
    for item in granit_parser::Parser::new_from_str(text) {
        let (event, span) = item.ok()?;
        if let granit_parser::Event::Comment(..) = event {
            let start = span.start.byte_offset()?;
            let end = span.end.byte_offset()?;
            spans.push((start, end));
        }
    }
    Some(spans)
}

/// Checks that the tree finds the comments the parser reports; returns false when the text does
/// not parse.
fn check_comments(name: &str, text: &str) -> bool {
    let (Some(expected), Ok(tree)) = (parser_comments(text), Tree::parse(text)) else {
        return false;
    };
    let found: Vec<(usize, usize)> = tree
        .comments
        .iter()
        .map(|c| (c.span.start, c.span.end))
        .collect();
    assert_eq!(found, expected, "comments of {name}:\n{text}");
    true
}

#[test]
fn comments_of_tricky_inputs() {
    let cases = [
        "# first line\nkey: value # trailing\n",
        "key: 'quoted # not a comment' # comment\n",
        "key: \"double # not\"  #comment\n",
        "key: plain#not-a-comment\n",
        "key: |  # header comment\n  line # content\n  # content too\n# after the block\nnext: 1\n",
        "key: >-\n  folded # content\n\n# after\n",
        "list: [a, # inside a flow sequence\n  b]\n",
        "map: {a: 1, # inside a flow mapping\n  b: 2}\n",
        "--- # document start\na: 1\n... # document end\n--- #x\nb: 2\n",
        "a: &anchor#not value\nb: *anchor#not\n",
        "crlf: 1 # comment\r\nnext: 2\r\n",
        "\u{feff}# after a byte order mark\na: 1\n",
        "tab:\t# after a tab\n  b: 1\n",
        "multi: line\n  plain # ends the scalar\n",
        "key: \"multi\n  line # inside\" # outside\n",
        "? complex # key comment\n: value # value comment\n",
        "# only a comment",
        "## double hash\n#\n",
        "url: http://example.com/#fragment # comment\n",
        "tagged: !custom # after a tag\n  value\n",
        ">-  #",
        "k: |  # header\n",
        "k: |-  # header\n\n  \n",
        "- >  # header\n- |\n  # content\n",
        "a: |+ #x\r\r\rb: |+ #y\r\r\r\r",
        "a: |+  # kept line breaks\n\n\nb: 1\n",
    ];
    for (index, text) in cases.iter().enumerate() {
        assert!(
            check_comments(&format!("case {index}"), text),
            "case {index} parses"
        );
    }
}

fn parts(entry: Option<Entry>) -> Option<(usize, usize, usize, Option<usize>)> {
    entry.map(|e| (e.key, e.value, e.value_written, e.merged_from))
}

/// Compares both lookups for every mapping and every scalar of the text; returns false when
/// the text does not parse.
fn check_lookups(name: &str, text: &str) -> bool {
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
        assert!(
            check_lookups(&format!("case {index}"), text),
            "case {index} parses"
        );
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

/// Runs both checks on every YAML file under `root`; returns how many files parsed.
fn check_files(root: &Path) -> usize {
    let mut files = Vec::new();
    yaml_files(root, &mut files);
    files.sort();
    let mut checked = 0;
    for path in files {
        let Ok(text) = String::from_utf8(fs::read(&path).unwrap()) else {
            continue;
        };
        let name = path.display().to_string();
        if check_comments(&name, &text) && check_lookups(&name, &text) {
            checked += 1;
        }
    }
    checked
}

#[test]
fn fixtures_match_slower_results() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    assert!(check_files(&root) > 300);
}

#[test]
fn corpus_matches_slower_results() {
    let Some(root) = std::env::var_os("DHLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("skipped: set DHLINT_CORPUS to the corpus folder to run the corpus tests");
        return;
    };
    assert!(check_files(&root) > 200);
}
