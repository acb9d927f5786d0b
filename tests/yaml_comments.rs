//! The YAML tree finds comments from the scalars' spans instead of asking the parser for them.
//! These tests check that it finds exactly the comments the parser reports, on tricky inputs
//! written here, on every YAML fixture, and on the corpus when `DHLINT_CORPUS` names it.

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};

use dhlint::yaml::Tree;

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

/// Checks one text; returns false when it does not parse.
fn check(name: &str, text: &str) -> bool {
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
fn comments_of_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    assert!(check_files(&root) > 300);
}

#[test]
fn comments_of_corpus() {
    let Some(root) = std::env::var_os("DHLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("skipped: set DHLINT_CORPUS to the corpus folder to run the corpus tests");
        return;
    };
    assert!(check_files(&root) > 200);
}
