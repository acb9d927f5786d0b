//! DH120 sensitive-host-mount: the container mounts a system directory of the host.

use super::ServiceContext;
use super::docker_socket;
use crate::compose::interpolate::UNKNOWN_MARK;
use crate::compose::volumes::{clean_path, is_under};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH120 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH120",
    name: "sensitive-host-mount",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("5.6"),
    doc: rule_doc!("DH120"),
};

/// Host directories that must not be mounted: the CIS Docker Benchmark 5.6 list, plus root's
/// home and the engine's data directory. The root directory `/` is matched separately.
const SENSITIVE: &[&str] = &[
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/proc",
    "/sys",
    "/usr",
    "/root",
    "/var/lib/docker",
];

/// Returns the sensitive directory that `host_path` is or lies under. A path with an unset variable is
/// judged on the directories before the variable: `/etc/${APP}` is under `/etc`, while
/// `${ROOT}/etc` cannot be judged.
pub fn sensitive_directory(host_path: &str) -> Option<&'static str> {
    if !host_path.starts_with('/') {
        return None;
    }
    let path = match host_path.find(UNKNOWN_MARK) {
        Some(mark) => {
            let known = &host_path[..mark];
            clean_path(&known[..known.rfind('/')?])
        }
        None => {
            let path = clean_path(host_path);
            if path == "/" {
                return Some("/");
            }
            path
        }
    };
    SENSITIVE.iter().copied().find(|dir| is_under(&path, dir))
}

/// DH120: flags bind mounts of sensitive host paths.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    for (entry, mounts) in cx.mounts() {
        for mount in &mounts {
            let Some(host_path) = mount.host_path.as_deref() else {
                continue;
            };
            // Engine sockets and the directories that contain them are DH109's findings.
            if docker_socket::exposure(host_path).is_some() {
                continue;
            }
            let Some(directory) = sensitive_directory(host_path) else {
                continue;
            };
            let display_path = docker_socket::shown_path(mount);
            let subject = if directory == "/" {
                "the host's root directory".to_owned()
            } else if clean_path(host_path) == directory {
                format!("sensitive host directory `{directory}`")
            } else {
                format!("`{display_path}` from sensitive host directory `{directory}`")
            };
            let (access, severity, label) = if mount.read_only {
                ("read-only", Severity::Info, "host path mounted read-only")
            } else {
                (
                    "read-write",
                    Severity::Warning,
                    "host path mounted read-write",
                )
            };
            let message = match (&mount.device_node, mount.source.as_deref()) {
                (Some(_), Some(volume)) => format!(
                    "Service `{}` mounts volume `{volume}`, a bind of {subject}, {access}",
                    cx.name()
                ),
                _ => format!("Service `{}` mounts {subject}, {access}", cx.name()),
            };
            let help = if mount.read_only {
                "Mount only the files the service needs, or copy them into the image"
            } else {
                "Mount only the files the service needs and add `:ro`, or copy them into the image"
            };
            let mut diagnostic = cx
                .diagnostic_at(
                    &META,
                    cx.tree().node(mount.source_node).span,
                    Some(entry),
                    message,
                )
                .with_severity(severity)
                .with_label(label)
                .with_help(help);
            if let Some(device) = mount.device_node {
                diagnostic = diagnostic.with_related(
                    cx.tree().node(device).span,
                    "the volume's definition binds this host path",
                );
            }
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_paths() {
        assert_eq!(sensitive_directory("/"), Some("/"));
        assert_eq!(sensitive_directory("//"), Some("/"));
        assert_eq!(sensitive_directory("/etc"), Some("/etc"));
        assert_eq!(sensitive_directory("/etc/localtime"), Some("/etc"));
        assert_eq!(sensitive_directory("/usr/share/zoneinfo/"), Some("/usr"));
        assert_eq!(
            sensitive_directory("/var/lib/docker/volumes"),
            Some("/var/lib/docker")
        );
        assert_eq!(sensitive_directory("/srv/../etc"), Some("/etc"));
        assert_eq!(sensitive_directory("/etcetera"), None);
        assert_eq!(sensitive_directory("/var/lib/dockerd"), None);
        assert_eq!(sensitive_directory("./etc"), None);
        assert_eq!(sensitive_directory("~/etc"), None);
        assert_eq!(
            sensitive_directory(&format!("/etc/{UNKNOWN_MARK}/conf")),
            Some("/etc")
        );
        assert_eq!(sensitive_directory(&format!("{UNKNOWN_MARK}/etc")), None);
        assert_eq!(sensitive_directory(&format!("/{UNKNOWN_MARK}")), None);
    }
}
