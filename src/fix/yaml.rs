//! Building minimal YAML edits from the node tree: add a key to a mapping, add an item to a
//! sequence, replace a scalar. Each edit follows the file's own style (indentation width,
//! indented or flush sequences, flow or block collections, line endings).
//!
//! Where the surrounding syntax is unusual enough that a text edit could change meaning, no edit
//! is made and the reason is returned instead. That covers tags or complex keys before a
//! mapping's first key, a trailing block scalar that keeps its final blank lines, and files with
//! lone `\r` line breaks.

use crate::source::Span;
use crate::yaml::{NodeId, NodeKind, Quoting, Tree};

use super::Edit;

/// A value to write, rendered in block or flow style to match where it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewValue {
    /// A scalar, written as given (quote it yourself when needed).
    Scalar(String),
    /// A sequence of scalars.
    Sequence(Vec<String>),
    /// A mapping of keys to values.
    Mapping(Vec<(String, NewValue)>),
}

/// The formatting conventions of one YAML file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    /// The line ending to write.
    pub eol: &'static str,
    /// Spaces per indentation level.
    pub indent: usize,
    /// Whether block sequences under a key are indented (`key:\n  - a`) or flush (`key:\n- a`).
    pub indent_sequences: bool,
    /// Whether the file uses lone `\r` line breaks, which dhlint does not edit.
    pub lone_cr: bool,
}

impl Style {
    /// Detects the style from the first nested block mapping and block sequence of `tree`.
    pub fn detect(tree: &Tree, text: &str) -> Style {
        let eol = crate::source::LineEnding::detect(text).as_str();
        let lone_cr = crate::source::has_lone_cr(text);
        let mut style = Style {
            eol,
            indent: 2,
            indent_sequences: true,
            lone_cr,
        };
        let (mut found_indent, mut found_sequence) = (false, false);
        let mut stack: Vec<NodeId> = tree.documents.clone();
        while let Some(id) = stack.pop() {
            if found_indent && found_sequence {
                break;
            }
            let NodeKind::Mapping {
                entries,
                flow: false,
            } = &tree.node(id).kind
            else {
                if let NodeKind::Sequence { items, .. } = &tree.node(id).kind {
                    stack.extend(items.iter().rev());
                }
                continue;
            };
            let parent_column = column(text, tree.node(id).span.start);
            for &(key, value) in entries.iter().rev() {
                let value = tree.node(value);
                match &value.kind {
                    NodeKind::Mapping {
                        entries: inner,
                        flow: false,
                    } if !found_indent => {
                        if let Some(&(first, _)) = inner.first() {
                            let child = column(text, tree.node(first).span.start);
                            if child > parent_column {
                                style.indent = child - parent_column;
                                found_indent = true;
                            }
                        }
                    }
                    NodeKind::Sequence { items, flow: false } if !found_sequence => {
                        if let Some(dash) = items
                            .first()
                            .and_then(|&i| dash_before(text, tree.node(i).span.start))
                        {
                            let key_column = column(text, tree.node(key).span.start);
                            style.indent_sequences = column(text, dash) > key_column;
                            found_sequence = true;
                        }
                    }
                    _ => {}
                }
            }
            stack.extend(entries.iter().rev().map(|&(_, v)| v));
        }
        style
    }
}

/// Byte column of `offset` within its line.
fn column(text: &str, offset: usize) -> usize {
    offset - line_start(text, offset)
}

/// Offset of the first byte of the line containing `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// Offset just past the line break ending the line that contains `offset`, or the end of the
/// text when that line has no line break.
fn next_line_start(text: &str, offset: usize) -> usize {
    match text[offset..].find('\n') {
        Some(i) => offset + i + 1,
        None => text.len(),
    }
}

/// Offset of the `-` that introduces a block sequence item starting at `item_start`.
fn dash_before(text: &str, item_start: usize) -> Option<usize> {
    let before = text[..item_start].trim_end_matches([' ', '\t']);
    before.ends_with('-').then(|| before.len() - 1)
}

/// Builds edits for one file.
pub struct Editor<'a> {
    tree: &'a Tree,
    text: &'a str,
    style: &'a Style,
}

impl<'a> Editor<'a> {
    /// Creates an editor for `text`, parsed as `tree`, with its detected `style`.
    pub fn new(tree: &'a Tree, text: &'a str, style: &'a Style) -> Self {
        Editor { tree, text, style }
    }

    fn reject_unsupported_file(&self) -> Result<(), String> {
        if self.style.lone_cr {
            return Err("the file uses lone carriage returns as line breaks".into());
        }
        Ok(())
    }

    /// Rejects an edit of `node` when it lies inside an anchored node that aliases refer to,
    /// since the edit would change every place that uses the alias too.
    fn reject_shared(&self, node: NodeId) -> Result<(), String> {
        let Some(anchored) = self.tree.shared_anchor(node) else {
            return Ok(());
        };
        let name = self
            .tree
            .node(anchored)
            .anchor
            .map_or("", |span| &self.text[span.start..span.end]);
        Err(format!(
            "the value is inside the anchor `{name}`, which aliases elsewhere in the file reuse"
        ))
    }

    /// An edit that replaces the value of an existing key with `value` in flow style, tag
    /// included: used where the key is written but empty (`cap_drop:`) or tagged `!reset`.
    pub fn replace_value(&self, value_node: NodeId, value: &NewValue) -> Result<Edit, String> {
        self.reject_unsupported_file()?;
        self.reject_shared(value_node)?;
        let node = self.tree.node(value_node);
        if node.anchor.is_some() {
            return Err("the value carries an anchor".into());
        }
        let rendered = render_flow(value);
        if node.span.is_empty() {
            // A tagged empty value (`key: !tag`) is too unusual to edit safely.
            if node.tag_span.is_some() {
                return Err("the value is empty with a tag".into());
            }
            return self.replace_scalar(value_node, &rendered);
        }
        let start = node
            .tag_span
            .map_or(node.span.start, |t| t.start.min(node.span.start));
        Ok(Edit::replace(
            Span::new(start, node.span.end.max(start)),
            rendered,
        ))
    }

    /// An edit that adds `key: value` at the end of mapping `map`, which must be written in the
    /// file (not reached through an alias).
    pub fn insert_entry(&self, map: NodeId, key: &str, value: &NewValue) -> Result<Edit, String> {
        self.reject_unsupported_file()?;
        self.reject_shared(map)?;
        let node = self.tree.node(map);
        let NodeKind::Mapping { entries, flow } = &node.kind else {
            return Err("the value is not a mapping".into());
        };
        // A key that is already written, for example without a value, would be written twice.
        if entries
            .iter()
            .any(|&(k, _)| self.tree.scalar(k) == Some(key))
        {
            return Err(format!("`{key}` is already written in the mapping"));
        }
        if *flow {
            return self.insert_flow_entry(map, entries, key, value);
        }
        let Some(&(first_key, _)) = entries.first() else {
            return Err("the mapping is empty".into());
        };
        let indent = self.block_indent(first_key)?;
        for &(k, _) in entries {
            self.check_key(k)?;
        }
        let mut lines = Vec::new();
        render_block(&mut lines, indent, key, value, self.style);
        self.insert_lines_after(map, indent, &lines)
    }

    fn insert_flow_entry(
        &self,
        map: NodeId,
        entries: &[(NodeId, NodeId)],
        key: &str,
        value: &NewValue,
    ) -> Result<Edit, String> {
        let entry = format!("{key}: {}", render_flow(value));
        Ok(match entries.last() {
            Some(&(_, last))
                if self.tree.node(last).span.is_empty()
                    && (self.tree.node(last).anchor.is_some()
                        || self.tree.node(last).tag.is_some()) =>
            {
                return Err("the mapping ends in an empty value with an anchor or tag".into());
            }
            Some(&(key, last)) if self.tree.node(last).span.is_empty() => {
                // `{key:}`: the empty value sits at the key's end, so insert after the colon.
                let after_key = self.tree.node(key).span.end;
                let rest = &self.text[after_key..];
                let colon = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                let at = if rest[colon..].starts_with(':') {
                    after_key + colon + 1
                } else {
                    after_key
                };
                Edit::insert(at, format!(", {entry}"))
            }
            Some(&(_, last)) => Edit::insert(self.tree.node(last).span.end, format!(", {entry}")),
            // Replacing the whole `{}` makes a second insertion into the same empty mapping
            // conflict, so it waits for the next pass and gets its `, ` separator then.
            None => Edit::replace(self.tree.node(map).span, format!("{{{entry}}}")),
        })
    }

    /// An edit that adds `item` at the end of sequence `seq`, which must be written in the file.
    pub fn append_item(&self, seq: NodeId, item: &str) -> Result<Edit, String> {
        self.reject_unsupported_file()?;
        self.reject_shared(seq)?;
        let node = self.tree.node(seq);
        let NodeKind::Sequence { items, flow } = &node.kind else {
            return Err("the value is not a sequence".into());
        };
        let item = &self.quote_like(items, item);
        if *flow {
            let quoted = quote_for_flow(item);
            return Ok(match items.last() {
                Some(&last) => Edit::insert(self.tree.node(last).span.end, format!(", {quoted}")),
                None => Edit::replace(node.span, format!("[{quoted}]")),
            });
        }
        let Some(&first) = items.first() else {
            return Err("the sequence is empty".into());
        };
        let dash = dash_before(self.text, self.tree.node(first).span.start)
            .ok_or("the first item is not introduced by `-`")?;
        let indent = self.prefix_width(dash)?;
        let line = format!("{}- {item}", " ".repeat(indent));
        self.insert_lines_after(seq, indent, &[line])
    }

    /// An edit that replaces the scalar `node` with `text`, keeping its quotes.
    pub fn replace_scalar(&self, node: NodeId, text: &str) -> Result<Edit, String> {
        self.reject_unsupported_file()?;
        self.reject_shared(node)?;
        let scalar = self.tree.node(node);
        let NodeKind::Scalar { quoting, .. } = &scalar.kind else {
            return Err("the value is not a scalar".into());
        };
        let span = scalar.span;
        match quoting {
            Quoting::Plain if span.is_empty() => {
                // `key:` with no value: the parser places the empty scalar at the end of the
                // key, so put the value after the colon that follows.
                let rest = &self.text[span.start..];
                let colon = rest.trim_start_matches([' ', '\t']);
                if !colon.starts_with(':') {
                    return Err("the empty value is not after a `key:`".into());
                }
                let colon_at = span.start + (rest.len() - colon.len());
                // Replacing the colon (rather than inserting after it) marks the empty value
                // as the edited one for the check that nothing else changed.
                Ok(Edit::replace(
                    Span::new(colon_at, colon_at + 1),
                    format!(": {text}"),
                ))
            }
            Quoting::Plain => Ok(Edit::replace(span, text)),
            Quoting::Single | Quoting::Double if span.len() >= 2 => {
                Ok(Edit::replace(Span::new(span.start + 1, span.end - 1), text))
            }
            _ => Err("the value is a block scalar".into()),
        }
    }

    /// Returns an edit that deletes the entry with key node `key` from mapping `map`: the
    /// entry's lines in a block mapping, or the entry and one comma in a flow mapping. A comment
    /// on the entry's last line goes with it, and comments on other lines stay.
    ///
    /// The entry must have a plain key and a value without anchors, tags, aliases, block
    /// scalars or comments inside, and must not be the mapping's only entry, because the
    /// mapping would then turn into a null.
    pub fn remove_entry(&self, map: NodeId, key: NodeId) -> Result<Edit, String> {
        self.reject_unsupported_file()?;
        self.reject_shared(map)?;
        let NodeKind::Mapping { entries, flow } = &self.tree.node(map).kind else {
            return Err("the value is not a mapping".into());
        };
        let index = entries
            .iter()
            .position(|&(k, _)| k == key)
            .ok_or("the key is not written in the mapping")?;
        if entries.len() == 1 {
            return Err("the entry is the only one in its mapping".into());
        }

        self.check_key(key)?;
        let value = entries[index].1;
        self.check_removable(value)?;

        let start = self.tree.node(key).span.start;
        let end = self
            .tree
            .node(key)
            .span
            .end
            .max(self.tree.node(value).span.end);
        let edit = if *flow {
            let spans: Vec<Span> = entries
                .iter()
                .map(|&(k, v)| self.tree.node(k).span.cover(self.tree.node(v).span))
                .collect();
            self.remove_flow_element(&spans, index)?
        } else {
            if !self.text[line_start(self.text, start)..start]
                .chars()
                .all(|c| c == ' ')
            {
                return Err("the key shares its line with other syntax".into());
            }
            self.remove_lines(start, end)?
        };

        self.reject_comments_inside(start, end)?;
        Ok(edit)
    }

    /// Returns the edits that delete `item` from sequence `seq`: its line in a block sequence,
    /// or the item and one comma in a flow sequence. Removing the only item leaves `[]`, since
    /// Compose rejects a list key left empty. A comment on the item's last line goes with it,
    /// and comments on other lines stay.
    ///
    /// A block item's removal comes with an edit that rewrites the colon after the sequence's
    /// key unchanged. Two removals from one sequence then conflict, so they happen in separate
    /// passes, and the second one finds out whether it removes the last item.
    pub fn remove_item(&self, seq: NodeId, item: NodeId) -> Result<Vec<Edit>, String> {
        self.reject_unsupported_file()?;
        self.reject_shared(seq)?;
        let node = self.tree.node(seq);
        let NodeKind::Sequence { items, flow } = &node.kind else {
            return Err("the value is not a sequence".into());
        };
        let index = items
            .iter()
            .position(|&i| i == item)
            .ok_or("the item is not written in the sequence")?;
        if !matches!(self.tree.node(item).kind, NodeKind::Scalar { .. }) {
            return Err("the item is not a scalar".into());
        }

        self.check_removable(item)?;
        let item_span = self.tree.node(item).span;
        self.reject_comments_inside(item_span.start, item_span.end)?;

        if *flow {
            if items.len() == 1 {
                self.reject_comments_inside(node.span.start, node.span.end)?;
                return Ok(vec![Edit::removal(node.span, "[]")]);
            }
            let spans: Vec<Span> = items.iter().map(|&i| self.tree.node(i).span).collect();
            return Ok(vec![self.remove_flow_element(&spans, index)?]);
        }

        let dash =
            dash_before(self.text, item_span.start).ok_or("the item is not introduced by `-`")?;
        if !self.text[line_start(self.text, dash)..dash]
            .chars()
            .all(|c| c == ' ')
        {
            return Err("the item shares its line with other syntax".into());
        }
        let first_dash = dash_before(self.text, self.tree.node(items[0]).span.start)
            .ok_or("the first item is not introduced by `-`")?;
        let colon = self.colon_before_block(seq, first_dash)?;

        if items.len() == 1 {
            // `key:` and the item's line become `key: []`. A comment at the end of the item's
            // line goes with the item; deeper comment lines below it are written back
            // unchanged. The edit ends where an item appended to this sequence would go, so
            // such an insertion waits a pass.
            self.rest_of_line(item_span.end)?;
            let end = self.block_end(item_span.end, self.prefix_width(dash)?);
            let line_end = self.text[item_span.end..]
                .find(['\r', '\n'])
                .map_or(self.text.len(), |i| item_span.end + i)
                .min(end);
            let trailing = &self.text[line_end..end];
            return Ok(vec![Edit::removal(
                Span::new(colon, end),
                format!(": []{trailing}"),
            )]);
        }

        let lock = Edit::replace(Span::new(colon, colon + 1), ":");
        Ok(vec![lock, self.remove_lines(dash, item_span.end)?])
    }

    /// Finds the offset of the colon after the key whose value is the block sequence `seq`, which
    /// starts at `dash`, when only spaces and line breaks lie between the two.
    fn colon_before_block(&self, seq: NodeId, dash: usize) -> Result<usize, String> {
        let parent = self
            .tree
            .node(seq)
            .parent
            .ok_or("the sequence is not the value of a key")?;
        let key = self
            .tree
            .entries(parent)
            .iter()
            .find(|&&(_, v)| v == seq)
            .map(|&(k, _)| k)
            .ok_or("the sequence is not the value of a key")?;
        let after_key = self.tree.node(key).span.end;
        let between = &self.text[after_key..dash];
        let colon = between
            .find(|c: char| c != ' ' && c != '\t')
            .filter(|&i| between[i..].starts_with(':'))
            .ok_or("no `:` follows the sequence's key")?;
        if !between[colon + 1..]
            .chars()
            .all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
        {
            return Err("a comment, anchor or tag comes before the sequence".into());
        }
        Ok(after_key + colon)
    }

    /// Returns a removal of the lines from the one containing `start` to the one containing `end`,
    /// which must hold nothing after `end` but spaces and a comment. Without a final line
    /// break, the line break before the lines goes instead, so the file still ends without one.
    fn remove_lines(&self, start: usize, end: usize) -> Result<Edit, String> {
        self.rest_of_line(end)?;
        let text = self.text;
        let first = line_start(text, start);
        let after = next_line_start(text, end);
        if after == text.len() && !text.ends_with('\n') && first > 0 {
            let before = text[..first - 1]
                .strip_suffix('\r')
                .map_or(first - 1, str::len);
            return Ok(Edit::removal(Span::new(before, after), ""));
        }
        Ok(Edit::removal(Span::new(first, after), ""))
    }

    /// Checks that only spaces, tabs and a comment follow `offset` on its line.
    fn rest_of_line(&self, offset: usize) -> Result<(), String> {
        let line_end = self.text[offset..]
            .find(['\r', '\n'])
            .map_or(self.text.len(), |i| offset + i);
        let rest = self.text[offset..line_end].trim_start_matches([' ', '\t']);
        if rest.is_empty() || rest.starts_with('#') {
            Ok(())
        } else {
            Err("other syntax follows the value on its line".into())
        }
    }

    /// Returns a removal of element `index` of a flow collection whose elements span `spans`: up to
    /// the next element, or from the end of the previous one for the last element.
    fn remove_flow_element(&self, spans: &[Span], index: usize) -> Result<Edit, String> {
        let span = match (spans.get(index + 1), index.checked_sub(1)) {
            (Some(next), _) => Span::new(spans[index].start, next.start),
            (None, Some(previous)) => Span::new(spans[previous].end, spans[index].end),
            (None, None) => return Err("the element is the only one in its collection".into()),
        };
        self.reject_comments_inside(span.start, span.end)?;
        Ok(Edit::removal(span, ""))
    }

    /// Rejects a removal when a comment starts between `start` and `end`.
    fn reject_comments_inside(&self, start: usize, end: usize) -> Result<(), String> {
        let first = self.tree.comments.partition_point(|c| c.span.start < start);
        match self.tree.comments.get(first) {
            Some(comment) if comment.span.start < end => {
                Err("a comment lies inside the text to remove".into())
            }
            _ => Ok(()),
        }
    }

    /// Rejects removing `node` when it or anything inside it is an alias, carries an anchor or
    /// a tag, or is a block scalar, since deleting those can change other parts of the file.
    fn check_removable(&self, node: NodeId) -> Result<(), String> {
        let mut stack = vec![node];
        while let Some(id) = stack.pop() {
            let current = self.tree.node(id);
            if current.anchor.is_some() || current.tag.is_some() {
                return Err("the value carries an anchor or a tag".into());
            }
            match &current.kind {
                NodeKind::Alias { .. } => return Err("the value is an alias".into()),
                NodeKind::Scalar {
                    quoting: Quoting::Block,
                    ..
                } => return Err("the value is a block scalar".into()),
                NodeKind::Scalar { .. } => {}
                NodeKind::Mapping { entries, .. } => {
                    stack.extend(entries.iter().flat_map(|&(k, v)| [k, v]));
                }
                NodeKind::Sequence { items, .. } => stack.extend(items),
            }
        }
        Ok(())
    }

    /// Extracts the source text of scalar `node`, for a fix that copies the value elsewhere.
    ///
    /// Only a one-line plain or quoted scalar without a tag reads the same in any block or flow
    /// position. A scalar over several lines is rejected, because its continuation lines depend
    /// on the indentation around it. Block scalars, tagged values and collections are rejected
    /// too, and so are aliases, because a copy could land before its anchor.
    pub fn copy_scalar(&self, node: NodeId) -> Result<String, String> {
        let scalar = self.tree.node(node);
        let NodeKind::Scalar { quoting, .. } = &scalar.kind else {
            return Err("the value to copy is not a scalar".into());
        };
        if *quoting == Quoting::Block {
            return Err("the value to copy is a block scalar".into());
        }
        if scalar.tag.is_some() {
            return Err("the value to copy has a tag".into());
        }
        let written = &self.text[scalar.span.start..scalar.span.end];
        if written.contains(['\n', '\r']) {
            return Err("the value to copy spans several lines".into());
        }
        Ok(written.to_owned())
    }

    /// Quotes `item` the way the existing `items` are quoted, when they all use one style.
    fn quote_like(&self, items: &[NodeId], item: &str) -> String {
        let styles: Vec<Quoting> = items
            .iter()
            .filter_map(|&i| match &self.tree.node(i).kind {
                NodeKind::Scalar { quoting, .. } => Some(*quoting),
                _ => None,
            })
            .collect();
        match styles.first() {
            Some(Quoting::Double) if styles.iter().all(|q| *q == Quoting::Double) => {
                format!("\"{}\"", item.replace('\\', "\\\\").replace('"', "\\\""))
            }
            Some(Quoting::Single) if styles.iter().all(|q| *q == Quoting::Single) => {
                format!("'{}'", item.replace('\'', "''"))
            }
            _ => item.to_owned(),
        }
    }

    /// The indentation of the block mapping whose first key is `first_key`, checking that only
    /// spaces and sequence dashes come before it on its line.
    fn block_indent(&self, first_key: NodeId) -> Result<usize, String> {
        let start = self.tree.node(first_key).span.start;
        self.prefix_width(start)
    }

    /// The width of the text before `offset` on its line, which must be spaces and `- `.
    fn prefix_width(&self, offset: usize) -> Result<usize, String> {
        let prefix = &self.text[line_start(self.text, offset)..offset];
        let prefix = prefix.strip_prefix(crate::source::BOM).unwrap_or(prefix);
        if !prefix.chars().all(|c| c == ' ' || c == '-') {
            return Err("the first key shares its line with a tag, anchor or other syntax".into());
        }
        Ok(prefix.chars().count())
    }

    fn check_key(&self, key: NodeId) -> Result<(), String> {
        let node = self.tree.node(key);
        match &node.kind {
            // A key written as nothing (`?` alone) has the value `~` and an empty span, which the
            // parser may place on a later line, so its position cannot give the indentation.
            NodeKind::Scalar { value, .. }
                if !value.is_empty() && !node.span.is_empty() && node.tag.is_none() =>
            {
                let before = self.text[..node.span.start].trim_end_matches(' ');
                if before.ends_with('?') {
                    return Err("the mapping uses explicit `?` keys".into());
                }
                Ok(())
            }
            _ => Err("the mapping has an empty, tagged or complex key".into()),
        }
    }

    /// An edit inserting `lines` (without line breaks) after the last content line of the block
    /// collection `node`, and after any comment lines below it that are indented deeper than
    /// `indent`, which belong to the collection's last value.
    fn insert_lines_after(
        &self,
        node: NodeId,
        indent: usize,
        lines: &[String],
    ) -> Result<Edit, String> {
        self.check_trailing_block_scalar(node)?;
        let text = self.text;
        let at = self.block_end(self.tree.node(node).span.end, indent);
        let eol = self.style.eol;
        let mut content = lines.join(eol);
        if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
            // The file has no final line break: keep it that way.
            content = format!("{eol}{content}");
        } else {
            content.push_str(eol);
        }
        Ok(Edit::insert(at, content))
    }

    /// Returns the offset where lines added to a block collection at `indent` spaces go: the
    /// start of the line after the content ending at `content_end`, moved past comment lines
    /// indented deeper than `indent`, which belong to the collection's last value.
    ///
    /// A suppression comment (`# dhlint: ...`) covers the line after it, so lines are never
    /// added between it and that line: they go before it.
    fn block_end(&self, content_end: usize, indent: usize) -> usize {
        let text = self.text;
        let content_end = text[..content_end].trim_end().len();
        let mut at = next_line_start(text, content_end);
        loop {
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let line = &text[at..line_end];
            let trimmed = line.trim_start_matches(' ');
            let deeper = line.len() - trimmed.len() > indent;
            let suppression = trimmed.starts_with('#') && trimmed.contains("dhlint:");
            if at < text.len() && deeper && trimmed.starts_with('#') && !suppression {
                at = next_line_start(text, at);
            } else {
                return at;
            }
        }
    }

    /// Rejects an insertion when the last value inside `node` is a block scalar whose trailing
    /// blank lines are content (see `has_trailing_blank_lines`), since a line inserted after it
    /// would move them out of the scalar.
    fn check_trailing_block_scalar(&self, node: NodeId) -> Result<(), String> {
        let mut current = node;
        loop {
            match &self.tree.node(current).kind {
                NodeKind::Mapping {
                    entries,
                    flow: false,
                } => match entries.last() {
                    // A key written as nothing (`:` alone) has an empty span that may lie after
                    // its line, so the end of the mapping is unknown.
                    Some(&(key, _)) if self.tree.node(key).span.is_empty() => {
                        return Err("the last entry has a key written as nothing".into());
                    }
                    Some(&(_, value)) => current = value,
                    None => return Ok(()),
                },
                NodeKind::Sequence { items, flow: false } => match items.last() {
                    Some(&item) => current = item,
                    None => return Ok(()),
                },
                NodeKind::Scalar {
                    quoting: Quoting::Block,
                    ..
                } if !self.text.ends_with(['\n', '\r'])
                    && self.tree.node(current).span.end >= self.text.trim_end().len() =>
                {
                    // Without a final line break the last line has no line feed; a line added
                    // after it would give the scalar one.
                    return Err(
                        "the file ends inside a block scalar without a final line break".into(),
                    );
                }
                NodeKind::Scalar {
                    value,
                    quoting: Quoting::Block,
                } if has_trailing_blank_lines(value) => {
                    return Err(
                        "the last value is a block scalar that keeps trailing blank lines".into(),
                    );
                }
                _ => return Ok(()),
            }
        }
    }
}

/// Checks whether the block scalar `value` has content after its last line with text: blank
/// lines kept by `|+`, or lines of spaces deeper than the scalar's indentation. The scalar's
/// span ends at its last text (see `Tree::parse`), so lines inserted after that span would move
/// this content out of the scalar.
fn has_trailing_blank_lines(value: &str) -> bool {
    match value.rfind(|c: char| !c.is_whitespace()) {
        // Only the line break that ends the last text line may follow it.
        Some(last) => value[last..].matches('\n').count() > 1,
        // A scalar of whitespace only is made of the lines after its header.
        None => !value.is_empty(),
    }
}

/// Appends the lines of `key: value` in block style at `indent` spaces.
fn render_block(
    lines: &mut Vec<String>,
    indent: usize,
    key: &str,
    value: &NewValue,
    style: &Style,
) {
    let pad = " ".repeat(indent);
    match value {
        NewValue::Scalar(scalar) => lines.push(format!("{pad}{key}: {scalar}")),
        NewValue::Sequence(items) => {
            lines.push(format!("{pad}{key}:"));
            let item_pad = if style.indent_sequences {
                indent + style.indent
            } else {
                indent
            };
            for item in items {
                lines.push(format!("{}- {item}", " ".repeat(item_pad)));
            }
        }
        NewValue::Mapping(entries) => {
            lines.push(format!("{pad}{key}:"));
            for (inner_key, inner_value) in entries {
                render_block(lines, indent + style.indent, inner_key, inner_value, style);
            }
        }
    }
}

/// Renders `value` in flow style.
pub fn render_flow(value: &NewValue) -> String {
    match value {
        NewValue::Scalar(scalar) => quote_for_flow(scalar),
        NewValue::Sequence(items) => {
            let items: Vec<String> = items.iter().map(|i| quote_for_flow(i)).collect();
            format!("[{}]", items.join(", "))
        }
        NewValue::Mapping(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", render_flow(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// Quotes a plain scalar that contains characters with a meaning inside flow collections.
fn quote_for_flow(scalar: &str) -> String {
    let already_quoted = scalar.starts_with('"') || scalar.starts_with('\'');
    if !already_quoted && scalar.contains([':', ',', '[', ']', '{', '}', '#']) {
        format!("\"{}\"", scalar.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        scalar.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Fix;
    use crate::fix::apply;

    fn edit_text(text: &str, build: impl Fn(&Editor, &Tree) -> Edit) -> String {
        let tree = Tree::parse(text).unwrap();
        let style = Style::detect(&tree, text);
        let editor = Editor::new(&tree, text, &style);
        let fix = Fix::safe("test", build(&editor, &tree));
        apply(text, &[&fix]).0
    }

    fn service(tree: &Tree) -> NodeId {
        let services = tree.get(tree.documents[0], "services").unwrap().value;
        tree.get(services, "web").unwrap().value
    }

    #[test]
    fn insert_before_trailing_comments() {
        let text = "services:\n  web:\n    image: x  # pinned\n    # keep me below\nother: 1\n";
        let out = edit_text(text, |e, t| {
            e.insert_entry(service(t), "read_only", &NewValue::Scalar("true".into()))
                .unwrap()
        });
        assert_eq!(
            out,
            "services:\n  web:\n    image: x  # pinned\n    read_only: true\n    # keep me below\nother: 1\n"
        );
    }

    #[test]
    fn deeper_comments_stay_with_the_block_above() {
        let text = "services:\n  web:\n    environment:\n      A: 1\n      # B: 2\n";
        let out = edit_text(text, |e, t| {
            e.insert_entry(service(t), "read_only", &NewValue::Scalar("true".into()))
                .unwrap()
        });
        assert_eq!(
            out,
            "services:\n  web:\n    environment:\n      A: 1\n      # B: 2\n    read_only: true\n"
        );
    }

    #[test]
    fn compact_mapping_in_a_sequence() {
        let text = "items:\n  - name: a\n    value: b\nnext: 1\n";
        let out = edit_text(text, |e, t| {
            let items = t.get(t.documents[0], "items").unwrap().value;
            let first = t.items(items)[0];
            e.insert_entry(first, "extra", &NewValue::Scalar("c".into()))
                .unwrap()
        });
        assert_eq!(
            out,
            "items:\n  - name: a\n    value: b\n    extra: c\nnext: 1\n"
        );
    }

    #[test]
    fn flow_mapping_insert() {
        let text = "services:\n  web: {image: x}\n";
        let out = edit_text(text, |e, t| {
            e.insert_entry(
                service(t),
                "cap_drop",
                &NewValue::Sequence(vec!["ALL".into()]),
            )
            .unwrap()
        });
        assert_eq!(out, "services:\n  web: {image: x, cap_drop: [ALL]}\n");
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let text = "services:\r\n  web:\r\n    image: x";
        let out = edit_text(text, |e, t| {
            e.insert_entry(service(t), "read_only", &NewValue::Scalar("true".into()))
                .unwrap()
        });
        assert_eq!(
            out,
            "services:\r\n  web:\r\n    image: x\r\n    read_only: true"
        );
    }

    #[test]
    fn block_sequence_style_is_followed() {
        let text = "services:\n  web:\n    ports:\n    - 80\n    image: x\n";
        let out = edit_text(text, |e, t| {
            e.insert_entry(
                service(t),
                "cap_drop",
                &NewValue::Sequence(vec!["ALL".into()]),
            )
            .unwrap()
        });
        assert_eq!(
            out,
            "services:\n  web:\n    ports:\n    - 80\n    image: x\n    cap_drop:\n    - ALL\n"
        );
    }

    #[test]
    fn append_to_block_and_flow_sequences() {
        let text = "services:\n  web:\n    cap_drop:\n      - NET_RAW  # raw sockets\n    security_opt: []\n";
        let out = edit_text(text, |e, t| {
            let seq = t.get(service(t), "cap_drop").unwrap().value;
            e.append_item(seq, "ALL").unwrap()
        });
        assert_eq!(
            out,
            "services:\n  web:\n    cap_drop:\n      - NET_RAW  # raw sockets\n      - ALL\n    security_opt: []\n"
        );
        let out = edit_text(text, |e, t| {
            let seq = t.get(service(t), "security_opt").unwrap().value;
            e.append_item(seq, "no-new-privileges:true").unwrap()
        });
        assert!(out.contains("security_opt: [\"no-new-privileges:true\"]"));
    }

    #[test]
    fn replace_keeps_quotes_and_comment() {
        let text = "services:\n  web:\n    read_only: \"false\"  # why\n";
        let out = edit_text(text, |e, t| {
            let value = t.get(service(t), "read_only").unwrap().value;
            e.replace_scalar(value, "true").unwrap()
        });
        assert_eq!(out, "services:\n  web:\n    read_only: \"true\"  # why\n");
    }

    #[test]
    fn remove_entry_takes_its_line_and_comment() {
        let text = "services:\n  web:\n    image: x\n    # why\n    privileged: true  # now\n    user: \"1\"\n";
        let out = edit_text(text, |e, t| {
            let key = t.get(service(t), "privileged").unwrap().key;
            e.remove_entry(service(t), key).unwrap()
        });
        assert_eq!(
            out,
            "services:\n  web:\n    image: x\n    # why\n    user: \"1\"\n"
        );
    }

    #[test]
    fn remove_entry_keeps_a_missing_final_newline() {
        let text = "services:\n  web:\n    image: x\n    privileged: true";
        let out = edit_text(text, |e, t| {
            let key = t.get(service(t), "privileged").unwrap().key;
            e.remove_entry(service(t), key).unwrap()
        });
        assert_eq!(out, "services:\n  web:\n    image: x");
    }

    #[test]
    fn remove_entry_from_flow_mapping() {
        let text = "services:\n  web: {image: x, privileged: true}\n";
        let out = edit_text(text, |e, t| {
            let key = t.get(service(t), "privileged").unwrap().key;
            e.remove_entry(service(t), key).unwrap()
        });
        assert_eq!(out, "services:\n  web: {image: x}\n");
    }

    #[test]
    fn remove_only_entry_is_rejected() {
        let text = "services:\n  web:\n    privileged: true\n";
        let tree = Tree::parse(text).unwrap();
        let style = Style::detect(&tree, text);
        let editor = Editor::new(&tree, text, &style);
        let key = tree.get(service(&tree), "privileged").unwrap().key;
        assert!(editor.remove_entry(service(&tree), key).is_err());
    }

    fn remove_item_text(text: &str, index: usize) -> String {
        let tree = Tree::parse(text).unwrap();
        let style = Style::detect(&tree, text);
        let editor = Editor::new(&tree, text, &style);
        let seq = tree.get(service(&tree), "security_opt").unwrap().value;
        let item = tree.items(seq)[index];
        let fix = Fix {
            applicability: crate::fix::Applicability::Unsafe,
            title: "test".into(),
            edits: editor.remove_item(seq, item).unwrap(),
        };
        apply(text, &[&fix]).0
    }

    #[test]
    fn remove_item_from_block_and_flow_sequences() {
        let text = "services:\n  web:\n    security_opt:\n      - a\n      - b  # why\n      - c\n";
        assert_eq!(
            remove_item_text(text, 1),
            "services:\n  web:\n    security_opt:\n      - a\n      - c\n"
        );
        let text = "services:\n  web:\n    security_opt: [a, b, c]\n";
        assert_eq!(
            remove_item_text(text, 1),
            "services:\n  web:\n    security_opt: [a, c]\n"
        );
        assert_eq!(
            remove_item_text(text, 2),
            "services:\n  web:\n    security_opt: [a, b]\n"
        );
    }

    #[test]
    fn remove_only_item_leaves_an_empty_list() {
        let text = "services:\n  web:\n    security_opt:\n      - a  # why\n    image: x\n";
        assert_eq!(
            remove_item_text(text, 0),
            // The comment describes the removed item, so it goes with it.
            "services:\n  web:\n    security_opt: []\n    image: x\n"
        );
        let text = "services:\n  web:\n    security_opt: [a]\n";
        assert_eq!(
            remove_item_text(text, 0),
            "services:\n  web:\n    security_opt: []\n"
        );
    }

    #[test]
    fn keep_chomping_block_scalar_is_refused() {
        let text = "services:\n  web:\n    command: |+\n      run\n\n\n";
        let tree = Tree::parse(text).unwrap();
        let style = Style::detect(&tree, text);
        let editor = Editor::new(&tree, text, &style);
        let result = editor.insert_entry(
            service(&tree),
            "read_only",
            &NewValue::Scalar("true".into()),
        );
        assert!(result.is_err());
    }

    #[test]
    fn copy_scalar_takes_only_one_line_scalars() {
        let text = "a: [\"x: 1\", !!str t, s\n  t, {k: v}]\n";
        let tree = Tree::parse(text).unwrap();
        let style = Style::detect(&tree, text);
        let editor = Editor::new(&tree, text, &style);
        let items = tree.items(tree.get(tree.documents[0], "a").unwrap().value);
        assert_eq!(editor.copy_scalar(items[0]).unwrap(), "\"x: 1\"");
        assert!(editor.copy_scalar(items[1]).is_err());
        assert!(editor.copy_scalar(items[2]).is_err());
        assert!(editor.copy_scalar(items[3]).is_err());
    }

    #[test]
    fn block_scalar_trailing_blank_lines() {
        assert!(!has_trailing_blank_lines(""));
        assert!(!has_trailing_blank_lines("run"));
        assert!(!has_trailing_blank_lines("run  \n"));
        assert!(has_trailing_blank_lines("\n"));
        assert!(has_trailing_blank_lines("  \n"));
        assert!(has_trailing_blank_lines("run\n\n"));
        assert!(has_trailing_blank_lines("run\n    \n"));
    }

    #[test]
    fn mapping_with_empty_key_is_refused() {
        for text in [
            "services:\n  web:\n    ?\n",
            "services:\n  web:\n    image: x\n    ? \n    : y\n",
        ] {
            let tree = Tree::parse(text).unwrap();
            let style = Style::detect(&tree, text);
            let editor = Editor::new(&tree, text, &style);
            let result = editor.insert_entry(
                service(&tree),
                "read_only",
                &NewValue::Scalar("true".into()),
            );
            assert!(result.is_err(), "{text:?}");
        }
    }

    #[test]
    fn lone_cr_file_is_refused() {
        let text = "services:\r  web:\r    image: x\r";
        let tree = Tree::parse(text).unwrap();
        let style = Style::detect(&tree, text);
        assert!(style.lone_cr);
        let editor = Editor::new(&tree, text, &style);
        let result = editor.insert_entry(
            service(&tree),
            "read_only",
            &NewValue::Scalar("true".into()),
        );
        assert!(result.is_err());
    }
}
