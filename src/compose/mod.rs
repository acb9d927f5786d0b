//! The Compose model: services read from a YAML tree, with the values the rules need.
//!
//! Services are the entries of the top-level `services:` mapping; `x-*` extension fields and
//! other top-level keys are not services. A service body reached through an alias
//! (`web: *base`) or carrying merge keys is read through [`crate::yaml::Tree::get`], so a key
//! supplied by `<<: *defaults` counts as set. A null service (`web:` with no body, common in
//! override files) has no body and is skipped by the rules.

pub mod dotenv;
pub mod interpolate;
pub mod ports;
pub mod project;
pub mod volumes;

use std::collections::HashMap;

use crate::source::Span;
use crate::yaml::{Entry, NodeId, NodeKind, Quoting, Tree};

use project::{Part, Role};

pub use interpolate::{Interpolated, interpolate};

/// A problem with the file's structure that Compose itself would reject.
#[derive(Clone, Debug)]
pub enum Problem {
    /// A key written twice in one mapping.
    DuplicateKey {
        /// The key's name.
        name: String,
        /// The first occurrence.
        first: Span,
        /// The repeated occurrence.
        duplicate: Span,
    },
    /// A value of the wrong shape, such as a service that is a list.
    Invalid {
        /// The problem, as a sentence without a trailing period.
        message: String,
        /// The offending node.
        span: Span,
    },
}

/// The top-level keys of the Compose specification; `x-*` extension keys are allowed too.
const TOP_LEVEL_KEYS: &[&str] = &[
    "version", "name", "include", "services", "networks", "volumes", "configs", "secrets", "models",
];

/// One variable of an `environment` or `build.args` block, in either of Compose's forms.
#[derive(Clone, Debug)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// The value, or `None` for a bare name (`- KEY`) or a null value (`KEY:`), which take the
    /// value from the environment at run time.
    pub value: Option<String>,
    /// The name's bytes.
    pub name_span: Span,
    /// The value's bytes as written, quotes excluded; empty at the end of the name when there
    /// is no value.
    pub value_span: Span,
    /// The node of the whole entry (the list item, or the mapping value).
    pub node: NodeId,
    /// Whether the entry has a shape Compose rejects, such as a list item that is a mapping.
    pub invalid: bool,
}

/// Reads the variables of an `environment` or `build.args` node: a mapping (`KEY: value`,
/// merge keys allowed) or a list of `KEY=value` strings split on the first `=`.
pub fn env_vars(tree: &Tree, text: &str, node: NodeId) -> Vec<EnvVar> {
    let mut vars = Vec::new();
    if tree.is_mapping(node) {
        for (name, entry) in tree.effective_entries(node) {
            vars.push(mapping_var(tree, name, entry, false));
        }
        return vars;
    }
    for &item in tree.items(node) {
        let item_node = tree.node(tree.resolve(item));
        if tree.is_mapping(item) {
            // `- KEY: value` is a common mistake that Compose refuses; read it anyway so a
            // secret in it is still reported.
            for (name, entry) in tree.effective_entries(item) {
                vars.push(mapping_var(tree, name, entry, true));
            }
            continue;
        }
        let Some(raw) = tree.scalar(item) else {
            continue;
        };
        let span = item_node.span;
        let source = text.get(span.start..span.end).unwrap_or("");
        let quoted = source.starts_with('"') || source.starts_with('\'');
        let content_start = span.start + usize::from(quoted);
        let content_end = span.end - usize::from(quoted && span.len() >= 2);
        match raw.split_once('=') {
            Some((name, value)) => {
                let equals = source.find('=').map_or(content_end, |i| span.start + i);
                vars.push(EnvVar {
                    name: name.to_owned(),
                    value: Some(value.to_owned()),
                    name_span: Span::new(content_start, equals),
                    value_span: Span::new((equals + 1).min(content_end), content_end),
                    node: item,
                    invalid: false,
                });
            }
            None => vars.push(EnvVar {
                name: raw.to_owned(),
                value: None,
                name_span: Span::new(content_start, content_end),
                value_span: Span::empty(content_end),
                node: item,
                invalid: false,
            }),
        }
    }
    vars
}

fn mapping_var(tree: &Tree, name: String, entry: Entry, invalid: bool) -> EnvVar {
    let key_span = tree.node(entry.key).span;
    let value_node = tree.node(entry.value_written);
    let value = (!tree.is_null(entry.value)).then(|| tree.scalar(entry.value).map(str::to_owned));
    let mut value_span = value_node.span;
    let quoted = matches!(
        tree.node(entry.value).kind,
        NodeKind::Scalar {
            quoting: Quoting::Single | Quoting::Double,
            ..
        }
    );
    if quoted && value_span.len() >= 2 {
        value_span = Span::new(value_span.start + 1, value_span.end - 1);
    }
    EnvVar {
        name,
        value: value.flatten(),
        name_span: key_span,
        value_span,
        node: entry.value_written,
        invalid,
    }
}

/// Looks up a variable for interpolation.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A parsed Compose file, or the files of a project laid end to end.
#[derive(Debug)]
pub struct ComposeFile<'a> {
    /// The file's text.
    pub text: &'a str,
    /// The YAML tree.
    pub tree: Tree,
    /// The services, in source order.
    pub services: Vec<Service>,
    /// Structural problems found while reading services.
    pub problems: Vec<Problem>,
    /// The files laid end to end in `text`: one for a file read alone, more for a project.
    pub parts: Vec<Part>,
    /// The position of the linted file in `parts`.
    pub own: usize,
    /// For each `file:` node of an `extends`, the part it loaded or why it could not.
    pub extends_files: HashMap<NodeId, Result<usize, String>>,
}

/// One service under `services:`.
#[derive(Clone, Debug)]
pub struct Service {
    /// The service name.
    pub name: String,
    /// The name key node.
    pub key: NodeId,
    /// The service's mapping (aliases resolved); `None` for a null or non-mapping service.
    pub body: Option<NodeId>,
    /// Whether the service mapping repeats a key; such services are reported, not checked.
    pub has_duplicate_keys: bool,
    /// Whether the service is written as an alias (`web: *base`), so its mapping is shared.
    pub is_alias: bool,
    /// The part (file) that defines the service first.
    pub part: usize,
    /// The root of the document that defines the service first.
    pub document: NodeId,
    /// The service's mappings in later files of the project, which Compose merges over
    /// `body` in this order.
    pub overrides: Vec<NodeId>,
}

impl<'a> ComposeFile<'a> {
    /// Parses `text` and reads its services.
    pub fn parse(text: &'a str) -> Result<ComposeFile<'a>, crate::yaml::SyntaxError> {
        let tree = Tree::parse(text)?;
        Ok(ComposeFile::from_tree(text, tree))
    }

    /// Reads the services of every document of a parsed tree.
    pub fn from_tree(text: &'a str, tree: Tree) -> ComposeFile<'a> {
        let part = Part {
            path: std::path::PathBuf::new(),
            range: Span::new(0, text.len()),
            documents: tree.documents.clone(),
            role: Role::Project,
            order: 0,
            reported: true,
        };
        ComposeFile::from_parts(text, tree, vec![part], 0, HashMap::new())
    }

    /// Returns the part (file) whose text contains `offset`.
    pub fn part_at(&self, offset: usize) -> Option<usize> {
        project::part_at(&self.parts, offset)
    }

    /// Reads the services of the project files among `parts`, the files laid end to end in
    /// `text` and `tree`. A service defined in several files is one service, with the later
    /// definitions as overrides.
    pub fn from_parts(
        text: &'a str,
        tree: Tree,
        parts: Vec<Part>,
        own: usize,
        extends_files: HashMap<NodeId, Result<usize, String>>,
    ) -> ComposeFile<'a> {
        let mut file = ComposeFile {
            text,
            tree,
            services: Vec::new(),
            problems: Vec::new(),
            parts,
            own,
            extends_files,
        };
        // Compose rejects a duplicate key anywhere in the file, extension fields included.
        for node in 0..file.tree.len() {
            file.report_duplicates(node);
        }
        // Project files in the order Compose merges them, whatever their place in the text.
        let mut project_parts: Vec<(usize, &Part)> = file
            .parts
            .iter()
            .enumerate()
            .filter(|(_, part)| part.role == Role::Project)
            .collect();
        project_parts.sort_by_key(|(_, part)| part.order);
        let documents: Vec<(usize, NodeId)> = project_parts
            .into_iter()
            .flat_map(|(index, part)| part.documents.iter().map(move |&d| (index, d)))
            .collect();
        for (part, root) in documents {
            if file.tree.is_null(root) {
                continue;
            }
            if !file.tree.is_mapping(root) {
                file.problems.push(Problem::Invalid {
                    message: "a Compose file must be a mapping with keys such as `services`".into(),
                    span: file.tree.node(root).span,
                });
                continue;
            }
            file.check_top_level_keys(root);
            let Some(services) = file.tree.get(root, "services") else {
                continue;
            };
            file.read_services(services, part, root);
        }
        file
    }

    fn read_services(&mut self, services: Entry, part: usize, document: NodeId) {
        let tree = &self.tree;
        if tree.is_null(services.value) {
            return;
        }
        if !tree.is_mapping(services.value) {
            self.problems.push(Problem::Invalid {
                message: "`services` must be a mapping of service names to definitions".into(),
                span: tree.node(services.value_written).span,
            });
            return;
        }
        let mut found = Vec::new();
        for (name, entry) in tree.effective_entries(services.value) {
            let value = entry.value;
            let body = if tree.is_null(value) {
                None
            } else if tree.is_mapping(value) {
                Some(value)
            } else {
                self.problems.push(Problem::Invalid {
                    message: format!("service `{name}` must be a mapping"),
                    span: tree.node(entry.value_written).span,
                });
                None
            };
            let has_duplicate_keys = body.is_some_and(|b| !tree.duplicate_keys(b).is_empty());
            // A service that an earlier document or file of the project defines is merged into
            // it, as Compose merges the documents of a file in order.
            let earlier = self
                .services
                .iter_mut()
                .find(|s| s.name == name && s.document != document);
            if let Some(earlier) = earlier {
                earlier.has_duplicate_keys |= has_duplicate_keys;
                match (earlier.body, body) {
                    (None, Some(body)) => earlier.body = Some(body),
                    (Some(_), Some(body)) => earlier.overrides.push(body),
                    _ => {}
                }
                continue;
            }
            found.push(Service {
                name,
                key: entry.key,
                body,
                has_duplicate_keys,
                is_alias: entry.value != entry.value_written,
                part,
                document,
                overrides: Vec::new(),
            });
        }
        found.sort_by_key(|s| self.tree.node(s.key).span.start);
        self.services.extend(found);
    }

    /// Reports top-level keys that the Compose specification does not define, with the closest
    /// known key, since Compose rejects the file.
    fn check_top_level_keys(&mut self, root: NodeId) {
        for &(key, _) in self.tree.entries(root) {
            if self.tree.is_merge_key(key) {
                continue;
            }
            let Some(name) = self.tree.scalar(key) else {
                continue;
            };
            if name.starts_with("x-") || TOP_LEVEL_KEYS.contains(&name) {
                continue;
            }
            let closest = crate::config::closest(name, TOP_LEVEL_KEYS.iter().copied());
            let hint = closest.map_or(String::new(), |k| format!("; did you mean `{k}`?"));
            self.problems.push(Problem::Invalid {
                message: format!("unknown top-level key `{name}`{hint}"),
                span: self.tree.node(key).span,
            });
        }
    }

    /// Reports duplicate keys of `node` when it is a mapping written in the file.
    fn report_duplicates(&mut self, node: NodeId) {
        if self.tree.resolve(node) != node {
            return;
        }
        for (first, duplicate) in self.tree.duplicate_keys(node) {
            let name = self.tree.scalar(first).unwrap_or_default().to_owned();
            self.problems.push(Problem::DuplicateKey {
                name,
                first: self.tree.node(first).span,
                duplicate: self.tree.node(duplicate).span,
            });
        }
    }
}
