//! DH123 port-all-interfaces: a published port listens on every network interface of the
//! host.

use super::ServiceContext;
use crate::compose::ports::{Port, is_unknown, is_wildcard, port_range};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::fix::yaml::NewValue;
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::{Entry, NodeKind, Quoting};

/// DH123 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH123",
    name: "port-all-interfaces",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.14"),
    doc: rule_doc!("DH123"),
};

const LOOPBACK: &str = "127.0.0.1";

const HELP: &str = "Bind the port to one address, such as `127.0.0.1:8080:80`, or set `host_ip` \
                    in the long syntax";

/// Turns `finding`, about a port without a host IP, into an info note when every daemon
/// configuration of the run publishes such ports on a specific address (`"ip"`).
fn daemon_note(cx: &ServiceContext, port: &Port, finding: Diagnostic) -> Diagnostic {
    let Some((path, ip)) = cx.daemon.default_address() else {
        return finding;
    };
    Diagnostic {
        message: format!(
            "Service `{}` publishes port {} without a host IP, but the daemon configuration `{}` \
             publishes such ports on `{ip}`",
            cx.name(),
            port_label(port),
            path.display()
        ),
        // Nothing needs fixing on hosts that use the configuration.
        fix: None,
        fix_unavailable: None,
        ..finding
    }
    .with_severity(Severity::Info)
    .with_label("bound daemon-wide")
    .with_help(
        "Nothing to do on hosts that use that daemon configuration; write the host IP, such as \
         `127.0.0.1:8080:80`, for hosts that do not",
    )
}

/// DH123: flags ports without a host IP or bound to a wildcard address.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    for (entry, found) in cx.ports() {
        for port in found {
            // A long syntax `published` that is not a port or range, such as `127.0.0.1:8080`, is
            // invalid Compose, and so is an entry without a container port, such as `""`: where
            // such a port would listen cannot be judged.
            let published_invalid = port.long
                && port
                    .published
                    .as_deref()
                    .is_some_and(|p| !is_unknown(p) && port_range(p).is_none());
            let target_invalid = port
                .target
                .as_deref()
                .is_none_or(|t| !is_unknown(t) && port_range(t).is_none());
            if published_invalid || target_invalid {
                continue;
            }
            match port.host_ip.as_deref() {
            Some(ip) if is_unknown(ip) => out.push(unknown(cx, entry, &port)),
            Some(ip) if is_wildcard(ip) => out.push(
                cx.diagnostic_at(
                    &META,
                    tree.node(port.host_ip_node.unwrap_or(port.item)).span,
                    Some(entry),
                    format!(
                        "Service `{}` publishes port {} on every interface of the host: `{ip}` is a \
                         wildcard address",
                        cx.name(),
                        port_label(&port)
                    ),
                )
                .with_label("listens on every interface")
                .with_help(HELP)
                .with_fix(replace_wildcard(cx, &port, ip)),
            ),
            Some(_) => {}
            // A variable in a short syntax port may hold the host IP itself.
            None if !port.long && port.unknown_variable.is_some() => {
                out.push(unknown(cx, entry, &port));
            }
            None => {
                let finding = cx
                    .diagnostic_at(
                        &META,
                        tree.node(port.item).span,
                        Some(entry),
                        format!(
                            "Service `{}` publishes port {} on every interface of the host",
                            cx.name(),
                            port_label(&port)
                        ),
                    )
                    .with_label("no host IP")
                    .with_help(HELP)
                    .with_fix(add_loopback(cx, &port));
                out.push(daemon_note(cx, &port, finding));
            }
        }
        }
    }
}

/// Returns the port for messages: the published port, or the container port when the host port is
/// chosen by the engine.
fn port_label(port: &Port) -> String {
    match (&port.published, &port.target) {
        (Some(published), _) => format!("`{published}`"),
        (None, Some(target)) => format!("`{target}`"),
        (None, None) => "without a number".to_owned(),
    }
}

fn unknown(cx: &ServiceContext, entry: Entry, port: &Port) -> Diagnostic {
    let variable = port.unknown_variable.as_deref().unwrap_or("");
    cx.diagnostic_at(
        &META,
        cx.tree().node(port.item).span,
        Some(entry),
        format!(
            "Service `{}` publishes a port whose host address depends on variable `{variable}`, \
             so dhlint cannot tell whether it listens on every interface",
            cx.name()
        ),
    )
    .with_severity(Severity::Info)
    .with_label("value depends on a variable")
    .with_help(format!(
        "Give `{variable}` a default, or write the host IP, such as `127.0.0.1:${{{variable}}}:80`"
    ))
}

/// Returns the text of a scalar as written, without its quotes, or `None` for block scalars and
/// collections.
fn written_text<'a>(cx: &ServiceContext<'a>, node: usize) -> Option<&'a str> {
    let node = cx.tree().node(node);
    let NodeKind::Scalar { quoting, .. } = &node.kind else {
        return None;
    };
    let text = &cx.file.text[node.span.start..node.span.end];
    match quoting {
        Quoting::Plain => Some(text),
        Quoting::Single | Quoting::Double if text.len() >= 2 => Some(&text[1..text.len() - 1]),
        _ => None,
    }
}

/// Rejects a port written as an alias (`- *web_port`), since editing the anchored value would
/// change every place that uses it.
fn reject_alias(cx: &ServiceContext, port: &Port) -> Result<(), String> {
    if cx.tree().resolve(port.item) == port.item {
        return Ok(());
    }
    Err("the port is an alias of a value anchored elsewhere in the file".into())
}

/// Binds a port without a host IP to the loopback address: `127.0.0.1:` before a short syntax
/// port (`127.0.0.1::` before a container port alone), or `host_ip` in the long syntax.
fn add_loopback(cx: &ServiceContext, port: &Port) -> Result<Fix, String> {
    reject_alias(cx, port)?;
    let title = format!("Bind the port to `{LOOPBACK}`");
    if port.long {
        let edit = cx.editor().insert_entry(
            port.item,
            "host_ip",
            &NewValue::Scalar(LOOPBACK.to_owned()),
        )?;
        return Ok(Fix::unsafe_edit(title, edit));
    }
    let written = written_text(cx, port.item).ok_or("the port is not a plain or quoted string")?;
    if written.contains(['$', '\\']) {
        return Err("the port is written with a variable or an escape".into());
    }
    let separator = if port.published.is_none() { "::" } else { ":" };
    let edit = cx
        .editor()
        .replace_scalar(port.item, &format!("{LOOPBACK}{separator}{written}"))?;
    Ok(Fix::unsafe_edit(title, edit))
}

/// Replaces a wildcard host IP with the loopback address of the same family.
fn replace_wildcard(cx: &ServiceContext, port: &Port, ip: &str) -> Result<Fix, String> {
    reject_alias(cx, port)?;
    let loopback = if ip.contains(':') { "::1" } else { LOOPBACK };
    let title = format!("Bind the port to `{loopback}`");
    if let Some(node) = port.host_ip_node {
        let edit = cx.editor().replace_scalar(node, loopback)?;
        return Ok(Fix::unsafe_edit(title, edit));
    }
    let written = written_text(cx, port.item).ok_or("the port is not a plain or quoted string")?;
    if written.contains(['$', '\\']) {
        return Err("the port is written with a variable or an escape".into());
    }
    let rest = [format!("[{ip}]:"), format!("{ip}:")]
        .iter()
        .find_map(|prefix| written.strip_prefix(prefix.as_str()))
        .ok_or("the host IP is not written at the start of the port")?;
    let plain = matches!(
        cx.tree().node(port.item).kind,
        NodeKind::Scalar {
            quoting: Quoting::Plain,
            ..
        }
    );
    let bound = match (loopback.contains(':'), plain) {
        // A plain scalar that starts with `[` would be read as a flow sequence, so the new value
        // is double-quoted, and a `"` that the plain scalar held is escaped to stay a character.
        (true, true) => format!("\"[{loopback}]:{}\"", rest.replace('"', "\\\"")),
        (true, false) => format!("[{loopback}]:{rest}"),
        (false, _) => format!("{loopback}:{rest}"),
    };
    let edit = cx.editor().replace_scalar(port.item, &bound)?;
    Ok(Fix::unsafe_edit(title, edit))
}
