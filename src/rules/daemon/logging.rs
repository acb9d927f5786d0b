//! Logging defaults of the daemon: DH304 log-rotation-default, DH310 log-level and DH318
//! centralized-logging.

use super::{DaemonContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::fix::json::JsonValue;
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH304 metadata.
pub static LOG_ROTATION: RuleMeta = RuleMeta {
    code: "DH304",
    name: "log-rotation-default",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH304"),
};

/// DH310 metadata.
pub static LOG_LEVEL: RuleMeta = RuleMeta {
    code: "DH310",
    name: "log-level",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: true,
    cis: Some("2.3"),
    doc: rule_doc!("DH310"),
};

/// DH318 metadata.
pub static CENTRALIZED_LOGGING: RuleMeta = RuleMeta {
    code: "DH318",
    name: "centralized-logging",
    target: Target::Daemon,
    severity: Severity::Info,
    enabled: false,
    cis: Some("2.13"),
    doc: rule_doc!("DH318"),
};

/// The default size limit the DH304 fix writes, with the number of files kept.
const MAX_SIZE: &str = "10m";
const MAX_FILE: &str = "3";

/// Runs the logging rules.
pub fn check(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    let driver = cx.string("log-driver");
    log_rotation(cx, driver, out);
    log_level(cx, out);
    centralized_logging(cx, driver, out);
}

/// DH304: the default driver is `json-file` and `log-opts` has no `max-size`.
fn log_rotation(cx: &DaemonContext, driver: Setting<&str>, out: &mut Vec<Diagnostic>) {
    match driver {
        Setting::Absent => {}
        Setting::Set(_, "json-file") => {}
        _ => return,
    }
    let file = cx.file;
    let help = format!(
        "Set `\"max-size\": \"{MAX_SIZE}\"` and `\"max-file\": \"{MAX_FILE}\"` in `log-opts`"
    );
    match cx.object("log-opts") {
        Setting::Invalid => {}
        Setting::Absent => {
            let value = JsonValue::Object(vec![
                ("max-size".into(), format!("\"{MAX_SIZE}\"")),
                ("max-file".into(), format!("\"{MAX_FILE}\"")),
            ]);
            let edit = match file.member("log-opts") {
                // `"log-opts": null`
                Some(member) => {
                    let literal =
                        format!("{{\"max-size\": \"{MAX_SIZE}\", \"max-file\": \"{MAX_FILE}\"}}");
                    cx.editor().replace_value(member.value, &literal)
                }
                None => cx.insert("log-opts", &value),
            };
            let message = "Container logs of the default json-file driver grow without limit: \
                           no `log-opts` with `max-size`";
            // `"log-opts": null` is reported at the null.
            let diagnostic = match file.member("log-opts") {
                Some(member) => cx.at_value(&LOG_ROTATION, member, message),
                None => cx.missing(&LOG_ROTATION, message),
            };
            out.push(
                diagnostic
                .with_label("no `log-opts.max-size`")
                .with_help(help)
                .with_fix(edit.map(|edit| {
                    Fix::safe(
                        format!("Add `log-opts` with `max-size` {MAX_SIZE} and `max-file` {MAX_FILE}"),
                        edit,
                    )
                })),
            );
        }
        Setting::Set(member, opts) => {
            let max_size = file.get(opts, "max-size");
            if let Some(size) = max_size {
                // A `max-size` of the wrong type is DH320's finding.
                let Some(value) = file.string(size.value) else {
                    return;
                };
                if crate::rules::compose::parse_bytes(value).is_some_and(|bytes| bytes > 0.0) {
                    return;
                }
                out.push(
                    Diagnostic::new(
                        &LOG_ROTATION,
                        cx.span(size.value),
                        format!(
                            "Container logs of the default json-file driver grow without limit: \
                             `\"max-size\": \"{value}\"` is not a positive size"
                        ),
                    )
                    .with_label("not a positive size")
                    .with_help(format!(
                        "Set `\"max-size\"` to a size such as `\"{MAX_SIZE}\"`"
                    ))
                    .with_fix(Err(
                        "the file sets `max-size` to a value dhlint does not replace".into(),
                    )),
                );
                return;
            }
            let message = if file.get(opts, "max-file").is_some() {
                "`log-opts` sets `max-file` but not `max-size`, and json-file rotates logs only \
                 when `max-size` is set, so container logs grow without limit"
            } else {
                "Container logs of the default json-file driver grow without limit: `log-opts` \
                 has no `max-size`"
            };
            let edit = cx.editor().insert_member(
                opts,
                "max-size",
                &JsonValue::Literal(format!("\"{MAX_SIZE}\"")),
            );
            out.push(
                Diagnostic::new(&LOG_ROTATION, cx.span(member.key), message)
                    .with_label("no `max-size`")
                    .with_help(format!("Add `\"max-size\": \"{MAX_SIZE}\"` to `log-opts`"))
                    .with_fix(edit.map(|edit| {
                        Fix::safe(
                            format!("Add `\"max-size\": \"{MAX_SIZE}\"` to `log-opts`"),
                            edit,
                        )
                    })),
            );
        }
    }
}

/// DH310: a log level other than `info`, or `"debug": true`.
fn log_level(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    if let Setting::Set(member, level) = cx.string("log-level")
        && !level.eq_ignore_ascii_case("info")
    {
        out.push(
            cx.at_value(
                &LOG_LEVEL,
                member,
                format!("The daemon logs at level `{level}` instead of `info`"),
            )
            .with_label("not `info`")
            .with_help("Set `\"log-level\": \"info\"`")
            .with_fix(
                cx.editor()
                    .replace_value(member.value, "\"info\"")
                    .map(|edit| Fix::safe("Set `log-level` to `info`", edit)),
            ),
        );
    }
    if let Setting::Set(member, true) = cx.boolean("debug") {
        out.push(
            cx.at_value(
                &LOG_LEVEL,
                member,
                "The daemon runs in debug mode, which logs at level `debug`",
            )
            .with_label("debug mode")
            .with_help("Remove `\"debug\": true`")
            .with_fix(
                cx.remove("debug")
                    .map(|edit| Fix::safe("Remove `\"debug\": true`", edit)),
            ),
        );
    }
}
/// DH318: container logs stay on the host (`json-file`, `local`, or `none`).
fn centralized_logging(cx: &DaemonContext, driver: Setting<&str>, out: &mut Vec<Diagnostic>) {
    let message = |name: &str| {
        format!("The default log driver `{name}` keeps container logs on the host only")
    };
    let diagnostic = match driver {
        Setting::Absent => cx
            .missing(&CENTRALIZED_LOGGING, message("json-file"))
            .with_label("no `log-driver`"),
        Setting::Set(member, name) if matches!(name, "json-file" | "local" | "none") => {
            let text = if name == "none" {
                "The default log driver `none` discards container logs".to_owned()
            } else {
                message(name)
            };
            cx.at_value(&CENTRALIZED_LOGGING, member, text)
                .with_label("not a remote driver")
        }
        _ => return,
    };
    out.push(diagnostic.with_help(
        "Set `log-driver` to a driver that sends logs off the host, such as `syslog`, \
         `journald`, `fluentd` or `gelf`",
    ));
}
