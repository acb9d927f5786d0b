//! The shared logic of the resource-limit rules: a limit can be written as a service key
//! (`mem_limit`, `pids_limit`, `cpus`) or under `deploy.resources.limits` (`memory`, `pids`,
//! `cpus`), and either spelling satisfies the rule.

use super::{ServiceContext, Setting};
use crate::config::FixDefaults;
use crate::diagnostic::Diagnostic;
use crate::fix::yaml::NewValue;
use crate::fix::{Applicability, Fix};
use crate::rules::RuleMeta;
use crate::yaml::Entry;

/// One resource limit and its two spellings.
pub struct Limit {
    /// The rule reporting a missing limit.
    pub rule: &'static RuleMeta,
    /// The service-level key, such as `mem_limit`.
    pub service_key: &'static str,
    /// The key under `deploy.resources.limits`, such as `memory`.
    pub deploy_key: &'static str,
    /// The resource the limit bounds, for messages (`memory`, `the number of processes`).
    pub what: &'static str,
    /// Parses a value; `None` for a value that is not a number.
    pub parse: fn(&str) -> Option<f64>,
    /// Help text for a missing limit.
    pub help: &'static str,
    /// The value a fix writes, from the `[fix]` settings.
    pub default: fn(&FixDefaults) -> &str,
}

/// The outcome of reading one spelling of a limit.
enum Reading {
    Absent,
    Positive,
    Unlimited(Entry),
    Unknown(Entry, String),
}

impl Limit {
    fn read(&self, cx: &ServiceContext, entry: Option<Entry>) -> Reading {
        match (cx.setting(entry), entry) {
            (Setting::Absent, _) | (_, None) => Reading::Absent,
            (Setting::Unknown { variable }, Some(entry)) => Reading::Unknown(entry, variable),
            (Setting::Value(value), Some(entry)) => match (self.parse)(&value) {
                Some(n) if n > 0.0 => Reading::Positive,
                _ => Reading::Unlimited(entry),
            },
            (Setting::NotScalar, Some(entry)) => Reading::Unlimited(entry),
        }
    }

    /// Returns whether either spelling sets a positive limit, or a value that depends on a
    /// variable without a default and so may be one.
    pub fn may_be_set(&self, cx: &ServiceContext) -> bool {
        let service_entry = cx.get(self.service_key);
        let deploy_entry = cx.get_path(&["deploy", "resources", "limits", self.deploy_key]);
        [self.read(cx, service_entry), self.read(cx, deploy_entry)]
            .iter()
            .any(|r| matches!(r, Reading::Positive | Reading::Unknown(..)))
    }

    /// Reports the service when neither spelling sets a positive limit.
    pub fn check(&self, cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
        let service_entry = cx.get(self.service_key);
        let deploy_entry = cx.get_path(&["deploy", "resources", "limits", self.deploy_key]);
        let readings = [self.read(cx, service_entry), self.read(cx, deploy_entry)];
        if readings.iter().any(|r| matches!(r, Reading::Positive)) {
            return;
        }
        if let Some((entry, variable)) = readings.iter().find_map(|r| match r {
            Reading::Unknown(entry, variable) => Some((*entry, variable)),
            _ => None,
        }) {
            let key = cx.tree().scalar(entry.key).unwrap_or(self.service_key);
            out.push(cx.unknown(self.rule, entry, key, variable));
            return;
        }
        let fix = self.fix(cx);
        let diagnostic = match readings.iter().find_map(|r| match r {
            Reading::Unlimited(entry) => Some(*entry),
            _ => None,
        }) {
            Some(entry) => {
                let key = cx.tree().scalar(entry.key).unwrap_or(self.service_key);
                cx.diagnostic_at(
                    self.rule,
                    cx.entry_span(entry),
                    Some(entry),
                    format!(
                        "Service `{}` sets `{key}` to a value that means no limit on {}",
                        cx.name(),
                        self.what
                    ),
                )
                .with_label("not a positive limit")
            }
            None => match cx
                .get_path(&["deploy", "resources", "limits"])
                .filter(|limits| cx.tree().is_mapping(limits.value))
            {
                // A limits block without this limit is where the limit belongs, so point there.
                Some(limits) => cx
                    .diagnostic_at(
                        self.rule,
                        cx.tree().node(limits.key).span,
                        Some(limits),
                        format!(
                            "Service `{}` has no limit on {}: `deploy.resources.limits` has no \
                             `{}`",
                            cx.name(),
                            self.what,
                            self.deploy_key
                        ),
                    )
                    .with_label(format!("no `{}`", self.deploy_key)),
                None => cx
                    .missing(
                        self.rule,
                        self.service_key,
                        format!("Service `{}` has no limit on {}", cx.name(), self.what),
                    )
                    .with_label(format!(
                        "no `{}` or `deploy.resources.limits.{}`",
                        self.service_key, self.deploy_key
                    )),
            },
        };
        out.push(diagnostic.with_help(self.help).with_fix(fix));
    }

    /// Sets the limit where Compose accepts it: replaces a zero or negative value written in
    /// the service, writes into an existing `deploy.resources.limits` block (a service-level key
    /// next to such a block makes Compose reject the project), or adds the service-level key.
    fn fix(&self, cx: &ServiceContext) -> Result<Fix, String> {
        let default = (self.default)(&cx.settings.fix);
        let value = NewValue::Scalar(default.to_owned());
        let service_entry = cx.get(self.service_key);
        if cx.get_path(&["deploy", "resources", "limits"]).is_none() {
            let edit = cx.set_scalar(self.service_key, service_entry, default)?;
            let title = format!("Set `{}: {}`", self.service_key, default);
            return Ok(Fix::safe(title, edit));
        }
        // With a limits block, the limit goes in the block, and a service-level key that is
        // set gets the same value, because Compose rejects the two spellings disagreeing.
        let limits = cx.own_mapping(&["deploy", "resources", "limits"]).ok_or(
            "the service's `deploy.resources.limits` is not a mapping written in the service itself",
        )?;
        let editor = cx.editor();
        let mut edits = vec![match cx.tree().get(limits, self.deploy_key) {
            Some(entry) if !cx.tree().is_null(entry.value) => {
                editor.replace_scalar(entry.value_written, default)?
            }
            Some(entry) => editor.replace_value(entry.value_written, &value)?,
            None => editor.insert_entry(limits, self.deploy_key, &value)?,
        }];
        if let Some(entry) = service_entry.filter(|e| !cx.tree().is_null(e.value)) {
            edits.push(cx.set_scalar(self.service_key, Some(entry), default)?);
        }
        let title = format!(
            "Set `deploy.resources.limits.{}: {}`",
            self.deploy_key, default
        );
        Ok(Fix {
            applicability: Applicability::Safe,
            title,
            edits,
        })
    }
}
