//! Rules for Docker daemon configuration files (`daemon.json`) and the context they share.
//!
//! A rule reads a top-level key through [`DaemonContext`], which returns a value only when it
//! has the type dockerd expects. A key of the wrong type is reported by DH320 alone, since
//! dockerd does not start with it and any other judgement would guess.

pub mod api_tcp_without_tls;
pub mod daemon_options;
pub mod invalid_config;
pub mod isolation;
pub mod logging;
pub mod network;
pub mod registries;
pub mod storage;

use crate::config::Settings;
use crate::daemon::{DaemonFile, Member};
use crate::diagnostic::Diagnostic;
use crate::fix::json::{JsonEditor, JsonValue};
use crate::fix::{Edit, Fix};
use crate::rules::RuleMeta;
use crate::source::Span;
use crate::yaml::NodeId;

/// A top-level setting as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Setting<T> {
    /// The key is absent or `null`, so dockerd uses its default.
    Absent,
    /// The key's value.
    Set(Member, T),
    /// The value has the wrong type, which DH320 reports.
    Invalid,
}

/// The view of one daemon configuration that the rules read.
pub struct DaemonContext<'a> {
    /// The parsed file.
    pub file: &'a DaemonFile<'a>,
    /// The configuration in effect.
    pub settings: &'a Settings,
}

impl<'a> DaemonContext<'a> {
    /// Looks a top-level key up and converts its value with `read`, which returns `None` for
    /// the wrong type.
    fn lookup<T>(&self, key: &str, read: impl Fn(NodeId) -> Option<T>) -> Setting<T> {
        let Some(member) = self.file.member(key) else {
            return Setting::Absent;
        };
        if self.file.json_type(member.value) == crate::daemon::JsonType::Null {
            return Setting::Absent;
        }
        match read(member.value) {
            Some(value) => Setting::Set(member, value),
            None => Setting::Invalid,
        }
    }

    /// Reads a boolean setting.
    pub fn boolean(&self, key: &str) -> Setting<bool> {
        self.lookup(key, |id| self.file.boolean(id))
    }

    /// Reads a string setting.
    pub fn string(&self, key: &str) -> Setting<&'a str> {
        self.lookup(key, |id| self.file.string(id))
    }

    /// Reads an array-of-strings setting, with each item's node.
    pub fn strings(&self, key: &str) -> Setting<Vec<(NodeId, &'a str)>> {
        let file = self.file;
        self.lookup(key, |id| {
            if file.json_type(id) != crate::daemon::JsonType::Array {
                return None;
            }
            file.tree
                .items(id)
                .iter()
                .map(|&item| file.string(item).map(|s| (item, s)))
                .collect()
        })
    }

    /// Reads an object setting.
    pub fn object(&self, key: &str) -> Setting<NodeId> {
        let file = self.file;
        self.lookup(key, |id| {
            (file.json_type(id) == crate::daemon::JsonType::Object).then_some(id)
        })
    }

    /// Returns the span of a node.
    pub fn span(&self, id: NodeId) -> Span {
        self.file.tree.node(id).span
    }

    /// Creates a diagnostic for a top-level key that is missing, at the file's opening `{`.
    pub fn missing(&self, rule: &'static RuleMeta, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(rule, self.file.root_span(), message)
    }

    /// Creates a diagnostic at the value of `member`.
    pub fn at_value(
        &self,
        rule: &'static RuleMeta,
        member: Member,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule, self.span(member.value), message)
    }

    /// Returns an editor for the file.
    pub fn editor(&self) -> JsonEditor<'a> {
        JsonEditor::new(self.file)
    }

    /// Returns an edit that sets top-level `key` to the JSON literal `json`: the value is
    /// replaced when the key is written, and a member is added at the end otherwise.
    pub fn set(&self, key: &str, json: &str) -> Result<Edit, String> {
        match self.file.member(key) {
            Some(member) => self.editor().replace_value(member.value, json),
            None => self.insert(key, &JsonValue::Literal(json.to_owned())),
        }
    }

    /// Returns an edit that removes top-level `key` with its comma.
    pub fn remove(&self, key: &str) -> Result<Edit, String> {
        let Some(root) = self.file.root else {
            return Err("the file is empty".into());
        };
        let members = self.file.members(root);
        let mut positions = members
            .iter()
            .enumerate()
            .filter(|&(_, &m)| self.file.key_name(m) == key)
            .map(|(index, _)| index);
        match (positions.next(), positions.next()) {
            (Some(index), None) => self.editor().remove_member(root, index),
            (Some(_), Some(_)) => Err(format!("`{key}` is written more than once")),
            (None, _) => Err(format!("`{key}` was not found")),
        }
    }

    /// Returns an edit that adds `key` to the top-level object.
    pub fn insert(&self, key: &str, value: &JsonValue) -> Result<Edit, String> {
        let Some(root) = self.file.root else {
            return Err("the file is empty, so there is no object to add a key to".into());
        };
        if self
            .file
            .members(root)
            .iter()
            .any(|&m| self.file.key_name(m) == key)
        {
            return Err(format!("the file already writes `{key}`"));
        }
        self.editor().insert_member(root, key, value)
    }
}

/// Runs every daemon rule on `file`.
pub fn check(file: &DaemonFile, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let cx = DaemonContext { file, settings };
    invalid_config::check(&cx, out);
    api_tcp_without_tls::check(&cx, out);
    isolation::check(&cx, out);
    daemon_options::check(&cx, out);
    logging::check(&cx, out);
    network::check(&cx, out);
    registries::check(&cx, out);
    storage::check(&cx, out);
}

/// A boolean default that a rule expects to have a certain value.
pub struct BoolDefault {
    /// The rule.
    pub rule: &'static RuleMeta,
    /// The top-level key.
    pub key: &'static str,
    /// The value that passes.
    pub expected: bool,
    /// The daemon's behaviour when the key is absent or has the other value, as words that
    /// complete "The daemon ...".
    pub consequence: &'static str,
    /// Whether the fix that sets the expected value is offered (always unsafe).
    pub fix: bool,
}

/// Flags `default.key` when it is absent or not `default.expected`.
pub fn check_bool(cx: &DaemonContext, default: &BoolDefault, out: &mut Vec<Diagnostic>) {
    let BoolDefault {
        rule,
        key,
        expected,
        consequence,
        fix,
    } = *default;
    let diagnostic = match cx.boolean(key) {
        Setting::Absent => cx
            .missing(
                rule,
                format!("`{key}` is not set, so the daemon {consequence}"),
            )
            .with_label(format!("no `\"{key}\": {expected}`")),
        Setting::Set(member, value) if value != expected => cx
            .at_value(
                rule,
                member,
                format!("`\"{key}\": {value}` means the daemon {consequence}"),
            )
            .with_label(format!("set to {value}")),
        _ => return,
    };
    let diagnostic = diagnostic.with_help(format!("Set `\"{key}\": {expected}`"));
    let diagnostic = if fix {
        diagnostic.with_fix(
            cx.set(key, &expected.to_string())
                .map(|edit| Fix::unsafe_edit(format!("Set `\"{key}\": {expected}`"), edit)),
        )
    } else {
        diagnostic
    };
    out.push(diagnostic);
}
