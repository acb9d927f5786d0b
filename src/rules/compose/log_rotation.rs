//! DH126 log-rotation: the service's logs grow without a size limit.

use super::{ServiceContext, Setting, parse_bytes};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::yaml::NewValue;
use crate::fix::{Edit, Fix};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::Entry;

/// DH126 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH126",
    name: "log-rotation",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("2.13"),
    doc: rule_doc!("DH126"),
};

/// The options the fix writes: rotate at 10 MB and keep three files.
const MAX_SIZE: &str = "\"10m\"";
const MAX_FILE: &str = "\"3\"";

const HELP: &str = "Set `logging.options.max-size` (such as `\"10m\"`) and `max-file` (such as \
                    `\"3\"`), or use the `local` driver, which rotates by default";

/// Turns `finding`, about a service without rotated logs, into an info note when every daemon
/// configuration of the run rotates them. For a service that names `json-file`, that takes a
/// positive `log-opts.max-size` with the `json-file` default driver. For one that names no
/// driver, another default `log-driver` also counts.
fn daemon_note(cx: &ServiceContext, explicit_json_file: bool, finding: Diagnostic) -> Diagnostic {
    let rotated_by = if explicit_json_file {
        cx.daemon.rotates_json_file_logs()
    } else {
        cx.daemon.rotates_logs()
    };
    let Some(path) = rotated_by else {
        return finding;
    };
    Diagnostic {
        message: format!(
            "Service `{}` sets no log rotation, but the daemon configuration `{}` keeps the logs \
             of containers that use its default driver from growing without limit",
            cx.name(),
            path.display()
        ),
        // Nothing needs fixing on hosts that use the configuration.
        fix: None,
        fix_unavailable: None,
        ..finding
    }
    .with_severity(Severity::Info)
    .with_label("rotated daemon-wide")
    .with_help(
        "Nothing to do on hosts that use that daemon configuration; set `logging.options.max-size` \
         for hosts that do not",
    )
}

/// DH126: flags a service whose logs use the `json-file` driver without `max-size`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    let logging = cx.get("logging").filter(|e| !tree.is_null(e.value));
    let Some(logging) = logging else {
        let finding = cx
            .missing(
                &META,
                "logging",
                format!(
                    "Service `{}` keeps its logs without a size limit: the default `json-file` \
                     driver does not rotate",
                    cx.name()
                ),
            )
            .with_label("no `logging` with `max-size`")
            .with_help(HELP)
            .with_fix(add_logging(cx));
        out.push(daemon_note(cx, false, finding));
        return;
    };
    if !tree.is_mapping(logging.value) {
        return;
    }
    // Compose merges `logging` key by key across the project's files.
    let driver_entry = cx.get_path(&["logging", "driver"]);
    let driver = match cx.setting(driver_entry) {
        Setting::Absent => None,
        Setting::Value(value) => Some(value.trim().to_ascii_lowercase()),
        Setting::Unknown { variable } => {
            if let Some(entry) = driver_entry {
                out.push(cx.unknown(&META, entry, "logging.driver", &variable));
            }
            return;
        }
        Setting::NotScalar => return,
    };
    match driver.as_deref() {
        // The daemon's default options apply to a service without a driver of its own, and to
        // one that names the daemon's default driver.
        None | Some("json-file") => {
            let explicit = driver.is_some();
            let mut found = Vec::new();
            check_options(cx, logging, explicit, &mut found);
            out.extend(found.into_iter().map(|d| daemon_note(cx, explicit, d)));
        }
        Some("none") => out.push(
            cx.diagnostic_at(
                &META,
                cx.entry_span(driver_entry.unwrap_or(logging)),
                Some(logging),
                format!(
                    "Service `{}` keeps no logs: logging driver `none` discards them",
                    cx.name()
                ),
            )
            .with_severity(Severity::Info)
            .with_label("logs discarded")
            .with_help(
                "Use a driver that keeps logs, such as `local` or `json-file` with `max-size`",
            ),
        ),
        // `local` rotates by default, and the other drivers send logs off the host.
        Some(_) => {}
    }
}

/// Returns the `logging.options.max-size` entry that Compose keeps when it merges the service's
/// files: options merge key by key, but a file that names another driver than the one in effect
/// replaces the whole `logging` block, so the files below it no longer count.
fn merged_max_size(cx: &ServiceContext) -> Option<Entry> {
    let tree = cx.tree();
    let driver_of = |logging: Entry| {
        let driver = tree.get(logging.value, "driver")?;
        let raw = tree.scalar(driver.value)?;
        Some(raw.trim().to_ascii_lowercase())
    };
    let layers = cx.get_all("logging");
    let effective = layers.iter().find_map(|&logging| driver_of(logging));
    for logging in layers {
        if !tree.is_mapping(logging.value) {
            continue;
        }
        if let (Some(driver), Some(effective)) = (driver_of(logging), &effective)
            && &driver != effective
        {
            return None;
        }
        let max_size = tree
            .get(logging.value, "options")
            .filter(|options| tree.is_mapping(options.value))
            .and_then(|options| tree.get(options.value, "max-size"));
        if let Some(mut entry) = max_size {
            entry.merged_from = entry.merged_from.or(logging.merged_from);
            return Some(entry);
        }
    }
    None
}

/// Checks `logging.options` of a `json-file` logging block for a positive `max-size`.
fn check_options(
    cx: &ServiceContext,
    logging: Entry,
    explicit_driver: bool,
    out: &mut Vec<Diagnostic>,
) {
    let tree = cx.tree();
    let options = cx
        .get_path(&["logging", "options"])
        .filter(|e| !tree.is_null(e.value));
    let max_size = merged_max_size(cx);
    let invalid = match (cx.setting(max_size), max_size) {
        (Setting::Value(value), _) => match parse_bytes(&value) {
            Some(bytes) if bytes > 0.0 => return,
            _ => Some(value),
        },
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(&META, entry, "logging.options.max-size", &variable));
            return;
        }
        _ => None,
    };
    let driver = if explicit_driver {
        "`json-file`"
    } else {
        "the default `json-file` driver"
    };
    let diagnostic = match (invalid, max_size) {
        (Some(value), Some(entry)) => cx
            .diagnostic_at(
                &META,
                cx.entry_span(entry),
                Some(logging),
                format!(
                    "Service `{}` keeps its logs without a size limit: `max-size: {value}` does \
                     not limit {driver}",
                    cx.name()
                ),
            )
            .with_label("not a positive size")
            .with_fix(Err(
                "the service sets `max-size` to a value dhlint does not replace".into(),
            )),
        _ => cx
            .diagnostic_at(
                &META,
                tree.node(logging.key).span,
                Some(logging),
                format!(
                    "Service `{}` keeps its logs without a size limit: {driver} has no `max-size`",
                    cx.name()
                ),
            )
            .with_label("no `options.max-size`")
            .with_fix(add_options(cx, options)),
    };
    out.push(diagnostic.with_help(HELP));
}

fn rotation_options(with_max_file: bool) -> Vec<(String, NewValue)> {
    let mut options = vec![("max-size".to_owned(), NewValue::Scalar(MAX_SIZE.to_owned()))];
    if with_max_file {
        options.push(("max-file".to_owned(), NewValue::Scalar(MAX_FILE.to_owned())));
    }
    options
}

const TITLE: &str = "Rotate the logs with `max-size: \"10m\"` and `max-file: \"3\"`";

/// Adds a `logging` block with the `json-file` driver and rotation options.
fn add_logging(cx: &ServiceContext) -> Result<Fix, String> {
    let value = NewValue::Mapping(vec![
        (
            "driver".to_owned(),
            NewValue::Scalar("json-file".to_owned()),
        ),
        (
            "options".to_owned(),
            NewValue::Mapping(rotation_options(true)),
        ),
    ]);
    cx.add_key("logging", &value)
        .map(|edit| Fix::safe(TITLE, edit))
}

/// Adds the rotation options to a `logging` block written in the service: an `options`
/// mapping when there is none, or the missing keys in the existing one.
fn add_options(cx: &ServiceContext, options: Option<Entry>) -> Result<Fix, String> {
    let tree = cx.tree();
    let logging_map = cx
        .own_mapping(&["logging"])
        .ok_or("the service's `logging` block is not a mapping written in the service itself")?;
    let editor = cx.editor();

    let Some(options) = options else {
        let edit = editor.insert_entry(
            logging_map,
            "options",
            &NewValue::Mapping(rotation_options(true)),
        )?;
        return Ok(Fix::safe(TITLE, edit));
    };
    let options_map = cx
        .own_mapping(&["logging", "options"])
        .ok_or("`logging.options` is not a mapping written in the service itself")?;
    if tree.entries(options_map).is_empty() {
        let edit = editor.replace_value(
            options.value_written,
            &NewValue::Mapping(rotation_options(true)),
        )?;
        return Ok(Fix::safe(TITLE, edit));
    }

    let has_max_file = tree.get(options_map, "max-file").is_some();
    // A `max-size` key with an empty value is filled in, not written twice.
    if let Some(empty) = tree.get(options_map, "max-size") {
        let edit = editor.replace_scalar(empty.value_written, MAX_SIZE)?;
        return Ok(Fix::safe("Rotate the logs with `max-size: \"10m\"`", edit));
    }
    let mut edits = Vec::new();
    for (key, value) in rotation_options(!has_max_file) {
        edits.push(editor.insert_entry(options_map, &key, &value)?);
    }
    let title = if has_max_file {
        "Rotate the logs with `max-size: \"10m\"`"
    } else {
        TITLE
    };
    Ok(Fix::safe(title, merge_insertions(edits)?))
}

/// Joins edits that insert at one offset into a single edit, so the inserted keys keep their
/// order.
fn merge_insertions(edits: Vec<Edit>) -> Result<Edit, String> {
    let mut edits = edits.into_iter();
    let mut merged = edits.next().ok_or("no edit to make")?;
    for edit in edits {
        if !(edit.span.is_empty() && merged.span.is_empty() && edit.span == merged.span) {
            return Err("the options cannot be added in one edit".into());
        }
        merged.content.push_str(&edit.content);
    }
    Ok(merged)
}
