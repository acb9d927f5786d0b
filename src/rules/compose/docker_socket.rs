//! DH109 docker-socket-mount: the container can reach the container engine's API socket.

use super::{ServiceContext, Setting, parse_bool};
use crate::compose::interpolate::UNKNOWN_MARK;
use crate::compose::volumes::{Mount, MountKind, clean_path};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::Entry;

/// DH109 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH109",
    name: "docker-socket-mount",
    target: Target::Compose,
    severity: Severity::Error,
    enabled: true,
    cis: Some("5.32"),
    doc: rule_doc!("DH109"),
};

/// File names of container engine API sockets.
pub const SOCKET_NAMES: &[&str] = &["docker.sock", "containerd.sock", "podman.sock", "crio.sock"];

/// Host directories that contain an engine socket, so mounting them exposes it.
pub const SOCKET_DIRECTORIES: &[&str] = &["/var/run", "/run", "/var/run/docker", "/run/containerd"];

const HELP: &str = "Remove the mount. If the service must use the engine, put a proxy in front of \
                    the socket that allows only the API calls it needs";

/// The kind of engine access a host path gives.
#[derive(Debug, PartialEq, Eq)]
pub enum Exposure {
    /// The path is an engine socket.
    Socket,
    /// The path is a directory that contains an engine socket.
    Directory,
}

/// Returns whether a host path is an engine socket or a directory containing one. A path with an
/// unset variable ([`UNKNOWN_MARK`]) is a socket only when its file name is known to be one.
pub fn exposure(host_path: &str) -> Option<Exposure> {
    let name = host_path.rsplit('/').next().unwrap_or(host_path);
    if SOCKET_NAMES.contains(&name) {
        return Some(Exposure::Socket);
    }
    if host_path.contains(UNKNOWN_MARK) {
        return None;
    }
    let path = clean_path(host_path);
    SOCKET_DIRECTORIES
        .contains(&path.as_str())
        .then_some(Exposure::Directory)
}

/// Returns whether a container path looks like an engine socket, which hints that an unknown source is
/// one too.
fn is_socket_target(target: Option<&str>) -> bool {
    target.is_some_and(|t| SOCKET_NAMES.contains(&t.rsplit('/').next().unwrap_or(t)))
}

/// DH109: flags volumes that mount an engine socket, and `use_api_socket: true`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    check_api_socket(cx, out);
    for (entry, mounts) in cx.mounts() {
        for mount in &mounts {
            check_mount(cx, entry, mount, out);
        }
    }
}

fn check_mount(cx: &ServiceContext, entry: Entry, mount: &Mount, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    let exposed = mount.host_path.as_deref().and_then(exposure);
    let Some(exposed) = exposed else {
        let unknown_source = mount.kind == MountKind::Unknown
            || mount
                .host_path
                .as_deref()
                .is_some_and(|p| p.contains(UNKNOWN_MARK));
        if let (true, true, Some(variable)) = (
            unknown_source,
            is_socket_target(mount.target.as_deref()),
            mount.unknown_variable.as_deref(),
        ) {
            out.push(
                cx.diagnostic_at(
                    &META,
                    tree.node(mount.source_node).span,
                    Some(entry),
                    format!(
                        "Service `{}` mounts a host path from variable `{variable}` at an engine \
                         socket path, so dhlint cannot tell whether it is the engine socket",
                        cx.name()
                    ),
                )
                .with_severity(Severity::Info)
                .with_label("host path depends on a variable")
                .with_help(format!(
                    "Give `{variable}` a default, such as `${{{variable}:-...}}`"
                )),
            );
        }
        return;
    };
    let path = shown_path(mount);
    let subject = match exposed {
        Exposure::Socket => format!("the container engine socket `{path}`"),
        Exposure::Directory => {
            format!("host directory `{path}`, which contains the container engine socket")
        }
    };
    let message = match (&mount.device_node, mount.source.as_deref()) {
        (Some(_), Some(volume)) => format!(
            "Service `{}` mounts volume `{volume}`, a bind of {subject}",
            cx.name()
        ),
        _ => format!("Service `{}` mounts {subject}", cx.name()),
    };
    let label = if mount.read_only {
        "read-only does not limit the API"
    } else {
        "gives control of the engine"
    };
    let mut diagnostic = cx
        .diagnostic_at(
            &META,
            tree.node(mount.source_node).span,
            Some(entry),
            message,
        )
        .with_label(label)
        .with_help(HELP);
    if let Some(device) = mount.device_node {
        diagnostic = diagnostic.with_related(
            tree.node(device).span,
            "the volume's definition binds this host path",
        );
    }
    out.push(diagnostic);
}

/// Returns the host path of a mount for messages, with the first unset variable written back as
/// `${NAME}`.
pub fn shown_path(mount: &Mount) -> String {
    let path = mount.host_path.as_deref().unwrap_or("");
    let variable = mount.unknown_variable.as_deref().unwrap_or("VAR");
    path.replace(UNKNOWN_MARK, &format!("${{{variable}}}"))
}

fn check_api_socket(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let entry = cx.get("use_api_socket");
    match (cx.setting(entry), entry) {
        (Setting::Value(value), Some(entry)) if parse_bool(&value) == Some(true) => out.push(
            cx.diagnostic_at(
                &META,
                cx.entry_span(entry),
                Some(entry),
                format!(
                    "Service `{}` sets `use_api_socket: true`, which mounts the container engine \
                     socket",
                    cx.name()
                ),
            )
            .with_label("gives control of the engine")
            .with_help("Remove `use_api_socket`, or set it to false"),
        ),
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(&META, entry, "use_api_socket", &variable));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_paths() {
        assert_eq!(exposure("/var/run/docker.sock"), Some(Exposure::Socket));
        assert_eq!(exposure("/run/podman/podman.sock"), Some(Exposure::Socket));
        assert_eq!(
            exposure(&format!("{UNKNOWN_MARK}/docker.sock")),
            Some(Exposure::Socket)
        );
        assert_eq!(exposure("/var/run/"), Some(Exposure::Directory));
        assert_eq!(exposure("/run/containerd"), Some(Exposure::Directory));
        assert_eq!(exposure("/var/run/docker.sock.bak"), None);
        assert_eq!(exposure("/var/lib/docker"), None);
        assert_eq!(exposure(&format!("/var/run/{UNKNOWN_MARK}")), None);
    }
}
