//! Fixes as minimal text edits, and applying them without losing anything the user wrote.
//!
//! A [`Fix`] is a list of [`Edit`]s (a byte range and its replacement) attached to a finding,
//! with an [`Applicability`]. Safe fixes only add hardening and are applied by `--fix`. Unsafe
//! ones change what the user wrote or may break a working service, so they need
//! `--unsafe-fixes`.
//! Edits never re-serialize the file, so comments, key order, quoting, anchors, line endings and
//! a byte-order mark stay as they were.

pub mod diff;
pub mod json;
pub mod verify;
pub mod write;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::discovery::FileKind;
use crate::lint::{LintOptions, lint_text_with};
use crate::source::Span;

/// When a fix may be applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Adds hardening and keeps everything the user wrote; applied by `--fix`.
    Safe,
    /// Rewrites what the user wrote or may break the service; applied with `--unsafe-fixes`.
    Unsafe,
}

/// Replacement of the bytes in `span` by `content`; an empty span inserts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The bytes to replace.
    #[serde(skip)]
    pub span: Span,
    /// The new text.
    pub content: String,
    /// Whether the edit deletes, on purpose, the YAML keys and items that lie wholly inside
    /// `span`. The fix check then accepts them as gone, and another fix's insertion at either
    /// end of `span` waits for the next pass.
    #[serde(skip)]
    pub removal: bool,
}

impl Edit {
    /// Inserts `content` at `offset`.
    pub fn insert(offset: usize, content: impl Into<String>) -> Self {
        Edit {
            span: Span::empty(offset),
            content: content.into(),
            removal: false,
        }
    }

    /// Replaces the bytes of `span` with `content`.
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Edit {
            span,
            content: content.into(),
            removal: false,
        }
    }

    /// Replaces the bytes of `span` with `content`, deleting the YAML keys and items that lie
    /// wholly inside `span`.
    pub fn removal(span: Span, content: impl Into<String>) -> Self {
        Edit {
            span,
            content: content.into(),
            removal: true,
        }
    }
}

/// A set of edits that resolves one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Whether `--fix` applies it without `--unsafe-fixes`.
    pub applicability: Applicability,
    /// What the fix does, starting with an imperative verb.
    pub title: String,
    /// The edits, in any order; they never overlap each other.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A safe fix made of one edit.
    pub fn safe(title: impl Into<String>, edit: Edit) -> Self {
        Fix {
            applicability: Applicability::Safe,
            title: title.into(),
            edits: vec![edit],
        }
    }

    /// An unsafe fix made of one edit.
    pub fn unsafe_edit(title: impl Into<String>, edit: Edit) -> Self {
        Fix {
            applicability: Applicability::Unsafe,
            title: title.into(),
            edits: vec![edit],
        }
    }
}

/// Applies the edits of `fixes` to `text`, skipping any fix whose edits conflict with an
/// earlier one, and returns the new text, the applied edits and the number of fixes applied.
///
/// Fixes are taken in order of their first edit, so the result does not depend on the order
/// in which rules ran.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<Edit>, usize) {
    let mut ordered: Vec<&Fix> = fixes.to_vec();
    ordered.sort_by_key(|fix| fix.edits.iter().map(|e| e.span.start).min().unwrap_or(0));

    // Replacements accepted so far, by start offset, for overlap checks in O(log n).
    let mut replaced: BTreeMap<usize, usize> = BTreeMap::new();
    let mut removals: BTreeMap<usize, usize> = BTreeMap::new();
    let mut insertions: BTreeSet<usize> = BTreeSet::new();
    let mut accepted: Vec<Edit> = Vec::new();
    let mut applied = 0;
    for fix in ordered {
        let usable = fix.edits.iter().all(|e| {
            e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
                && !conflicts(&replaced, &insertions, e.span)
                && !touches_removal(&removals, &insertions, e)
        });
        if !usable {
            continue;
        }
        for edit in &fix.edits {
            if edit.span.is_empty() {
                insertions.insert(edit.span.start);
            } else {
                replaced.insert(edit.span.start, edit.span.end);
            }
            if edit.removal {
                removals.insert(edit.span.start, edit.span.end);
            }
        }
        accepted.extend(fix.edits.iter().cloned());
        applied += 1;
    }

    // Insertions at one offset keep the order of their fixes, except that content for a
    // deeper collection goes first. An item for a sequence that ends at that offset must come
    // before a key of the enclosing mapping, or YAML would read the item as part of that key's
    // value; with flush sequences (`key:` then `- item` at the same indentation) the item is not
    // indented deeper, so items also go before keys of the same indentation.
    accepted.sort_by_key(|e| {
        let content = e.content.trim_start_matches(['\r', '\n']);
        let indent = content.len() - content.trim_start_matches(' ').len();
        let is_key = !content.trim_start().starts_with("- ");
        (e.span.start, e.span.end, std::cmp::Reverse(indent), is_key)
    });
    let mut out = String::with_capacity(text.len() + 256);
    let mut cursor = 0;
    for edit in &accepted {
        out.push_str(&text[cursor..edit.span.start]);
        out.push_str(&edit.content);
        cursor = edit.span.end;
    }
    out.push_str(&text[cursor..]);
    (out, accepted, applied)
}

/// Whether an edit of `span` touches bytes that an accepted edit replaces, or replaces bytes
/// around an accepted insertion. Insertions at the same offset do not conflict.
fn conflicts(replaced: &BTreeMap<usize, usize>, insertions: &BTreeSet<usize>, span: Span) -> bool {
    // The replacement starting at or before `span.start` with the latest start, and any that
    // starts inside `span`.
    let before = replaced.range(..=span.start).next_back();
    if let Some((&start, &end)) = before {
        let overlaps = if span.is_empty() {
            start < span.start && span.start < end
        } else {
            span.start < end
        };
        if overlaps {
            return true;
        }
    }
    if span.is_empty() {
        return false;
    }
    replaced.range(span.start + 1..span.end).next().is_some()
        || insertions.range(span.start + 1..span.end).next().is_some()
}

/// Returns whether `edit` is an insertion at either end of, or inside, an accepted removal, or a
/// removal with an accepted insertion at either end or inside. Text inserted next to a removed
/// item could end up in a collection that changed shape (a list left empty, for example), so
/// such an insertion waits for the next pass, which works on the new shape.
fn touches_removal(
    removals: &BTreeMap<usize, usize>,
    insertions: &BTreeSet<usize>,
    edit: &Edit,
) -> bool {
    let span = edit.span;
    if span.is_empty() {
        // Accepted removals never overlap, so only the last one starting at or before the
        // insertion can reach it.
        return removals
            .range(..=span.start)
            .next_back()
            .is_some_and(|(_, &end)| end >= span.start);
    }
    edit.removal && insertions.range(span.start..=span.end).next().is_some()
}

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    /// Safe fixes only.
    Safe,
    /// Safe and unsafe fixes.
    Unsafe,
}

impl FixMode {
    /// Whether a fix of `applicability` is applied in this mode.
    pub fn allows(self, applicability: Applicability) -> bool {
        self == FixMode::Unsafe || applicability == Applicability::Safe
    }
}

/// The result of fixing one text.
#[derive(Debug)]
pub struct FixedText {
    /// The text after every applicable fix.
    pub text: String,
    /// Number of findings fixed.
    pub fixed: usize,
    /// The findings that remain in the fixed text.
    pub remaining: Vec<Diagnostic>,
}

/// Passes after which fixing stops even if fixes remain. Each pass fixes every finding whose
/// edits do not conflict, so real files converge in two or three.
const MAX_PASSES: usize = 8;

/// Fixes `text` as a file of `kind`: lints, applies the fixes `mode` allows, checks that the
/// result still parses and keeps everything the original had, and repeats until no fix is left.
///
/// Returns an error message, and no text, when a fixed text fails that check.
pub fn fix_text(
    kind: FileKind,
    text: &str,
    mode: FixMode,
    options: &LintOptions,
) -> Result<FixedText, String> {
    fix_linted_text(
        kind,
        text,
        lint_text_with(kind, text, options),
        mode,
        options,
    )
}

/// Like [`fix_text`], for a text whose findings with `options` are already known, which saves
/// linting it again.
pub fn fix_linted_text(
    kind: FileKind,
    text: &str,
    diagnostics: Vec<Diagnostic>,
    mode: FixMode,
    options: &LintOptions,
) -> Result<FixedText, String> {
    let lint_text = |text: &str| lint_text_with(kind, text, options);
    let mut current = text.to_owned();
    let mut fixed = 0;
    let mut diagnostics = diagnostics;
    // A file that does not parse gets no fix: edits are only made on a tree that was read.
    if diagnostics.iter().any(|d| d.unreadable) {
        return Ok(FixedText {
            text: current,
            fixed: 0,
            remaining: diagnostics,
        });
    }
    for _ in 0..MAX_PASSES {
        // Sorted by rule code, so keys inserted at the same place always come in code order.
        let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
        sorted.sort_by_key(|d| d.rule.code);
        let fixes: Vec<&Fix> = sorted
            .into_iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|fix| mode.allows(fix.applicability))
            .collect();
        if fixes.is_empty() {
            break;
        }
        let (next, edits, applied) = apply(&current, &fixes);
        if applied == 0 || next == current {
            break;
        }
        verify::check(kind, &current, &next, &edits)?;
        let next_diagnostics = lint_text(&next);
        // A fix that was applied must resolve its finding; one that is still reported means
        // the edit landed somewhere other than intended.
        let applied_edits: HashSet<(usize, usize, &str)> = edits
            .iter()
            .map(|e| (e.span.start, e.span.end, e.content.as_str()))
            .collect();
        // Findings are compared by rule and message, which name the service and key but not the
        // position. The same message can appear several times, so compare counts: after the pass,
        // each message must be reported fewer times than before by at least its fixed findings.
        let mut before: HashMap<(&str, &str), usize> = HashMap::new();
        let mut resolved: HashMap<(&str, &str), usize> = HashMap::new();
        for diagnostic in &diagnostics {
            let key = (diagnostic.rule.code, diagnostic.message.as_str());
            *before.entry(key).or_default() += 1;
            let was_fixed = diagnostic.fix.as_ref().is_some_and(|fix| {
                mode.allows(fix.applicability)
                    && fix.edits.iter().all(|e| {
                        applied_edits.contains(&(e.span.start, e.span.end, e.content.as_str()))
                    })
            });
            if was_fixed {
                *resolved.entry(key).or_default() += 1;
            }
        }
        let mut after: HashMap<(&str, &str), usize> = HashMap::new();
        for diagnostic in &next_diagnostics {
            *after
                .entry((diagnostic.rule.code, diagnostic.message.as_str()))
                .or_default() += 1;
        }
        for (key, fixed_count) in &resolved {
            let remaining = after.get(key).copied().unwrap_or(0);
            if remaining + fixed_count > before[key] {
                return Err(format!(
                    "the fix for {} did not resolve \"{}\"",
                    key.0, key.1
                ));
            }
        }
        current = next;
        fixed += applied;
        diagnostics = next_diagnostics;
    }
    Ok(FixedText {
        text: current,
        fixed,
        remaining: diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_at_one_offset_keep_their_order() {
        let a = Fix::safe("a", Edit::insert(1, "A"));
        let b = Fix::safe("b", Edit::insert(1, "B"));
        let (out, _, applied) = apply("xy", &[&a, &b]);
        assert_eq!(out, "xABy");
        assert_eq!(applied, 2);
    }

    #[test]
    fn conflicting_fix_is_skipped() {
        let a = Fix::safe("a", Edit::replace(Span::new(0, 3), "ABC"));
        let b = Fix::safe("b", Edit::replace(Span::new(2, 4), "Z"));
        let c = Fix::safe("c", Edit::insert(1, "!"));
        let (out, _, applied) = apply("abcd", &[&a, &b, &c]);
        assert_eq!(out, "ABCd");
        assert_eq!(applied, 1);
    }

    #[test]
    fn insertion_at_replacement_boundary_is_allowed() {
        let a = Fix::safe("a", Edit::replace(Span::new(0, 2), "AB"));
        let b = Fix::safe("b", Edit::insert(2, "-"));
        let (out, _, applied) = apply("abc", &[&a, &b]);
        assert_eq!(out, "AB-c");
        assert_eq!(applied, 2);
    }

    #[test]
    fn insertion_at_removal_end_waits() {
        let removal = Fix::safe("a", Edit::removal(Span::new(0, 2), ""));
        let insertion = Fix::safe("b", Edit::insert(2, "!"));
        let (out, _, applied) = apply("abc", &[&removal, &insertion]);
        assert_eq!(out, "c");
        assert_eq!(applied, 1);
        // An insertion taken first makes a removal that touches it wait instead.
        let at_start = Fix::safe("c", Edit::insert(0, "!"));
        let (out, _, applied) = apply("abc", &[&at_start, &removal]);
        assert_eq!(out, "!abc");
        assert_eq!(applied, 1);
    }

    #[test]
    fn edit_inside_a_character_is_rejected() {
        let a = Fix::safe("a", Edit::insert(1, "x"));
        let (out, _, applied) = apply("é", &[&a]);
        assert_eq!(out, "é");
        assert_eq!(applied, 0);
    }
}
