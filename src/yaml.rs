//! A YAML node tree with exact byte spans, built from `granit-parser` events.
//!
//! The tree keeps what a linter and a text-edit fixer need: the span of every key and value,
//! block or flow style, anchors, tags, and comments. Aliases stay references to their anchored
//! node and are never expanded, so an alias bomb costs time and memory linear in the input.
//! Lookups through merge keys (`<<: *base`, `<<: [*a, *b]`) follow YAML's merge semantics: keys
//! written in the mapping win over merged ones whatever their order, the merge is shallow, and in
//! a list of sources the earlier source wins. Every lookup keeps a visited set, so merge cycles and
//! exponentially shared merges stay linear too.
//!
//! This module is the only one that talks to `granit-parser`, so the parser can be swapped.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

use crate::source::Span;

/// Index of a node in a [`Tree`].
pub type NodeId = usize;

/// The quoting style of a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// A plain scalar, which YAML resolves to null, bool, number or string.
    Plain,
    /// `'...'`
    Single,
    /// `"..."`
    Double,
    /// `|` or `>` block scalar.
    Block,
}

/// The content of a node.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A scalar with its value after escape processing.
    Scalar {
        /// Value after YAML escape processing and folding.
        value: String,
        /// The quoting style.
        quoting: Quoting,
    },
    /// A mapping, with its entries in source order (merge keys included).
    Mapping {
        /// `(key, value)` node pairs.
        entries: Vec<(NodeId, NodeId)>,
        /// Whether it was written `{...}`.
        flow: bool,
    },
    /// A sequence, with its items in source order.
    Sequence {
        /// Item nodes.
        items: Vec<NodeId>,
        /// Whether it was written `[...]`.
        flow: bool,
    },
    /// An alias `*name` referring to the node that carries the anchor.
    Alias {
        /// The anchored node.
        target: NodeId,
    },
}

/// One node with its source span.
#[derive(Clone, Debug)]
pub struct Node {
    /// The node's content.
    pub kind: NodeKind,
    /// The node's bytes: a scalar's text (quotes included), a flow collection's brackets and
    /// content, a block collection's first to last content byte, or an alias's `*name`.
    pub span: Span,
    /// The `&name` token that anchors this node, if any.
    pub anchor: Option<Span>,
    /// The tag as written (`!reset`, `!!str`), if any.
    pub tag: Option<String>,
    /// The tag token's bytes, if any.
    pub tag_span: Option<Span>,
    /// The collection that contains this node; `None` for a document root.
    pub parent: Option<NodeId>,
}

/// A comment: its span, from the `#` to the end of its line, line break excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The whole comment.
    pub span: Span,
}

/// A key found in a mapping, possibly through a merge key.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The key node.
    pub key: NodeId,
    /// The value node, with aliases resolved.
    pub value: NodeId,
    /// The value node as written (an alias node when the value is `*name`).
    pub value_written: NodeId,
    /// When the key comes from a merge key: the `<<` source node at the merge site in the
    /// mapping that was looked up (an alias such as `*base`, or an inline mapping).
    pub merged_from: Option<NodeId>,
}

/// A parsed YAML stream: one root node per document.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    nodes: Vec<Node>,
    /// Root node of every document, in order.
    pub documents: Vec<NodeId>,
    /// Every comment in the file, in order.
    pub comments: Vec<Comment>,
    /// Anchored nodes that at least one alias refers to.
    aliased: HashSet<NodeId>,
}

/// A YAML syntax error with its position.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// The parser's message.
    pub message: String,
    /// The position where the parser stopped.
    pub span: Span,
}

/// The mappings a lookup through merge keys has visited.
///
/// Most lookups visit a few mappings, which a list stores more cheaply than a hash set. A lookup
/// that visits many, such as one through a merge bomb, moves to a hash set so that it stays
/// linear.
#[derive(Default)]
struct Visited {
    few: Vec<NodeId>,
    many: HashSet<NodeId>,
}

impl Visited {
    /// The number of mappings kept in the list before moving to the hash set.
    const FEW: usize = 16;

    /// Adds `map`; returns false when it was visited already.
    fn insert(&mut self, map: NodeId) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&map) {
                return false;
            }
            if self.few.len() < Self::FEW {
                self.few.push(map);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(map)
    }
}

/// Returns the position of the first `#` at or after `from`.
fn memchr_hash(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'#', bytes.get(from..)?).map(|i| from + i)
}

/// The key of YAML's merge feature.
pub const MERGE_KEY: &str = "<<";

/// A frame of the tree builder's stack: a collection whose children are still arriving.
struct Open {
    node: NodeId,
    /// A mapping key waiting for its value.
    pending_key: Option<NodeId>,
}

/// Parsed texts with their trees, oldest first.
type Remembered = Vec<(String, Rc<Tree>)>;

thread_local! {
    /// The trees parsed on this thread while a [`RememberTrees`] guard lives.
    static REMEMBERED: RefCell<Option<Remembered>> = const { RefCell::new(None) };
}

/// How many trees a thread remembers: the text being fixed, its fixed version, and a few
/// other files of its project.
const REMEMBERED_TREES: usize = 4;

/// While this guard lives, the current thread remembers the last few trees it parsed, and
/// parsing the same text again returns a copy of the remembered tree.
///
/// Fixing a file parses each text up to four times: to lint it, to check the original and
/// the fixed text, and to lint the fixed text. Remembering the trees halves that.
pub struct RememberTrees(());

impl RememberTrees {
    /// Starts remembering trees on the current thread.
    pub fn start() -> RememberTrees {
        REMEMBERED.with(|remembered| *remembered.borrow_mut() = Some(Vec::new()));
        RememberTrees(())
    }
}

impl Drop for RememberTrees {
    fn drop(&mut self) {
        REMEMBERED.with(|remembered| *remembered.borrow_mut() = None);
    }
}

/// Returns the remembered tree of `text`, if any.
fn remembered(text: &str) -> Option<Rc<Tree>> {
    REMEMBERED.with(|remembered| {
        let remembered = remembered.borrow();
        let trees = remembered.as_ref()?;
        trees
            .iter()
            .find(|(known, _)| known == text)
            .map(|(_, tree)| tree.clone())
    })
}

/// Returns whether trees are remembered on this thread.
fn remembering() -> bool {
    REMEMBERED.with(|remembered| remembered.borrow().is_some())
}

/// Remembers the tree of `text`, forgetting the oldest when there are too many.
fn remember(text: &str, tree: Rc<Tree>) {
    REMEMBERED.with(|remembered| {
        if let Some(trees) = remembered.borrow_mut().as_mut() {
            if trees.len() == REMEMBERED_TREES {
                trees.remove(0);
            }
            trees.push((text.to_owned(), tree));
        }
    });
}

impl Tree {
    /// Parses `text` (a BOM at the start is allowed) into a tree.
    pub fn parse(text: &str) -> Result<Tree, SyntaxError> {
        if let Some(tree) = remembered(text) {
            return Ok((*tree).clone());
        }
        let tree = Tree::parse_text(text)?;
        if remembering() {
            remember(text, Rc::new(tree.clone()));
        }
        Ok(tree)
    }

    /// Parses `text` like [`Tree::parse`], sharing the remembered tree instead of copying it.
    pub fn parse_shared(text: &str) -> Result<Rc<Tree>, SyntaxError> {
        if let Some(tree) = remembered(text) {
            return Ok(tree);
        }
        let tree = Rc::new(Tree::parse_text(text)?);
        remember(text, tree.clone());
        Ok(tree)
    }

    fn parse_text(text: &str) -> Result<Tree, SyntaxError> {
        // Comments are found afterwards from the scalars' spans, which costs less than having
        // the parser report them.
        let options = granit_parser::options! { emit_anchor_events: true, emit_comments: false };
        let mut tree = Tree::default();
        // About one node per 12 bytes in typical Compose files; the cap keeps a large file from
        // reserving much more memory than it needs.
        tree.nodes.reserve((text.len() / 12).min(4096));
        let mut stack: Vec<Open> = Vec::new();
        let mut anchors: HashMap<usize, NodeId> = HashMap::new();
        let mut last_node: Option<NodeId> = None;

        for item in Parser::new_from_str_with_options(text, options) {
            let (event, span) = item.map_err(|error| {
                let offset = error.marker().byte_offset().unwrap_or(text.len());
                SyntaxError {
                    message: error.kind().to_string(),
                    span: Span::empty(offset.min(text.len())),
                }
            })?;
            let start = span.start.byte_offset().unwrap_or(0);
            let end = span.end.byte_offset().unwrap_or(start);
            let span_bytes = Span::new(start, end);
            let tag_span = span
                .tag_span()
                .and_then(|t| t.byte_range())
                .map(|r| Span::new(r.start, r.end));
            let tag = tag_span
                .and_then(|t| text.get(t.start..t.end))
                .map(str::to_owned);
            let new_node = match event {
                Event::Anchor(id, _) => {
                    if let Some(node) = last_node {
                        tree.nodes[node].anchor = Some(span_bytes);
                        anchors.insert(id, node);
                    }
                    continue;
                }
                Event::Scalar(value, style, anchor, _) => {
                    let quoting = match style {
                        ScalarStyle::Plain => Quoting::Plain,
                        ScalarStyle::SingleQuoted => Quoting::Single,
                        ScalarStyle::DoubleQuoted => Quoting::Double,
                        _ => Quoting::Block,
                    };
                    // A block scalar's span runs to the next token. End it at its last content
                    // character, so that labels and edits stay on the scalar's own lines.
                    let span_bytes = if quoting == Quoting::Block {
                        let content = text.get(start..end).unwrap_or("").trim_end();
                        Span::new(start, start + content.len())
                    } else {
                        span_bytes
                    };
                    let id = tree.push(Node {
                        kind: NodeKind::Scalar {
                            value: value.into_owned(),
                            quoting,
                        },
                        span: span_bytes,
                        anchor: None,
                        tag,
                        tag_span,
                        parent: stack.last().map(|open| open.node),
                    });
                    if anchor != 0 {
                        anchors.insert(anchor, id);
                    }
                    id
                }
                Event::Alias(id) => {
                    // The parser only emits aliases whose anchor it has seen.
                    let Some(&target) = anchors.get(&id) else {
                        continue;
                    };
                    tree.aliased.insert(target);
                    tree.push(Node {
                        kind: NodeKind::Alias { target },
                        span: span_bytes,
                        anchor: None,
                        tag: None,
                        tag_span: None,
                        parent: stack.last().map(|open| open.node),
                    })
                }
                Event::MappingStart(style, anchor, _) | Event::SequenceStart(style, anchor, _) => {
                    let flow = style == StructureStyle::Flow;
                    let kind = if matches!(event, Event::MappingStart(..)) {
                        NodeKind::Mapping {
                            entries: Vec::new(),
                            flow,
                        }
                    } else {
                        NodeKind::Sequence {
                            items: Vec::new(),
                            flow,
                        }
                    };
                    let id = tree.push(Node {
                        kind,
                        span: span_bytes,
                        anchor: None,
                        tag,
                        tag_span,
                        parent: stack.last().map(|open| open.node),
                    });
                    if anchor != 0 {
                        anchors.insert(anchor, id);
                    }
                    tree.attach(&mut stack, id);
                    stack.push(Open {
                        node: id,
                        pending_key: None,
                    });
                    last_node = Some(id);
                    continue;
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(open) = stack.pop() {
                        let node = &mut tree.nodes[open.node];
                        let flow = matches!(
                            node.kind,
                            NodeKind::Mapping { flow: true, .. }
                                | NodeKind::Sequence { flow: true, .. }
                        );
                        // A flow collection ends at its closing bracket; a block collection ends
                        // at its last child, which the loop below sets when children arrive.
                        if flow {
                            node.span = Span::new(node.span.start, end);
                            let closed = node.span;
                            tree.grow(&stack, closed);
                        }
                        if stack.is_empty() {
                            tree.documents.push(open.node);
                        }
                    }
                    continue;
                }
                Event::DocumentStart(..) | Event::DocumentEnd => {
                    stack.clear();
                    continue;
                }
                Event::StreamStart | Event::StreamEnd => continue,
                _ => continue,
            };
            last_node = Some(new_node);
            if stack.is_empty() {
                tree.documents.push(new_node);
            } else {
                tree.attach(&mut stack, new_node);
            }
        }
        tree.comments = tree.find_comments(text);
        Ok(tree)
    }

    /// Finds the comments of a text that parsed into this tree.
    ///
    /// In YAML a `#` starts a comment when it begins a line or follows a blank, and is not
    /// inside a scalar: quoted scalars and block scalars contain their own `#`, and a plain
    /// scalar ends before ` #`. So every such `#` outside the scalars' spans is a comment, which
    /// runs to the end of its line. A block scalar's span starts at its content, so a comment
    /// on its header line (`key: |  # note`) lies outside it, unless the content is only line
    /// breaks.
    fn find_comments(&self, text: &str) -> Vec<Comment> {
        let bytes = text.as_bytes();
        let Some(first) = memchr_hash(bytes, 0) else {
            return Vec::new();
        };
        // Scalars arrive in text order, so their spans are sorted and do not overlap.
        let scalars: Vec<Span> = self
            .nodes
            .iter()
            .filter_map(|node| match &node.kind {
                // A block scalar whose content has no `#` cannot hide one, and its span may
                // start at its header (`key: |  # note` with no content but line breaks), so it
                // is left out.
                NodeKind::Scalar {
                    value,
                    quoting: Quoting::Block,
                } if !value.contains('#') => None,
                NodeKind::Scalar { .. } => Some(node.span),
                _ => None,
            })
            .collect();
        let mut comments = Vec::new();
        let mut next = Some(first);
        while let Some(hash) = next {
            let starts_comment = match text[..hash].chars().next_back() {
                None | Some(' ' | '\t' | '\n' | '\r' | '\u{feff}') => true,
                Some(_) => false,
            };
            let in_scalar = {
                let after = scalars.partition_point(|span| span.start <= hash);
                after > 0 && hash < scalars[after - 1].end
            };
            if starts_comment && !in_scalar {
                let end =
                    memchr::memchr2(b'\n', b'\r', &bytes[hash..]).map_or(text.len(), |i| hash + i);
                comments.push(Comment {
                    span: Span::new(hash, end),
                });
                next = memchr_hash(bytes, end);
            } else {
                next = memchr_hash(bytes, hash + 1);
            }
        }
        comments
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Adds `child` to the innermost open collection and extends block collections to cover it.
    fn attach(&mut self, stack: &mut [Open], child: NodeId) {
        let child_span = self.nodes[child].span;
        let depth = stack.len();
        let Some(open) = stack.last_mut() else { return };
        let parent = open.node;
        match &mut self.nodes[parent].kind {
            NodeKind::Mapping { entries, .. } => match open.pending_key.take() {
                Some(key) => entries.push((key, child)),
                None => open.pending_key = Some(child),
            },
            NodeKind::Sequence { items, .. } => items.push(child),
            _ => {}
        }
        self.grow(&stack[..depth], child_span);
    }

    /// Extends the innermost block collections on `stack` so they end at `child_span`'s end.
    /// Flow collections get their final span from the closing bracket instead.
    fn grow(&mut self, stack: &[Open], child_span: Span) {
        for frame in stack.iter().rev() {
            let node = &mut self.nodes[frame.node];
            let is_flow = matches!(
                node.kind,
                NodeKind::Mapping { flow: true, .. } | NodeKind::Sequence { flow: true, .. }
            );
            if is_flow {
                break;
            }
            if node.span.is_empty() && node.span.start > child_span.start {
                node.span.start = child_span.start;
            }
            if child_span.end > node.span.end {
                node.span.end = child_span.end;
            } else {
                break;
            }
        }
    }

    /// The node with id `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// Returns the anchored node, `node` itself or one of the collections around it, that an
    /// alias refers to. Editing text inside it would change every place that uses the alias.
    pub fn shared_anchor(&self, node: NodeId) -> Option<NodeId> {
        let mut current = Some(node);
        while let Some(id) = current {
            if self.aliased.contains(&id) {
                return Some(id);
            }
            current = self.nodes[id].parent;
        }
        None
    }

    /// Follows an alias to the node it refers to; any other node is returned as is.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        match self.nodes[id].kind {
            NodeKind::Alias { target } => target,
            _ => id,
        }
    }

    /// The scalar value of `id` (aliases resolved), or `None` for a collection.
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Whether `id` is a null: `~`, `null` or nothing at all, written plain.
    pub fn is_null(&self, id: NodeId) -> bool {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Scalar {
                value,
                quoting: Quoting::Plain,
            } => {
                matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// The entries of a mapping as written (merge keys included, aliases not resolved), or an
    /// empty slice for any other node.
    pub fn entries(&self, id: NodeId) -> &[(NodeId, NodeId)] {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Mapping { entries, .. } => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (not resolved), or an empty slice for any other node.
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Sequence { items, .. } => items,
            _ => &[],
        }
    }

    /// Whether `id` (aliases resolved) is a mapping.
    pub fn is_mapping(&self, id: NodeId) -> bool {
        matches!(self.nodes[self.resolve(id)].kind, NodeKind::Mapping { .. })
    }

    /// Whether `id` (aliases resolved) is a sequence.
    pub fn is_sequence(&self, id: NodeId) -> bool {
        matches!(self.nodes[self.resolve(id)].kind, NodeKind::Sequence { .. })
    }

    /// Whether the key node `key` is the merge key `<<` (plain, untagged).
    pub fn is_merge_key(&self, key: NodeId) -> bool {
        let node = &self.nodes[key];
        matches!(&node.kind, NodeKind::Scalar { value, quoting: Quoting::Plain } if value == MERGE_KEY)
            && node.tag.is_none()
    }

    /// Looks `key` up in mapping `map` with merge-key semantics.
    ///
    /// A key written in `map` wins over merged ones. When it is written twice the last one wins,
    /// as most YAML loaders do, and the duplicate is reported separately. Merge sources are searched
    /// in order, depth first, and each mapping is visited at most once.
    pub fn get(&self, map: NodeId, key: &str) -> Option<Entry> {
        let map = self.resolve(map);
        // Most mappings have no merge key, so only their own keys need a look, without a record
        // of visited mappings.
        if !self.entries(map).iter().any(|&(k, _)| self.is_merge_key(k)) {
            return self.own_entry(map, key);
        }
        let mut visited = Visited::default();
        self.get_inner(map, key, &mut visited)
    }

    /// Returns the entry for `key` written in `map` itself, the last one when it is written twice.
    fn own_entry(&self, map: NodeId, key: &str) -> Option<Entry> {
        let (k, v) = *self.entries(map).iter().rev().find(|(k, _)| {
            self.scalar(*k).is_some_and(|name| name == key) && !self.is_merge_key(*k)
        })?;
        Some(Entry {
            key: k,
            value: self.resolve(v),
            value_written: v,
            merged_from: None,
        })
    }

    fn get_inner(&self, map: NodeId, key: &str, visited: &mut Visited) -> Option<Entry> {
        if !visited.insert(map) {
            return None;
        }
        if let Some(found) = self.own_entry(map, key) {
            return Some(found);
        }
        for (source, mapping) in self.merge_sources(map) {
            if let Some(mut found) = self.get_inner(mapping, key, visited) {
                found.merged_from = Some(source);
                return Some(found);
            }
        }
        None
    }

    /// The mappings merged into `map` by its `<<` keys, in priority order, each with the source
    /// node written at the merge site.
    pub fn merge_sources(&self, map: NodeId) -> Vec<(NodeId, NodeId)> {
        let mut sources = Vec::new();
        for &(k, v) in self.entries(map) {
            if !self.is_merge_key(k) {
                continue;
            }
            let target = self.resolve(v);
            match &self.nodes[target].kind {
                NodeKind::Mapping { .. } => sources.push((v, target)),
                NodeKind::Sequence { items, .. } => {
                    for &item in items {
                        if self.is_mapping(item) {
                            sources.push((item, self.resolve(item)));
                        }
                    }
                }
                _ => {}
            }
        }
        sources
    }

    /// Every key of mapping `map` after merging, each with the entry that supplies it, in the
    /// order they are first seen (own keys first).
    pub fn effective_entries(&self, map: NodeId) -> Vec<(String, Entry)> {
        self.effective_keys(map)
            .into_iter()
            .map(|(name, entry)| (name.to_owned(), entry))
            .collect()
    }

    /// Returns the same entries as [`Tree::effective_entries`], with names borrowed from the
    /// tree. Looking a key up in them gives what [`Tree::get`] gives.
    pub fn effective_keys(&self, map: NodeId) -> Vec<(&str, Entry)> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        let mut visited = Visited::default();
        self.collect_entries(self.resolve(map), None, &mut seen, &mut visited, &mut out);
        out
    }

    fn collect_entries<'a>(
        &'a self,
        map: NodeId,
        merged_from: Option<NodeId>,
        seen: &mut HashSet<&'a str>,
        visited: &mut Visited,
        out: &mut Vec<(&'a str, Entry)>,
    ) {
        if !visited.insert(map) {
            return;
        }
        // Own keys first, last duplicate winning, then merge sources in priority order.
        for &(k, v) in self.entries(map).iter().rev() {
            if self.is_merge_key(k) {
                continue;
            }
            let Some(name) = self.scalar(k) else { continue };
            if seen.insert(name) {
                let entry = Entry {
                    key: k,
                    value: self.resolve(v),
                    value_written: v,
                    merged_from,
                };
                out.push((name, entry));
            }
        }
        for (source, mapping) in self.merge_sources(map) {
            self.collect_entries(mapping, merged_from.or(Some(source)), seen, visited, out);
        }
    }

    /// Keys written more than once in mapping `map`: `(first, duplicate)` key node pairs.
    pub fn duplicate_keys(&self, map: NodeId) -> Vec<(NodeId, NodeId)> {
        let entries = self.entries(map);
        let mut duplicates = Vec::new();
        // Only scalar keys are compared; complex keys are rare and never valid in Compose.
        // Comparing every pair is faster than hashing for the few keys most mappings have.
        if entries.len() <= 16 {
            for (index, &(k, _)) in entries.iter().enumerate() {
                let Some(name) = self.scalar(k) else { continue };
                let earlier = entries[..index]
                    .iter()
                    .find(|&&(other, _)| self.scalar(other) == Some(name));
                if let Some(&(earlier, _)) = earlier {
                    duplicates.push((earlier, k));
                }
            }
            return duplicates;
        }
        let mut first: HashMap<&str, NodeId> = HashMap::new();
        for &(k, _) in entries {
            let Some(name) = self.scalar(k) else { continue };
            match first.get(name) {
                Some(&earlier) => duplicates.push((earlier, k)),
                None => {
                    first.insert(name, k);
                }
            }
        }
        duplicates
    }

    /// Moves the documents of `other`, parsed from another text, into this tree. Their spans
    /// are shifted by `offset`, the position of that text when the texts are laid end to end,
    /// so several files can be read as one stream of documents.
    pub fn append(&mut self, other: Tree, offset: usize) {
        // A file read alone is the whole tree, with nothing to shift.
        if self.nodes.is_empty() && self.comments.is_empty() && offset == 0 {
            *self = other;
            return;
        }
        let base = self.nodes.len();
        self.nodes.reserve(other.nodes.len());
        let shift = |span: Span| Span::new(span.start + offset, span.end + offset);
        for mut node in other.nodes {
            node.span = shift(node.span);
            node.anchor = node.anchor.map(shift);
            node.tag_span = node.tag_span.map(shift);
            node.parent = node.parent.map(|p| p + base);
            match &mut node.kind {
                NodeKind::Scalar { .. } => {}
                NodeKind::Mapping { entries, .. } => {
                    for (key, value) in entries {
                        *key += base;
                        *value += base;
                    }
                }
                NodeKind::Sequence { items, .. } => {
                    for item in items {
                        *item += base;
                    }
                }
                NodeKind::Alias { target } => *target += base,
            }
            self.nodes.push(node);
        }
        self.documents
            .extend(other.documents.into_iter().map(|d| d + base));
        self.comments
            .extend(other.comments.into_iter().map(|c| Comment {
                span: shift(c.span),
            }));
        self.aliased
            .extend(other.aliased.into_iter().map(|a| a + base));
    }

    /// Number of nodes, for tests and limits.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Returns whether the stream contains no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(text: &'a str, tree: &Tree, id: NodeId) -> &'a str {
        let span = tree.node(id).span;
        &text[span.start..span.end]
    }

    #[test]
    fn spans_of_keys_and_values() {
        let text = "services:\n  web:\n    image: \"nginx:1.27\"  # pinned\n    ports: [80]\n";
        let tree = Tree::parse(text).unwrap();
        let root = tree.documents[0];
        let services = tree.get(root, "services").unwrap();
        let web = tree.get(services.value, "web").unwrap();
        let image = tree.get(web.value, "image").unwrap();
        assert_eq!(slice(text, &tree, image.key), "image");
        assert_eq!(slice(text, &tree, image.value), "\"nginx:1.27\"");
        assert_eq!(
            slice(text, &tree, web.value),
            "image: \"nginx:1.27\"  # pinned\n    ports: [80]"
        );
        let ports = tree.get(web.value, "ports").unwrap();
        assert_eq!(slice(text, &tree, ports.value), "[80]");
        assert_eq!(tree.comments.len(), 1);
    }

    #[test]
    fn trees_remembered_while_guard_lives() {
        let text = "a: 1\n";
        let other = "b: 2\n";
        let unshared = Tree::parse_shared(text).unwrap();
        assert!(!Rc::ptr_eq(&unshared, &Tree::parse_shared(text).unwrap()));
        {
            let _remember = RememberTrees::start();
            let first = Tree::parse_shared(text).unwrap();
            Tree::parse(other).unwrap();
            assert!(Rc::ptr_eq(&first, &Tree::parse_shared(text).unwrap()));
            assert_eq!(Tree::parse(text).unwrap().len(), first.len());
            for index in 0..REMEMBERED_TREES {
                Tree::parse(&format!("k{index}: v\n")).unwrap();
            }
            assert!(!Rc::ptr_eq(&first, &Tree::parse_shared(text).unwrap()));
        }
        assert!(!remembering());
        assert!(remembered(text).is_none());
    }

    #[test]
    fn own_key_wins_over_merge_whatever_the_order() {
        let text = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nm:\n  x: 0\n  <<: [*a, *b]\n";
        let tree = Tree::parse(text).unwrap();
        let m = tree.get(tree.documents[0], "m").unwrap().value;
        assert_eq!(tree.scalar(tree.get(m, "x").unwrap().value), Some("0"));
        let y = tree.get(m, "y").unwrap();
        assert_eq!(tree.scalar(y.value), Some("1"));
        assert_eq!(slice(text, &tree, y.merged_from.unwrap()), "*a");
        // The earlier source in the list wins.
        let z = tree.get(m, "z").unwrap();
        assert_eq!(tree.scalar(z.value), Some("2"));
        assert_eq!(slice(text, &tree, z.merged_from.unwrap()), "*b");
    }

    #[test]
    fn earlier_merge_source_wins() {
        let text = "a: &a {x: 1}\nb: &b {x: 2}\nm:\n  <<: [*a, *b]\n";
        let tree = Tree::parse(text).unwrap();
        let m = tree.get(tree.documents[0], "m").unwrap().value;
        assert_eq!(tree.scalar(tree.get(m, "x").unwrap().value), Some("1"));
    }

    #[test]
    fn merge_bomb_lookup_is_linear() {
        let mut text = String::from("l0: &l0 {a: 1}\n");
        for level in 1..40 {
            let refs = vec![format!("*l{}", level - 1); 10].join(", ");
            text.push_str(&format!("l{level}: &l{level} {{<<: [{refs}]}}\n"));
        }
        text.push_str("m:\n  <<: *l39\n");
        let tree = Tree::parse(&text).unwrap();
        let m = tree.get(tree.documents[0], "m").unwrap().value;
        assert!(tree.get(m, "missing").is_none());
        assert_eq!(tree.effective_entries(m).len(), 1);
    }

    #[test]
    fn duplicate_keys_are_listed() {
        let text = "a: 1\nb: 2\na: 3\n";
        let tree = Tree::parse(text).unwrap();
        let duplicates = tree.duplicate_keys(tree.documents[0]);
        assert_eq!(duplicates.len(), 1);
        assert_eq!(tree.node(duplicates[0].1).span.start, 10);
        assert_eq!(
            tree.scalar(tree.get(tree.documents[0], "a").unwrap().value),
            Some("3")
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let error = Tree::parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(error.span.start > 0);
    }

    #[test]
    fn empty_value_is_null() {
        let tree = Tree::parse("a:\nb: ~\nc: ''\n").unwrap();
        let root = tree.documents[0];
        assert!(tree.is_null(tree.get(root, "a").unwrap().value));
        assert!(tree.is_null(tree.get(root, "b").unwrap().value));
        assert!(!tree.is_null(tree.get(root, "c").unwrap().value));
    }
}
