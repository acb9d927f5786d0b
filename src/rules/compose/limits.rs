//! The shared logic of the resource-limit rules: a limit can be written as a service key
//! (`mem_limit`, `pids_limit`, `cpus`) or under `deploy.resources.limits` (`memory`, `pids`,
//! `cpus`), and either spelling satisfies the rule.

use super::{ServiceContext, Setting};
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;
use crate::fix::yaml::NewValue;
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
    /// The value a fix writes.
    pub default: &'static str,
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
        let unlimited = readings.iter().find_map(|r| match r {
            Reading::Unlimited(entry) => Some(*entry),
            _ => None,
        });
        let fix = self.fix(cx, unlimited);
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
            None => cx
                .missing(
                    self.rule,
                    format!("Service `{}` has no limit on {}", cx.name(), self.what),
                )
                .with_label(format!(
                    "no `{}` or `deploy.resources.limits.{}`",
                    self.service_key, self.deploy_key
                )),
        };
        out.push(diagnostic.with_help(self.help).with_fix(fix));
    }

    /// Sets the limit where Compose accepts it: replaces a zero or negative value written in
    /// the service, writes into an existing `deploy.resources.limits` block (a service-level key
    /// next to such a block makes Compose reject the project), or adds the service-level key.
    fn fix(&self, cx: &ServiceContext, unlimited: Option<Entry>) -> Result<Fix, String> {
        let title = |key: &str| format!("Set `{key}: {}`", self.default);
        if let Some(entry) = unlimited.filter(|e| e.merged_from.is_none()) {
            let key = cx
                .tree()
                .scalar(entry.key)
                .unwrap_or(self.service_key)
                .to_owned();
            return cx
                .editor()
                .replace_scalar(entry.value_written, self.default)
                .map(|edit| Fix::safe(title(&key), edit));
        }
        if cx.get_path(&["deploy", "resources", "limits"]).is_some() {
            let limits = cx.own_mapping(&["deploy", "resources", "limits"]).ok_or(
                "the service's `deploy.resources.limits` is not a mapping written in the service itself",
            )?;
            let value = NewValue::Scalar(self.default.to_owned());
            return cx
                .editor()
                .insert_entry(limits, self.deploy_key, &value)
                .map(|edit| {
                    Fix::safe(
                        title(&format!("deploy.resources.limits.{}", self.deploy_key)),
                        edit,
                    )
                });
        }
        cx.add_key(self.service_key, &NewValue::Scalar(self.default.to_owned()))
            .map(|edit| Fix::safe(title(self.service_key), edit))
    }
}
