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
    /// The services it extends in the same file, nearest first: the `extends` value node and
    /// the base service's mapping.
    pub bases: Vec<(NodeId, NodeId)>,
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

    /// Looks a key up in the service, through merge keys.
    ///
    /// A key the service does not set is looked up in the services it `extends` in the same
    /// file, nearest first; such an entry is marked as merged from the `extends` key, so fixes
    /// override it in the service instead of editing the base service.
    ///
    /// A key whose value is tagged `!reset` counts as absent: Compose removes such a key when
    /// it merges files, whatever value follows the tag.
    pub fn get(&self, key: &str) -> Option<Entry> {
        if let Some(entry) = self.tree().get(self.body, key) {
            let tag = self.tree().node(entry.value_written).tag.as_deref();
            return (!is_reset(tag)).then_some(entry);
        }
        self.bases.iter().find_map(|&(extends, base)| {
            let mut entry = self.tree().get(base, key)?;
            entry.merged_from = Some(extends);
            Some(entry)
        })
    }

    /// Looks a dotted path up, such as `["deploy", "resources", "limits", "memory"]`.
    pub fn get_path(&self, path: &[&str]) -> Option<Entry> {
        let (first, rest) = path.split_first()?;
        let mut found = Some(self.get(first)?);
        let mut map = found?.value;
        for key in rest {
            if !self.tree().is_mapping(map) {
                return None;
            }
            let mut entry = self.tree().get(map, key)?;
            entry.merged_from = entry
                .merged_from
                .or(found.and_then(|f: Entry| f.merged_from));
            map = entry.value;
            found = Some(entry);
        }
        found
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
            Some(raw) => match interpolate(raw, &|_| None) {
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

    /// Returns the service's `volumes` entry and its mounts, with named volumes looked up in the
    /// top-level `volumes` section, or `None` when the service has no `volumes` list.
    pub fn mounts(&self) -> Option<(Entry, Vec<Mount>)> {
        let entry = self.get("volumes")?;
        if !self.tree().is_sequence(entry.value) {
            return None;
        }
        let top_level = self.top_level("volumes");
        Some((entry, mounts(self.tree(), entry.value, top_level)))
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
    /// not merged from an anchor, so that it can be edited.
    pub fn own_mapping(&self, path: &[&str]) -> Option<NodeId> {
        let mut map = self.body;
        for key in path {
            let entry = self.tree().get(map, key)?;
            if entry.merged_from.is_some() || entry.value != entry.value_written {
                return None;
            }
            map = entry.value;
        }
        self.tree().is_mapping(map).then_some(map)
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
        let reset = self
            .tree()
            .get(self.body, key)
            .filter(|entry| is_reset(self.tree().node(entry.value_written).tag.as_deref()));
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

/// Parses a boolean the way Compose does for string values (Go's `strconv.ParseBool`).
pub fn parse_bool(value: &str) -> Option<bool> {
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
    /// The file is an override (`compose.override.yaml`) that Compose merges into a base file,
    /// so it is not expected to repeat every setting.
    pub fragment: bool,
    /// The configuration in effect.
    pub settings: &'a Settings,
    /// The daemon configurations of the run.
    pub daemon: &'a crate::daemon::Facts,
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
    for service in &file.services {
        // A service with a duplicate key is refused by Compose, so judging it would only guess
        // which of the two values counts.
        let (Some(body), false) = (service.body, service.has_duplicate_keys) else {
            continue;
        };
        let (bases, base_elsewhere) = extended_services(file, body);
        let cx = ServiceContext {
            file,
            style: &style,
            settings: options.settings,
            daemon: options.daemon,
            service,
            body,
            bases,
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
        // An override file, or a service extending one in another file, states only part of
        // the service: a key it does not set may be set elsewhere. Findings about missing keys
        // point at the service's name, so those are the ones dropped.
        if options.fragment || base_elsewhere {
            let name_span = cx.name_span();
            found.retain(|d| d.span != name_span);
        }
        out.extend(found);
    }
}

/// Follows `extends` within the file: the chain of base services, nearest first, and whether
/// the chain continues into another file (`extends: {file: …}`), which is not read.
fn extended_services(file: &ComposeFile, body: NodeId) -> (Vec<(NodeId, NodeId)>, bool) {
    let tree = &file.tree;
    let mut bases = Vec::new();
    let mut current = body;
    let mut seen = vec![body];
    while let Some(extends) = tree.get(current, "extends") {
        let (name, other_file) = match tree.scalar(extends.value) {
            Some(name) => (Some(name), false),
            None => (
                tree.get(extends.value, "service")
                    .and_then(|e| tree.scalar(e.value)),
                tree.get(extends.value, "file").is_some(),
            ),
        };
        if other_file {
            return (bases, true);
        }
        let Some(base) = name
            .and_then(|name| file.services.iter().find(|s| s.name == name))
            .and_then(|s| s.body)
        else {
            break;
        };
        if seen.contains(&base) {
            break;
        }
        seen.push(base);
        bases.push((extends.value_written, base));
        current = base;
    }
    (bases, false)
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
        assert_eq!(parse_bool("yes"), None);
    }
}
