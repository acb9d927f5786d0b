//! Parses arbitrary text as YAML and compares the tree with slower ways to get the same
//! results: the comments it finds from scalar spans must be the parser's own comment events, and
//! looking a key up in a mapping's list of keys after merge keys must give what `Tree::get`
//! gives.
#![no_main]

use dhlint::yaml::{NodeKind, Tree};
use libfuzzer_sys::fuzz_target;

/// The maximum number of key names looked up per mapping, so that a large input stays fast to
/// check.
const MAX_NAMES: usize = 64;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(tree) = Tree::parse(text) else { return };

    let mut parser_comments = Vec::new();
    for item in granit_parser::Parser::new_from_str(text) {
        let Ok((event, span)) = item else { return };
        if let granit_parser::Event::Comment(..) = event {
            let (Some(start), Some(end)) = (span.start.byte_offset(), span.end.byte_offset()) else {
                return;
            };
            parser_comments.push((start, end));
        }
    }
    let tree_comments: Vec<(usize, usize)> =
        tree.comments.iter().map(|c| (c.span.start, c.span.end)).collect();
    assert_eq!(tree_comments, parser_comments, "comments differ");

    let mut names: Vec<&str> = vec!["<<", "missing"];
    for id in 0..tree.len() {
        if let NodeKind::Scalar { value, .. } = &tree.node(id).kind {
            if names.len() < MAX_NAMES && !names.contains(&value.as_str()) {
                names.push(value);
            }
        }
    }
    for map in (0..tree.len()).filter(|&id| tree.is_mapping(id)) {
        let keys = tree.effective_keys(map);
        for name in &names {
            let listed = keys.iter().find(|(key, _)| key == name).map(|(_, e)| *e);
            let found = tree.get(map, name);
            let parts = |e: Option<dhlint::yaml::Entry>| {
                e.map(|e| (e.key, e.value, e.value_written, e.merged_from))
            };
            assert_eq!(parts(listed), parts(found), "lookup of `{name}` differs");
        }
    }
});
