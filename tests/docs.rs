//! The rule pages in `lints/` and the rule registry agree: every rule has a page with the
//! required sections, every page has a rule, and each page's examples behave as documented.
//! Examples run with their rule selected and with the `toml` block of the Options section, so
//! rules that are off by default or need configuration are checked too.

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::sync::Arc;

use dhlint::config::{ConfigFile, Overrides, Settings};
use dhlint::discovery::FileKind;
use dhlint::lint::{LintOptions, lint_text_with};
use dhlint::rules::{RULES, RuleMeta};

const SECTIONS: &[&str] = &[
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix",
    "Exceptions",
    "Known problems",
    "Options",
    "References",
];

/// The body of the `## name` section, up to the next `## ` heading.
fn section<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let heading = format!("\n## {name}\n");
    let start = doc.find(&heading)? + heading.len();
    let end = doc[start..].find("\n## ").map_or(doc.len(), |i| start + i);
    Some(&doc[start..end])
}

/// The language tag and content of the only fenced code block in `body`.
fn code_block(body: &str) -> (String, String) {
    let blocks: Vec<&str> = body.split("```").collect();
    assert_eq!(
        blocks.len(),
        3,
        "expected exactly one code block in:\n{body}"
    );
    let (language, code) = blocks[1].split_once('\n').expect("a language tag line");
    (language.trim().to_owned(), code.to_owned())
}

/// Builds the settings for a rule's examples from the `toml` block of the page's Options
/// section (or the defaults), with the rule selected even when it is off by default.
fn example_settings(rule: &RuleMeta) -> Arc<Settings> {
    let options = section(rule.doc, "Options").unwrap_or("");
    let file: ConfigFile = match options.split("```toml\n").nth(1) {
        Some(rest) => {
            let block = rest.split("```").next().unwrap();
            toml::from_str(block).unwrap_or_else(|e| panic!("{}: Options block: {e}", rule.code))
        }
        None => ConfigFile::default(),
    };
    let mut settings =
        Settings::resolve(&file, None, Path::new("."), &Overrides::default()).unwrap();
    settings.selected.insert(rule.code);
    Arc::new(settings)
}

fn codes_found(rule: &RuleMeta, language: &str, code: &str) -> Vec<&'static str> {
    let kind = match language {
        "yaml" => FileKind::Compose,
        "dockerfile" => FileKind::Dockerfile,
        "json" => FileKind::Daemon,
        other => panic!("unknown code block language `{other}`"),
    };
    let options = LintOptions {
        settings: example_settings(rule),
        ..LintOptions::default()
    };
    lint_text_with(kind, code, &options)
        .iter()
        .map(|d| d.rule.code)
        .collect()
}

#[test]
fn every_rule_has_a_page_and_every_page_a_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lints");
    let pages: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = RULES.iter().map(|r| format!("{}.md", r.code)).collect();
    assert_eq!(pages, expected);
}

#[test]
fn pages_have_the_sections_in_order() {
    for rule in RULES {
        let mut last = 0;
        for name in SECTIONS {
            let heading = format!("\n## {name}\n");
            let position = rule.doc.find(&heading);
            assert!(
                position.is_some(),
                "{} has no `## {name}` section",
                rule.code
            );
            let position = position.unwrap();
            assert!(
                position > last,
                "{}: `## {name}` is out of order",
                rule.code
            );
            last = position;
            let body = section(rule.doc, name).unwrap();
            assert!(
                !body.trim().is_empty(),
                "{}: `## {name}` is empty",
                rule.code
            );
        }
    }
}

#[test]
fn example_triggers_the_rule() {
    for rule in RULES {
        let (language, code) = code_block(section(rule.doc, "Example").unwrap());
        let found = codes_found(rule, &language, &code);
        assert!(
            found.contains(&rule.code),
            "{} Example gives {found:?}",
            rule.code
        );
    }
}

#[test]
fn use_instead_does_not_trigger_the_rule() {
    for rule in RULES {
        let (language, code) = code_block(section(rule.doc, "Use instead").unwrap());
        let found = codes_found(rule, &language, &code);
        assert!(
            !found.contains(&rule.code),
            "{} Use instead gives {found:?}",
            rule.code
        );
        assert!(
            !found.contains(&"DH001"),
            "{} Use instead does not parse",
            rule.code
        );
    }
}
