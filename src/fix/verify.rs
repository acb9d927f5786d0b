//! The check that runs before a fixed text is written: the fixed text must parse, and
//! every key, value, item and anchor of the original must still be there, unchanged, except
//! the values an edit replaced on purpose.

use std::collections::{BTreeMap, BTreeSet};

use super::Edit;
use crate::discovery::FileKind;
use crate::source::Span;
use crate::yaml::{NodeId, NodeKind, Tree};

/// Checks that `after` (the result of applying `edits` to `before`) keeps `before`'s content.
pub fn check(kind: FileKind, before: &str, after: &str, edits: &[Edit]) -> Result<(), String> {
    match kind {
        FileKind::Compose => check_yaml(before, after, edits),
        FileKind::Dockerfile => check_dockerfile(before, after, edits),
        FileKind::Daemon => check_json(before, after, edits),
        FileKind::Env => Err("dhlint does not edit env files".into()),
    }
}

/// A fixed daemon configuration must be strict JSON and keep every key and value of the
/// original except those an edit replaced or removed; JSON is YAML flow syntax, so the YAML
/// comparison applies.
fn check_json(before: &str, after: &str, edits: &[Edit]) -> Result<(), String> {
    crate::daemon::DaemonFile::parse(after)
        .map_err(|e| format!("the fixed text is not valid JSON: {}", e.message))?;
    check_yaml(before, after, edits)
}

/// A leaf of a YAML tree: a scalar or an alias, addressed by its path of keys and indices.
#[derive(Debug)]
struct Leaf {
    value: String,
    span: Span,
}

fn check_yaml(before: &str, after: &str, edits: &[Edit]) -> Result<(), String> {
    let old =
        Tree::parse_shared(before).map_err(|e| format!("the original no longer parses: {e}"))?;
    let new =
        Tree::parse_shared(after).map_err(|e| format!("the fixed text is not valid YAML: {e}"))?;
    // Keys and items inside a declared removal are left out of the original's leaves, and the
    // items after a removed one are numbered as in the fixed text.
    let removed: Vec<Span> = edits.iter().filter(|e| e.removal).map(|e| e.span).collect();
    let (old_leaves, old_anchors) = flatten(&old, before, &removed);
    let (new_leaves, new_anchors) = flatten(&new, after, &[]);
    // Replaced ranges sorted by start, so each leaf's check is a binary search.
    let mut replaced_spans: Vec<Span> = edits
        .iter()
        .map(|e| e.span)
        .filter(|span| !span.is_empty())
        .collect();
    replaced_spans.sort();
    for (path, leaf) in &old_leaves {
        // A value an edit replaced may change; everything else must stay as it was. An empty
        // value (`key:`) is replaced through the colon right at its position.
        let leaf_end = leaf.span.end.max(leaf.span.start + 1);
        let first_after = replaced_spans.partition_point(|span| span.start < leaf_end);
        // Applied edits never overlap, so only the last span starting before the leaf's end
        // can reach into it.
        let replaced = replaced_spans[..first_after]
            .last()
            .is_some_and(|span| span.end > leaf.span.start);
        if replaced {
            // The edit replaced this value, possibly with a list or mapping (`cap_drop:` to
            // `cap_drop: [ALL]`); the key itself is still checked through its parent's leaves.
            continue;
        }
        match new_leaves.get(path) {
            Some(new_leaf) if new_leaf.value == leaf.value => {}
            Some(_) => return Err(format!("the fix would change the value at `{path}`")),
            // A scalar that became a collection (`null` to `{...}`) is a changed value.
            None if has_children(&new_leaves, path) => {
                return Err(format!("the fix would change the value at `{path}`"));
            }
            None => return Err(format!("the fix would remove `{path}`")),
        }
    }
    if let Some(missing) = old_anchors.difference(&new_anchors).next() {
        return Err(format!("the fix would remove the anchor `&{missing}`"));
    }
    // Compose rejects duplicate keys, so a fix must not add one (two fixes inserting the same
    // key into one mapping, for example).
    if duplicate_count(&new) > duplicate_count(&old) {
        return Err("the fix would write a key twice in one mapping".into());
    }
    Ok(())
}

/// Returns whether `leaves` has a leaf under `path`, such as `path.key` or `path[0]`.
fn has_children(leaves: &BTreeMap<String, Leaf>, path: &str) -> bool {
    leaves
        .range(path.to_owned()..)
        .take_while(|(other, _)| other.starts_with(path))
        .any(|(other, _)| other[path.len()..].starts_with(['.', '[']))
}

/// Number of repeated keys across all mappings written in the file.
fn duplicate_count(tree: &Tree) -> usize {
    (0..tree.len())
        .filter(|&id| tree.resolve(id) == id)
        .map(|id| tree.duplicate_keys(id).len())
        .sum()
}

/// Lists every leaf of every document with its path, and the names of all anchors, leaving out
/// mapping entries and sequence items that lie wholly inside a span of `removed`.
fn flatten(
    tree: &Tree,
    text: &str,
    removed: &[Span],
) -> (BTreeMap<String, Leaf>, BTreeSet<String>) {
    let is_removed = |span: Span| {
        removed
            .iter()
            .any(|r| r.start <= span.start && span.end <= r.end)
    };
    let mut leaves = BTreeMap::new();
    let mut anchors = BTreeSet::new();
    let mut stack: Vec<(NodeId, String)> = tree
        .documents
        .iter()
        .enumerate()
        .map(|(i, &root)| (root, format!("[doc {i}]")))
        .collect();
    while let Some((id, path)) = stack.pop() {
        let node = tree.node(id);
        if let Some(anchor) = node.anchor {
            anchors.insert(text.get(anchor.start..anchor.end).unwrap_or("").to_owned());
        }
        match &node.kind {
            NodeKind::Scalar { value, .. } => {
                leaves.insert(
                    path,
                    Leaf {
                        value: value.clone(),
                        span: node.span,
                    },
                );
            }
            NodeKind::Alias { .. } => {
                let written = text.get(node.span.start..node.span.end).unwrap_or("");
                leaves.insert(
                    path,
                    Leaf {
                        value: written.to_owned(),
                        span: node.span,
                    },
                );
            }
            NodeKind::Mapping { entries, .. } => {
                for (index, &(key, value)) in entries.iter().enumerate() {
                    if is_removed(tree.node(key).span.cover(tree.node(value).span)) {
                        continue;
                    }
                    // Keys are unique in valid Compose files; the index keeps merge keys apart.
                    let name = tree
                        .scalar(key)
                        .map_or_else(|| format!("#{index}"), str::to_owned);
                    let name = if name == crate::yaml::MERGE_KEY {
                        format!("<<#{index}")
                    } else {
                        name
                    };
                    stack.push((value, format!("{path}.{name}")));
                }
            }
            NodeKind::Sequence { items, .. } => {
                let kept_items = items
                    .iter()
                    .filter(|&&item| !is_removed(tree.node(item).span));
                for (index, &item) in kept_items.enumerate() {
                    stack.push((item, format!("{path}[{index}]")));
                }
            }
        }
    }
    (leaves, anchors)
}

/// Checks that every instruction of the original is still in the fixed Dockerfile, in order.
/// Fixes add instructions, and may rewrite an instruction only through the edits inside it (such
/// as `ADD` to `COPY`). Such an instruction must be found with exactly those edits applied.
fn check_dockerfile(before: &str, after: &str, edits: &[Edit]) -> Result<(), String> {
    let old = crate::dockerfile::parse(before)
        .map_err(|e| format!("the original no longer parses: {e}"))?;
    let new = crate::dockerfile::parse(after)
        .map_err(|e| format!("the fixed text is not a valid Dockerfile: {e}"))?;
    let text_of = |text: &str, span: Span| text.get(span.start..span.end).unwrap_or("").to_owned();
    let mut remaining = new.instructions.iter().map(|i| text_of(after, i.span));
    for instruction in &old.instructions {
        let expected = with_edits(before, instruction.span, edits);
        if !remaining.any(|found| found == expected) {
            let original = text_of(before, instruction.span);
            let first_line = original.lines().next().unwrap_or("");
            return Err(if expected == original {
                format!("the fix would remove or change `{first_line}`")
            } else {
                format!("the fix would change `{first_line}` in a way its edits do not explain")
            });
        }
    }
    Ok(())
}

/// Returns `text[span]` with the replacements that lie inside `span` applied.
fn with_edits(text: &str, span: Span, edits: &[Edit]) -> String {
    let mut inside: Vec<&Edit> = edits
        .iter()
        .filter(|e| !e.span.is_empty() && span.start <= e.span.start && e.span.end <= span.end)
        .collect();
    inside.sort_by_key(|e| e.span.start);
    let mut out = String::new();
    let mut cursor = span.start;
    for edit in inside {
        out.push_str(text.get(cursor..edit.span.start).unwrap_or(""));
        out.push_str(&edit.content);
        cursor = edit.span.end;
    }
    out.push_str(text.get(cursor..span.end).unwrap_or(""));
    out
}
