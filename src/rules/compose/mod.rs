//! Compose rules and the per-service context they share.
//!
//! Every rule gets a [`ServiceContext`] for one service and reads keys through it. A key
//! supplied by a merge key counts as set, and a finding on a merged value points at the
//! anchor's text with a second label at the merge site.

pub mod cap_add;
pub mod cap_drop_all;
pub mod cgroup_parent;
pub mod consistency;
pub mod cpu_limit;
pub mod default_bridge_network;
pub mod docker_socket;
pub mod healthcheck;
pub mod host_devices;
pub mod host_namespaces;
pub mod image_pinned;
pub mod limits;
pub mod log_rotation;
pub mod memory_limit;
pub mod mount_propagation;
pub mod no_new_privileges;
pub mod non_root_user;
pub mod oom_kill_disable;
pub mod pids_limit;
pub mod port_all_interfaces;
pub mod privileged;
pub mod privileged_host_port;
pub mod read_only_rootfs;
pub mod restart_policy;
pub mod secret_in_environment;
pub mod security_opt;
pub mod sensitive_host_mount;

use crate::compose::volumes::{Mount, mounts};
use crate::compose::{ComposeFile, Interpolated, Problem, Service, interpolate};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Edit;
use crate::fix::yaml::{Editor, NewValue, Style};
use crate::rules::{RuleMeta, tool};
use crate::source::Span;
use crate::yaml::{Entry, NodeId, Tree};

use std::collections::HashMap;

use crate::compose::project::{Project, ReferenceKind, include_cycle, references};
use std::path::PathBuf;

/// The view of one service that the rules read.
pub struct ServiceContext<'a> {
    /// The whole file.
    pub file: &'a ComposeFile<'a>,
    /// The file's formatting, for fixes.
    pub style: &'a Style,
    /// The configuration in effect.
    pub settings: &'a Settings,
    /// The daemon configurations of the run, whose defaults apply to the service.
    pub daemon: &'a crate::daemon::Facts,
    /// The service being checked.
    pub service: &'a Service,
    /// The service's mapping.
    pub body: NodeId,
    /// The services it extends, nearest first: the `extends` value node and the base
    /// service's mapping, in this file or in another file of the combined text.
    pub bases: Vec<(NodeId, NodeId)>,
    /// The variables for interpolation, from the project's `.env` file.
    pub variables: &'a HashMap<String, String>,
    /// The project, for files that services refer to; `None` for text linted without a path.
    pub project: Option<&'a Project>,
    /// The keys of each layer after merge keys, in the order of [`ServiceContext::layers`].
    /// Rules look up dozens of keys per service, most of them absent. Searching a list of a
    /// layer's keys is faster than a lookup through its merge keys each time.
    layer_keys: Vec<Vec<(&'a str, Entry)>>,
}

/// A scalar setting after interpolation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    /// The key is not set.
    Absent,
    /// The value, interpolated with defaults.
    Value(String),
    /// The value depends on a variable without a value or default.
    Unknown {
        /// The variable's name.
        variable: String,
    },
    /// The value is a mapping or a sequence where a scalar belongs.
    NotScalar,
}

impl<'a> ServiceContext<'a> {
    /// The YAML tree of the file.
    pub fn tree(&self) -> &'a Tree {
        &self.file.tree
    }

    /// The service's name.
    pub fn name(&self) -> &'a str {
        &self.service.name
    }

    /// The span of the service's name key, where findings about missing keys point.
    pub fn name_span(&self) -> Span {
        self.tree().node(self.service.key).span
    }

    /// Returns the mappings that define the service, in the order Compose looks a key up: the later
    /// files of the project (an override wins), the service itself, then the services it
    /// extends, nearest first. Each comes with the `extends` node it is merged through.
    fn layers(&self) -> impl Iterator<Item = (NodeId, Option<NodeId>)> + '_ {
        layers_of(self.service, self.body, &self.bases)
    }

    /// Returns the entry of `key` in each layer that sets it, with the layer's `extends` node.
    fn layer_entries<'k>(
        &'k self,
        key: &'k str,
    ) -> impl Iterator<Item = (Entry, Option<NodeId>)> + 'k {
        self.layers()
            .zip(&self.layer_keys)
            .filter_map(move |((_, extends), keys)| {
                let (_, entry) = keys.iter().find(|(name, _)| *name == key)?;
                Some((*entry, extends))
            })
    }

    /// Looks a key up in the service, through merge keys and across the files of the project.
    ///
    /// A key set in an override file wins over the service's own. A key the service does not
    /// set is looked up in the services it `extends`, nearest first. An entry from a base is
    /// marked as merged from the `extends` key, so fixes override it in the service instead of
    /// editing the base service.
    ///
    /// A key whose value is tagged `!reset` counts as absent: Compose removes such a key when
    /// it merges files, whatever value follows the tag.
    pub fn get(&self, key: &str) -> Option<Entry> {
        self.get_path(&[key])
    }

    /// Looks a dotted path up, such as `["deploy", "resources", "limits", "memory"]`. Compose
    /// merges mappings key by key, so each layer of the service is searched for the whole path
    /// and the first one that has it wins.
    pub fn get_path(&self, path: &[&str]) -> Option<Entry> {
        let (first, rest) = path.split_first()?;
        for (mut entry, extends) in self.layer_entries(first) {
            if is_reset(self.tree().node(entry.value_written).tag.as_deref()) {
                return None;
            }
            entry.merged_from = entry.merged_from.or(extends);
            let mut found = Some(entry);
            let mut map = entry.value;
            for key in rest {
                let nested = self
                    .tree()
                    .is_mapping(map)
                    .then(|| self.tree().get(map, key))
                    .flatten();
                found = nested.map(|mut nested| {
                    nested.merged_from = nested.merged_from.or(entry.merged_from);
                    nested
                });
                let Some(nested) = found else { break };
                map = nested.value;
            }
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Returns every entry of a key whose values Compose adds together across files, such as
    /// `cap_add`, `security_opt`, `ports` or `volumes`: the override's first. A value tagged
    /// `!override` replaces the ones below it, and `!reset` removes them.
    pub fn get_all(&self, key: &str) -> Vec<Entry> {
        let mut found = Vec::new();
        for (mut entry, extends) in self.layer_entries(key) {
            let tag = self.tree().node(entry.value_written).tag.as_deref();
            if is_reset(tag) {
                break;
            }
            entry.merged_from = entry.merged_from.or(extends);
            found.push(entry);
            if tag == Some("!override") {
                break;
            }
        }
        found
    }

    /// Returns every item of the sequences that `get_all` finds for `key`, each with the entry
    /// of its sequence, in the order Compose appends them: the base's items first. A value that
    /// is not a sequence, which Compose rejects, has no items.
    pub fn items_of(&self, key: &str) -> Vec<(Entry, NodeId)> {
        let tree = self.tree();
        self.get_all(key)
            .into_iter()
            .rev()
            .filter(|entry| tree.is_sequence(entry.value))
            .flat_map(|entry| {
                tree.items(entry.value)
                    .iter()
                    .map(move |&item| (entry, item))
            })
            .collect()
    }

    /// Looks a variable up in the project's `.env` values.
    pub fn variable(&self, name: &str) -> Option<String> {
        self.variables.get(name).cloned()
    }

    /// Interpolates a value with the project's variables.
    pub fn interpolate(&self, raw: &str) -> Interpolated {
        interpolate(raw, &|name| self.variable(name))
    }

    /// The interpolated scalar value of an optional entry.
    pub fn setting(&self, entry: Option<Entry>) -> Setting {
        let Some(entry) = entry else {
            return Setting::Absent;
        };
        if self.tree().is_null(entry.value) {
            return Setting::Absent;
        }
        match self.tree().scalar(entry.value) {
            None => Setting::NotScalar,
            Some(raw) => match self.interpolate(raw) {
                Interpolated::Known(value) => Setting::Value(value),
                Interpolated::Unknown { variable } => Setting::Unknown { variable },
            },
        }
    }

    /// Returns the value of top-level mapping `key` (such as `volumes`) in the document that
    /// contains the service.
    pub fn top_level(&self, key: &str) -> Option<NodeId> {
        let tree = self.tree();
        let mut root = self.service.key;
        while let Some(parent) = tree.node(root).parent {
            root = parent;
        }
        tree.get(root, key)
            .map(|e| e.value)
            .filter(|&v| tree.is_mapping(v))
    }

    /// Returns each `volumes` entry of the service (one per file that sets it) with its mounts,
    /// named volumes looked up in the top-level `volumes` section. As Compose merges them by
    /// container path, a mount that a later file replaces at the same path is left out.
    pub fn mounts(&self) -> Vec<(Entry, Vec<Mount>)> {
        let top_level = self.top_level("volumes");
        let lookup = |name: &str| self.variable(name);
        let mut targets: Vec<String> = Vec::new();
        let mut found = Vec::new();
        for entry in self.get_all("volumes") {
            if !self.tree().is_sequence(entry.value) {
                continue;
            }
            let mut list = mounts(self.tree(), entry.value, top_level, &lookup);
            list.retain(|m| m.target.as_ref().is_none_or(|t| !targets.contains(t)));
            targets.extend(list.iter().filter_map(|m| m.target.clone()));
            found.push((entry, list));
        }
        found
    }

    /// Returns each `ports` entry of the service (one per file that sets it) with its ports.
    pub fn ports(&self) -> Vec<(Entry, Vec<crate::compose::ports::Port>)> {
        let lookup = |name: &str| self.variable(name);
        self.get_all("ports")
            .into_iter()
            .filter(|entry| self.tree().is_sequence(entry.value))
            .map(|entry| {
                let found = crate::compose::ports::ports(self.tree(), entry.value, &lookup);
                (entry, found)
            })
            .collect()
    }

    /// Returns an editor for the file.
    pub fn editor(&self) -> Editor<'a> {
        Editor::new(&self.file.tree, self.file.text, self.style)
    }

    /// Returns an edit that adds `key: value` to the service's own mapping. A key merged from
    /// an anchor is overridden this way; the shared anchor is never edited.
    ///
    /// When the service already writes the key with an empty value (`cap_drop:`) or a `!reset`
    /// tag, that value is replaced instead, so the key is never written twice.
    pub fn add_key(&self, key: &str, value: &NewValue) -> Result<Edit, String> {
        if self.service.is_alias {
            return Err(format!(
                "service `{}` is an alias of a shared mapping, which dhlint does not edit",
                self.name()
            ));
        }
        if let Some(own) = self
            .tree()
            .get(self.body, key)
            .filter(|e| e.merged_from.is_none())
        {
            let node = self.tree().node(own.value_written);
            if self.tree().is_null(own.value_written) || is_reset(node.tag.as_deref()) {
                return self.editor().replace_value(own.value_written, value);
            }
            return Err(format!("the service already sets `{key}`"));
        }
        self.editor().insert_entry(self.body, key, value)
    }

    /// Returns an edit that sets scalar `key` to `value`: the value is replaced when the service
    /// itself writes the key, and an own key is added otherwise.
    pub fn set_scalar(&self, key: &str, entry: Option<Entry>, value: &str) -> Result<Edit, String> {
        match entry {
            Some(entry) if entry.merged_from.is_none() => {
                let written = entry.value_written;
                match self
                    .tree()
                    .scalar(written)
                    .and_then(|raw| with_default(raw, value))
                {
                    // `${RO:-false}` keeps its variable: only the default changes.
                    Some(interpolated) => self.editor().replace_scalar(written, &interpolated),
                    None => self.editor().replace_scalar(written, value),
                }
            }
            _ => self.add_key(key, &NewValue::Scalar(value.to_owned())),
        }
    }

    /// Returns the mapping at `path` when every step of it is written in the service itself,
    /// not merged from an anchor, so that it can be edited. The service's mapping in the latest
    /// file of the project that writes the whole path is used, since its values win.
    pub fn own_mapping(&self, path: &[&str]) -> Option<NodeId> {
        let own_layers = self.service.overrides.iter().rev().chain([&self.body]);
        own_layers.into_iter().find_map(|&layer| {
            let mut map = layer;
            for key in path {
                let entry = self.tree().get(map, key)?;
                if entry.merged_from.is_some() || entry.value != entry.value_written {
                    return None;
                }
                map = entry.value;
            }
            self.tree().is_mapping(map).then_some(map)
        })
    }

    /// The span of an entry's key and value, for findings about a value that is set.
    pub fn entry_span(&self, entry: Entry) -> Span {
        let tree = self.tree();
        tree.node(entry.key)
            .span
            .cover(tree.node(entry.value_written).span)
    }

    /// A diagnostic at `span`, with a "merged here" label when `entry` came through a merge key.
    pub fn diagnostic_at(
        &self,
        rule: &'static RuleMeta,
        span: Span,
        entry: Option<Entry>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(rule, span, message);
        if let Some(source) = entry.and_then(|e| e.merged_from) {
            diagnostic = diagnostic.with_related(
                self.tree().node(source).span,
                format!("merged into service `{}` here", self.name()),
            );
        } else if let Some(entry) = entry.filter(|e| e.value != e.value_written) {
            // The value is an alias (`volumes: *shared`) and the finding lies in the anchored
            // value, which another service writes. Name this service at its alias, so the
            // finding kept for the anchored text lists every service that uses it.
            let anchored = self.tree().node(entry.value).span;
            if anchored.start <= span.start && span.end <= anchored.end {
                diagnostic = diagnostic.with_related(
                    self.tree().node(entry.value_written).span,
                    format!("used by service `{}` here", self.name()),
                );
            }
        }
        diagnostic
    }

    /// A diagnostic for a key that is missing: on the service's name, or on the key when the
    /// service writes it with a `!reset` tag, which removes it.
    pub fn missing(
        &self,
        rule: &'static RuleMeta,
        key: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let reset = self.layers().find_map(|(layer, _)| {
            self.tree()
                .get(layer, key)
                .filter(|entry| is_reset(self.tree().node(entry.value_written).tag.as_deref()))
        });
        match reset {
            Some(entry) => Diagnostic::new(rule, self.entry_span(entry), message)
                .with_related(self.name_span(), "in this service"),
            None => Diagnostic::new(rule, self.name_span(), message),
        }
    }

    /// An info diagnostic saying that a value cannot be judged because of a variable.
    pub fn unknown(
        &self,
        rule: &'static RuleMeta,
        entry: Entry,
        key: &str,
        variable: &str,
    ) -> Diagnostic {
        let span = self.tree().node(entry.value_written).span;
        self.diagnostic_at(
            rule,
            span,
            Some(entry),
            format!(
                "Service `{}` sets `{key}` from variable `{variable}`, which has no default, so \
                 dhlint cannot tell its value",
                self.name()
            ),
        )
        .with_severity(Severity::Info)
        .with_label("value depends on a variable")
        .with_help(format!(
            "Give `{variable}` a default, such as `${{{variable}:-...}}`"
        ))
    }
}

/// Returns `${NAME:-new}` for a value that is exactly one interpolation with a default
/// (`${NAME:-old}` or `${NAME-old}`), so a fix can change the default and keep the variable.
fn with_default(raw: &str, new: &str) -> Option<String> {
    let references = crate::compose::interpolate::references(raw);
    let [reference] = references.as_slice() else {
        return None;
    };
    if reference.range != (0..raw.len()) {
        return None;
    }
    let operator = reference.operator.filter(|op| matches!(*op, ":-" | "-"))?;
    Some(format!("${{{}{operator}{new}}}", reference.name))
}

/// Whether a tag is Compose's `!reset`, which removes the key it is on.
fn is_reset(tag: Option<&str>) -> bool {
    tag == Some("!reset")
}

/// Parses a boolean setting the way Compose does after interpolation: `true`, `y`, `yes` and
/// `on` in any case are true, `false`, `n`, `no` and `off` are false, and Compose rejects
/// anything else, such as `1`.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "y" | "yes" | "on" => Some(true),
        "false" | "n" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Parses a boolean that the Docker engine reads with Go's `strconv.ParseBool`, such as the
/// value of `no-new-privileges:true` in `security_opt`.
pub fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "true" | "True" | "TRUE" | "t" | "T" | "1" => Some(true),
        "false" | "False" | "FALSE" | "f" | "F" | "0" => Some(false),
        _ => None,
    }
}

/// Parses a byte size such as `512m`, `1.5g`, `256MB` or `268435456`. Negative values parse.
pub fn parse_bytes(value: &str) -> Option<f64> {
    let value = value.trim().to_ascii_lowercase();
    let digits_end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(value.len());
    let number: f64 = value[..digits_end].parse().ok()?;
    let multiplier = match value[digits_end..].trim() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0_f64.powi(4),
        _ => return None,
    };
    Some(number * multiplier)
}

/// How a Compose file is checked.
#[derive(Clone, Copy, Debug)]
pub struct CheckOptions<'a> {
    /// The file is an override (`compose.override.yaml`) whose base file was not found, so it
    /// is not expected to repeat every setting.
    pub fragment: bool,
    /// The configuration in effect.
    pub settings: &'a Settings,
    /// The daemon configurations of the run.
    pub daemon: &'a crate::daemon::Facts,
    /// The variables for interpolation.
    pub variables: &'a HashMap<String, String>,
    /// The project the file belongs to, when it has a path.
    pub project: Option<&'a Project>,
}

/// Returns the mappings that define a service, in the order Compose looks a key up (see
/// [`ServiceContext::layers`]).
fn layers_of<'a>(
    service: &'a Service,
    body: NodeId,
    bases: &'a [(NodeId, NodeId)],
) -> impl Iterator<Item = (NodeId, Option<NodeId>)> + 'a {
    let overrides = service.overrides.iter().rev().map(|&b| (b, None));
    let bases = bases.iter().map(|&(extends, base)| (base, Some(extends)));
    overrides.chain([(body, None)]).chain(bases)
}

/// Runs every Compose rule on every service of `file`.
pub fn check(file: &ComposeFile, options: CheckOptions, out: &mut Vec<Diagnostic>) {
    let style = Style::detect(&file.tree, file.text);
    for problem in &file.problems {
        out.push(match problem {
            Problem::DuplicateKey {
                name,
                first,
                duplicate,
            } => Diagnostic::new(
                &tool::DUPLICATE_KEY,
                *duplicate,
                format!("Duplicate key `{name}`, which Compose rejects"),
            )
            .with_label("repeated here")
            .with_related(*first, "first written here")
            .with_help(if name == crate::yaml::MERGE_KEY {
                "Combine the merge sources in one key, such as `<<: [*base, *logs]`"
            } else {
                "Remove one of the two keys"
            }),
            Problem::Invalid { message, span } => {
                Diagnostic::new(&tool::INVALID_COMPOSE, *span, capitalize(message))
            }
        });
    }
    check_references(file, &options, out);
    // Most files extend nothing, so the index is built only for a file that needs it.
    let index = std::cell::OnceCell::new();
    for service in &file.services {
        // A service with a duplicate key is refused by Compose, so judging it would only guess
        // which of the two values counts.
        let (Some(body), false) = (service.body, service.has_duplicate_keys) else {
            continue;
        };
        let chain = extended_services(file, &index, service, body);
        out.extend(chain.problems);
        let layer_keys = layers_of(service, body, &chain.bases)
            .map(|(layer, _)| file.tree.effective_keys(layer))
            .collect();
        let cx = ServiceContext {
            file,
            style: &style,
            settings: options.settings,
            daemon: options.daemon,
            service,
            body,
            bases: chain.bases,
            variables: options.variables,
            project: options.project,
            layer_keys,
        };
        let mut found = Vec::new();
        read_only_rootfs::check(&cx, &mut found);
        cap_drop_all::check(&cx, &mut found);
        memory_limit::check(&cx, &mut found);
        pids_limit::check(&cx, &mut found);
        secret_in_environment::check(&cx, &mut found);
        non_root_user::check(&cx, &mut found);
        no_new_privileges::check(&cx, &mut found);
        privileged::check(&cx, &mut found);
        docker_socket::check(&cx, &mut found);
        host_namespaces::check(&cx, &mut found);
        security_opt::check(&cx, &mut found);
        cap_add::check(&cx, &mut found);
        sensitive_host_mount::check(&cx, &mut found);
        host_devices::check(&cx, &mut found);
        mount_propagation::check(&cx, &mut found);
        port_all_interfaces::check(&cx, &mut found);
        privileged_host_port::check(&cx, &mut found);
        cpu_limit::check(&cx, &mut found);
        log_rotation::check(&cx, &mut found);
        healthcheck::check(&cx, &mut found);
        restart_policy::check(&cx, &mut found);
        image_pinned::check(&cx, &mut found);
        cgroup_parent::check(&cx, &mut found);
        oom_kill_disable::check(&cx, &mut found);
        default_bridge_network::check(&cx, &mut found);
        consistency::check(&cx, &mut found);
        // An override file without its base, or a service extending one in a file that could
        // not be read, states only part of the service: a key it does not set may be set
        // elsewhere. Findings about missing keys point at the service's name, so those are the
        // ones dropped.
        if options.fragment || chain.incomplete {
            let name_span = cx.name_span();
            found.retain(|d| d.span != name_span);
        }
        for diagnostic in &mut found {
            relocate(&cx, diagnostic);
        }
        out.extend(found);
    }
}

/// Reports `env_file` and `include` files of the linted file that cannot be read, and an
/// `include` that leads back to the file.
fn check_references(file: &ComposeFile, options: &CheckOptions, out: &mut Vec<Diagnostic>) {
    let Some(project) = options.project else {
        return;
    };
    let own = &file.parts[file.own];
    if own.path.as_os_str().is_empty() {
        return;
    }
    if let Some((path, reason)) = &project.env_error {
        out.push(
            Diagnostic::new(
                &tool::INVALID_COMPOSE,
                Span::empty(own.range.start),
                format!(
                    "Variables file `{}` cannot be read, so values that use its variables are \
                     unknown: {}",
                    crate::compose::project::shown(path),
                    reading_problem(reason)
                ),
            )
            .with_label("interpolated with that file")
            .with_help("Save the file as UTF-8 text in the `KEY=VALUE` format"),
        );
    }
    let lookup = |name: &str| options.variables.get(name).cloned();
    for reference in references(&file.tree, &own.documents, &own.path, &lookup) {
        let span = file.tree.node(reference.node).span;
        let (what, help) = match reference.kind {
            ReferenceKind::EnvFile => (
                "Env file",
                "Fix the path, which is relative to this file's folder, or mark the file \
                 optional with `required: false` in the long syntax",
            ),
            ReferenceKind::Include => (
                "Included file",
                "Fix the path, which is relative to this file's folder",
            ),
        };
        match project.read(&reference.path) {
            Err(reason) if reference.required => out.push(
                Diagnostic::new(
                    &tool::INVALID_COMPOSE,
                    span,
                    format!(
                        "{what} `{}` cannot be read: {}",
                        tree_text(file, reference.node),
                        reading_problem(&reason)
                    ),
                )
                .with_label("this file")
                .with_help(help),
            ),
            Ok(_) if reference.kind == ReferenceKind::Include => {
                let Some(chain) = include_cycle(project, &reference.path, &own.path) else {
                    continue;
                };
                let names: Vec<String> = std::iter::once(own.path.as_path())
                    .chain(chain.iter().map(PathBuf::as_path))
                    .map(crate::compose::project::shown)
                    .collect();
                out.push(
                    Diagnostic::new(
                        &tool::INVALID_COMPOSE,
                        span,
                        format!("`include` forms a cycle: {}", names.join(" → ")),
                    )
                    .with_label("leads back to this file")
                    .with_help("Remove one `include` of the cycle; Compose refuses it"),
                );
            }
            _ => {}
        }
    }
}

/// Shortens a message from reading a file that a Compose file names to the problem itself:
/// without the "Cannot read the file" lead, the guess about symlinks and the advice meant for
/// files that dhlint lints by name.
fn reading_problem(reason: &str) -> String {
    let reason = reason
        .strip_prefix("Cannot read the file: ")
        .unwrap_or(reason);
    let reason = reason
        .split(", not a Compose file")
        .next()
        .unwrap_or(reason);
    let reason = reason
        .trim_end_matches(" (a broken symlink?)")
        .trim_end_matches('.');
    // The reader's messages are sentences; here the problem follows a colon.
    match reason.strip_prefix("File ") {
        Some(rest) => format!("the file {rest}"),
        None => reason.to_owned(),
    }
}

/// Returns the scalar at `node` as YAML read it.
fn tree_text<'a>(file: &'a ComposeFile, node: NodeId) -> &'a str {
    file.tree.scalar(node).unwrap_or_default()
}

/// The services one service extends, as far as they could be followed.
struct Chain {
    /// The `extends` value node and the base service's mapping, nearest first.
    bases: Vec<(NodeId, NodeId)>,
    /// Whether the chain stops at a base that could not be read, so keys may be missing.
    incomplete: bool,
    /// Why the chain could not be followed: a missing file or service, or a cycle.
    problems: Vec<Diagnostic>,
}

/// How many services one `extends` chain may pass through; Compose sets no limit, but a longer
/// chain in hostile input would make every service of it slow to check.
const MAX_EXTENDS_DEPTH: usize = 64;

/// The services of every part by part and name, for following `extends` in constant time.
struct ServiceIndex(HashMap<(usize, String), NodeId>);

impl ServiceIndex {
    fn new(file: &ComposeFile) -> ServiceIndex {
        let tree = &file.tree;
        let mut index = HashMap::new();
        for (part, documents) in file.parts.iter().map(|p| &p.documents).enumerate() {
            for &root in documents {
                let Some(services) = tree.get(root, "services") else {
                    continue;
                };
                if !tree.is_mapping(services.value) {
                    continue;
                }
                for (name, entry) in tree.effective_entries(services.value) {
                    if tree.is_mapping(entry.value) {
                        index.entry((part, name)).or_insert(entry.value);
                    }
                }
            }
        }
        ServiceIndex(index)
    }

    fn get(&self, part: usize, name: &str) -> Option<NodeId> {
        self.0.get(&(part, name.to_owned())).copied()
    }
}

/// Follows `extends`, in the same file and into other files (`extends: {file: ...}`), which
/// the project loaded beside the file. A problem found in another file is reported at the
/// service's own `extends`, since that file is not linted for it.
fn extended_services(
    file: &ComposeFile,
    index: &std::cell::OnceCell<ServiceIndex>,
    service: &Service,
    body: NodeId,
) -> Chain {
    let tree = &file.tree;
    let mut chain = Chain {
        bases: Vec::new(),
        incomplete: false,
        problems: Vec::new(),
    };
    let Some(first) = tree.get(body, "extends") else {
        return chain;
    };
    let index = index.get_or_init(|| ServiceIndex::new(file));
    let first_site = first.value_written;
    // The span to report a problem at `node` with: the node itself in the service's file, the
    // service's own `extends` otherwise.
    let site = |node: NodeId| {
        let span = tree.node(node).span;
        if file.part_at(span.start) == Some(service.part) {
            span
        } else {
            tree.node(first_site).span
        }
    };
    let mut current = body;
    let mut part = service.part;
    let mut names = vec![service.name.clone()];
    let mut seen = vec![body];
    while let Some(extends) = tree.get(current, "extends") {
        if chain.bases.len() == MAX_EXTENDS_DEPTH {
            chain.incomplete = true;
            chain.problems.push(
                Diagnostic::new(
                    &tool::INVALID_COMPOSE,
                    site(extends.value_written),
                    format!(
                        "Service `{}` extends a chain of more than {MAX_EXTENDS_DEPTH} services, \
                         which dhlint does not follow",
                        service.name
                    ),
                )
                .with_label("chain starts here")
                .with_help("Shorten the chain of `extends`"),
            );
            break;
        }
        let (name, file_node) = match tree.scalar(extends.value) {
            Some(name) => (Some(name.to_owned()), None),
            None => (
                tree.get(extends.value, "service")
                    .and_then(|e| tree.scalar(e.value))
                    .map(str::to_owned),
                tree.get(extends.value, "file"),
            ),
        };
        let Some(name) = name else { break };
        let extender = names[names.len() - 1].clone();
        let base_part = match file_node.map(|f| (f, file.extends_files.get(&f.value))) {
            None => part,
            Some((_, Some(Ok(index)))) => *index,
            Some((entry, outcome)) => {
                chain.incomplete = true;
                if let Some(Err(reason)) = outcome {
                    chain.problems.push(
                        Diagnostic::new(
                            &tool::INVALID_COMPOSE,
                            site(entry.value_written),
                            format!(
                                "Service `{extender}` extends a service in a file that cannot be \
                                 read: {}",
                                reading_problem(reason)
                            ),
                        )
                        .with_label("this file")
                        .with_help("Fix the path, which is relative to this file's folder"),
                    );
                }
                break;
            }
        };
        let Some(base) = index.get(base_part, &name) else {
            chain.incomplete = true;
            chain.problems.push(
                Diagnostic::new(
                    &tool::INVALID_COMPOSE,
                    site(extends.value_written),
                    format!("Service `{extender}` extends service `{name}`, which is not defined"),
                )
                .with_label("unknown service")
                .with_help("Name a service defined in the extended file"),
            );
            break;
        };
        names.push(name);
        if seen.contains(&base) {
            chain.problems.push(
                Diagnostic::new(
                    &tool::INVALID_COMPOSE,
                    tree.node(first_site).span,
                    format!("`extends` forms a cycle: {}", names.join(" → ")),
                )
                .with_label("the chain leads back here")
                .with_help("Remove one `extends` of the cycle; Compose rejects it"),
            );
            break;
        }
        seen.push(base);
        // A key from a base in another file is reported at the service's own `extends`, the
        // place in the linted file where it comes in.
        let merged_at = if base_part == service.part {
            extends.value_written
        } else {
            first_site
        };
        chain.bases.push((merged_at, base));
        current = base;
        part = base_part;
    }
    chain
}

/// Moves a finding whose text lies in a file that no run reports to the service that uses it.
/// Such a file is one that services only extend, or an override that is a symlink. The finding
/// moves to a label in a reported file, such as the `extends` it is merged through, or else to
/// the service's name. The value's own place stays as a label, which becomes a note naming that
/// file.
fn relocate(cx: &ServiceContext, diagnostic: &mut Diagnostic) {
    let file = cx.file;
    let reported = |span: Span| {
        file.part_at(span.start)
            .is_some_and(|part| file.parts[part].reported)
    };
    if reported(diagnostic.span) {
        return;
    }
    let label = match diagnostic.related.iter().position(|l| reported(l.span)) {
        Some(at) => diagnostic.related.remove(at),
        None => crate::diagnostic::Label {
            span: cx.name_span(),
            text: format!("in service `{}`", cx.name()),
        },
    };
    let value = crate::diagnostic::Label {
        span: diagnostic.span,
        text: "the value comes from here".into(),
    };
    diagnostic.span = label.span;
    diagnostic.label = label.text;
    diagnostic.related.push(value);
}

fn capitalize(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("512m"), Some(512.0 * 1024.0 * 1024.0));
        assert_eq!(parse_bytes("256M"), parse_bytes("268435456"));
        assert_eq!(parse_bytes("1.5g"), Some(1.5 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_bytes("-1"), Some(-1.0));
        assert_eq!(parse_bytes("lots"), None);
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool("False"), Some(false));
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("off"), Some(false));
        assert_eq!(parse_bool("1"), None);
        assert_eq!(parse_go_bool("1"), Some(true));
        assert_eq!(parse_go_bool("yes"), None);
    }
}
