//! Service volumes in Compose's short and long syntax, and what each mounts from the host.
//!
//! Short syntax is `[SOURCE:]TARGET[:MODE]`. With one field the entry is an anonymous volume
//! created at `TARGET`, so nothing from the host is mounted. A `SOURCE` that starts with `/`,
//! `.` or `~`, or that contains a `/`, is a host path for a bind mount. Any other `SOURCE` names
//! a volume. `MODE` is a comma-separated list of options such as `ro`, `z` or `rshared`.
//! Windows paths (`C:\data`) are not recognised.
//!
//! Long syntax is a mapping with `type`, `source`, `target`, `read_only` and
//! `bind.propagation`. A named volume whose top-level definition uses the `local` driver with
//! the `bind` mount option (`driver_opts: {o: bind, device: /path}`) mounts the host path
//! `device`, so it counts as a bind of that path.
//!
//! Values are interpolated with their defaults. A variable without a default leaves
//! [`UNKNOWN_MARK`] in the text, and the mount records the variable's name.

use super::Lookup;
use super::interpolate::{UNKNOWN_MARK, interpolate_partially};
use crate::yaml::{NodeId, Tree};

/// The kind of source a volume entry mounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MountKind {
    /// A host path.
    Bind,
    /// A named volume.
    Named,
    /// An anonymous volume at the target path; nothing from the host is mounted.
    Anonymous,
    /// A long-syntax mount of another type (`tmpfs`, `npipe`, `cluster`, `image`).
    Other(String),
    /// The source is a variable without a default, so it may be a path or a volume name.
    Unknown,
}

/// One entry of a service's `volumes` list.
#[derive(Clone, Debug)]
pub struct Mount {
    /// The list item as written.
    pub item: NodeId,
    /// The node that names the source: the long syntax `source` value, or the item itself.
    pub source_node: NodeId,
    /// The kind of source.
    pub kind: MountKind,
    /// The source after interpolation: a host path or a volume name.
    pub source: Option<String>,
    /// The path inside the container.
    pub target: Option<String>,
    /// The host path this mount exposes: the source of a bind, or the `device` of a named
    /// volume defined as a local bind. Unset parts are [`UNKNOWN_MARK`].
    pub host_path: Option<String>,
    /// For a named volume defined as a local bind: the `device` value node in the top-level
    /// `volumes` section.
    pub device_node: Option<NodeId>,
    /// Whether the mount is read-only (`:ro` or `read_only: true`).
    pub read_only: bool,
    /// The mount propagation (`rshared`, `slave`, ...), from the short syntax mode or the long
    /// syntax `bind.propagation`.
    pub propagation: Option<String>,
    /// The node that sets the propagation: the long syntax `propagation` value or the item.
    pub propagation_node: Option<NodeId>,
    /// The first variable without a default that the entry depends on.
    pub unknown_variable: Option<String>,
}

/// Mount propagation modes that Docker accepts.
const PROPAGATIONS: &[&str] = &[
    "shared", "rshared", "slave", "rslave", "private", "rprivate",
];

/// Reads the mounts of a `volumes` sequence. `top_level` is the file's top-level `volumes`
/// mapping, which defines named volumes. Items that are neither strings nor mappings are
/// skipped.
pub fn mounts(
    tree: &Tree,
    volumes: NodeId,
    top_level: Option<NodeId>,
    lookup: Lookup,
) -> Vec<Mount> {
    let mut out = Vec::new();
    for &item in tree.items(volumes) {
        let mount = if let Some(raw) = tree.scalar(item) {
            parse_short(item, raw, lookup)
        } else if tree.is_mapping(item) {
            parse_long(tree, item, lookup)
        } else {
            continue;
        };
        out.push(resolve_named(tree, mount, top_level, lookup));
    }
    out
}

/// Returns whether a source names a host path rather than a volume.
pub fn is_host_path(source: &str) -> bool {
    source.starts_with(['/', '.', '~']) || source.contains('/')
}

/// Parses a short syntax entry `[SOURCE:]TARGET[:MODE]`.
fn parse_short(item: NodeId, raw: &str, lookup: Lookup) -> Mount {
    let (text, unknown_variable) = interpolate_partially(raw.trim(), lookup);
    let fields: Vec<&str> = text.splitn(3, ':').collect();
    let (source, target, mode) = match fields.as_slice() {
        [target] => (None, Some(*target), None),
        [source, target] => (Some(*source), Some(*target), None),
        [source, target, mode] => (Some(*source), Some(*target), Some(*mode)),
        _ => (None, None, None),
    };
    let options: Vec<&str> = mode
        .map(|m| m.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let kind = match source {
        None | Some("") => MountKind::Anonymous,
        Some(s) if is_host_path(s) => MountKind::Bind,
        Some(s) if s.contains(UNKNOWN_MARK) => MountKind::Unknown,
        Some(_) => MountKind::Named,
    };
    let propagation = options
        .iter()
        .find(|o| PROPAGATIONS.contains(o))
        .map(|o| (*o).to_owned());
    Mount {
        item,
        source_node: item,
        host_path: (kind == MountKind::Bind).then(|| source.unwrap_or("").to_owned()),
        kind,
        source: source.filter(|s| !s.is_empty()).map(str::to_owned),
        target: target.map(str::to_owned),
        device_node: None,
        read_only: options.contains(&"ro"),
        propagation_node: propagation.is_some().then_some(item),
        propagation,
        unknown_variable,
    }
}

/// Parses a long syntax entry, a mapping with `type`, `source`, `target` and options.
fn parse_long(tree: &Tree, item: NodeId, lookup: Lookup) -> Mount {
    let mut unknown_variable = None;
    let mut read = |node: Option<NodeId>| -> Option<String> {
        let raw = tree.scalar(node?)?;
        if tree.is_null(node?) {
            return None;
        }
        let (value, variable) = interpolate_partially(raw, lookup);
        if unknown_variable.is_none() {
            unknown_variable = variable;
        }
        Some(value)
    };
    let value = |key: &str| tree.get(item, key).map(|e| e.value);

    let mount_type = read(value("type")).map(|t| t.to_ascii_lowercase());
    let source_entry = tree.get(item, "source");
    let source = read(source_entry.map(|e| e.value)).filter(|s| !s.is_empty());
    let target = read(value("target"));
    let read_only = read(value("read_only"))
        .and_then(|v| crate::rules::compose::parse_bool(&v))
        .unwrap_or(false);

    let propagation_node = value("bind")
        .filter(|&bind| tree.is_mapping(bind))
        .and_then(|bind| tree.get(bind, "propagation"))
        .map(|e| e.value_written);
    let propagation = read(propagation_node).map(|p| p.to_ascii_lowercase());

    let kind = match (mount_type.as_deref(), source.as_deref()) {
        (Some("bind"), _) => MountKind::Bind,
        (Some("volume"), None) => MountKind::Anonymous,
        (Some("volume"), Some(s)) if s.contains(UNKNOWN_MARK) => MountKind::Unknown,
        (Some("volume"), Some(_)) => MountKind::Named,
        (Some(other), _) => MountKind::Other(other.to_owned()),
        // Compose requires `type`; guess from the source as the short syntax does.
        (None, None) => MountKind::Anonymous,
        (None, Some(s)) if is_host_path(s) => MountKind::Bind,
        (None, Some(_)) => MountKind::Named,
    };
    Mount {
        item,
        source_node: source_entry.map_or(item, |e| e.value_written),
        host_path: (kind == MountKind::Bind).then(|| source.clone()).flatten(),
        kind,
        source,
        target,
        device_node: None,
        read_only,
        propagation,
        propagation_node,
        unknown_variable,
    }
}

/// Gives a named volume the host path of its top-level definition when that definition is a
/// local bind (`driver_opts` with `o: bind` and a `device`).
fn resolve_named(
    tree: &Tree,
    mut mount: Mount,
    top_level: Option<NodeId>,
    lookup: Lookup,
) -> Mount {
    if mount.kind != MountKind::Named {
        return mount;
    }
    let (Some(name), Some(top_level)) = (mount.source.as_deref(), top_level) else {
        return mount;
    };
    let Some(definition) = tree.get(top_level, name).map(|e| e.value) else {
        return mount;
    };
    if !tree.is_mapping(definition) {
        return mount;
    }
    let scalar = |map: NodeId, key: &str| {
        tree.get(map, key)
            .and_then(|e| tree.scalar(e.value))
            .map(|raw| interpolate_partially(raw, lookup).0)
    };
    if scalar(definition, "driver").is_some_and(|d| d != "local") {
        return mount;
    }
    let Some(options) = tree
        .get(definition, "driver_opts")
        .map(|e| e.value)
        .filter(|&o| tree.is_mapping(o))
    else {
        return mount;
    };
    let binds = scalar(options, "o").is_some_and(|o| {
        o.split(',')
            .any(|option| matches!(option.trim(), "bind" | "rbind"))
    });
    let device = tree.get(options, "device").filter(|_| binds);
    if let Some((device, raw)) = device.and_then(|d| Some((d, tree.scalar(d.value)?))) {
        let (path, variable) = interpolate_partially(raw, lookup);
        mount.host_path = Some(path);
        mount.device_node = Some(device.value_written);
        mount.unknown_variable = mount.unknown_variable.or(variable);
    }
    mount
}

/// Normalises an absolute host path: repeated and trailing `/` removed, `.` and `..`
/// resolved. A relative path is returned unchanged, and `/` stays `/`.
pub fn clean_path(path: &str) -> String {
    if !path.starts_with('/') {
        return path.to_owned();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Returns whether the absolute path `path` is `dir` or lies under it.
pub fn is_under(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Mount> {
        let tree = Tree::parse(text).unwrap();
        let root = tree.documents[0];
        let volumes = tree.get(root, "v").unwrap().value;
        let top = tree.get(root, "volumes").map(|e| e.value);
        mounts(&tree, volumes, top, &|_| None)
    }

    fn one(text: &str) -> Mount {
        let mut all = parse(text);
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    #[test]
    fn short_bind_with_mode() {
        let m = one("v: ['/var/run/docker.sock:/var/run/docker.sock:ro']");
        assert_eq!(m.kind, MountKind::Bind);
        assert_eq!(m.host_path.as_deref(), Some("/var/run/docker.sock"));
        assert_eq!(m.target.as_deref(), Some("/var/run/docker.sock"));
        assert!(m.read_only);
        assert_eq!(m.propagation, None);
    }

    #[test]
    fn short_single_path_is_anonymous() {
        let m = one("v: [/var/run/docker.sock]");
        assert_eq!(m.kind, MountKind::Anonymous);
        assert_eq!(m.host_path, None);
        assert_eq!(m.target.as_deref(), Some("/var/run/docker.sock"));
    }

    #[test]
    fn short_relative_and_home_paths_are_binds() {
        for spec in [
            "./certs:/certs",
            "../up:/up",
            "~/.ssh:/root/.ssh",
            "data/x:/x",
        ] {
            let m = one(&format!("v: ['{spec}']"));
            assert_eq!(m.kind, MountKind::Bind, "{spec}");
        }
    }

    #[test]
    fn short_named_volume() {
        let m = one("v: ['pgdata:/var/lib/postgresql/data:rw']");
        assert_eq!(m.kind, MountKind::Named);
        assert_eq!(m.source.as_deref(), Some("pgdata"));
        assert_eq!(m.host_path, None);
        assert!(!m.read_only);
    }

    #[test]
    fn short_mode_options() {
        let m = one("v: ['/mnt:/mnt:ro,rshared,z']");
        assert!(m.read_only);
        assert_eq!(m.propagation.as_deref(), Some("rshared"));
        let m = one("v: ['/mnt:/mnt:slave']");
        assert!(!m.read_only);
        assert_eq!(m.propagation.as_deref(), Some("slave"));
    }

    #[test]
    fn short_interpolation() {
        let m = one("v: ['${SOCK:-/run/docker.sock}:/s']");
        assert_eq!(m.host_path.as_deref(), Some("/run/docker.sock"));
        assert_eq!(m.unknown_variable, None);
        let m = one("v: ['${XDG_RUNTIME_DIR}/docker.sock:/s']");
        assert_eq!(m.kind, MountKind::Bind);
        assert_eq!(m.host_path, Some(format!("{UNKNOWN_MARK}/docker.sock")));
        assert_eq!(m.unknown_variable.as_deref(), Some("XDG_RUNTIME_DIR"));
        let m = one("v: ['${DATA}:/data']");
        assert_eq!(m.kind, MountKind::Unknown);
        assert_eq!(m.host_path, None);
    }

    #[test]
    fn long_bind_and_volume() {
        let all = parse(
            "v:\n  - type: bind\n    source: /run/docker.sock\n    target: /tmp/e.sock\n    read_only: \"true\"\n    bind:\n      propagation: RSHARED\n  - type: volume\n    target: /cache\n  - type: volume\n    source: data\n    target: /data\n  - type: tmpfs\n    target: /tmp\n",
        );
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].kind, MountKind::Bind);
        assert_eq!(all[0].host_path.as_deref(), Some("/run/docker.sock"));
        assert!(all[0].read_only);
        assert_eq!(all[0].propagation.as_deref(), Some("rshared"));
        assert_ne!(all[0].source_node, all[0].item);
        assert_eq!(all[1].kind, MountKind::Anonymous);
        assert_eq!(all[2].kind, MountKind::Named);
        assert_eq!(all[3].kind, MountKind::Other("tmpfs".into()));
    }

    #[test]
    fn named_volume_bound_to_a_host_device() {
        let text = "v: ['hostrun:/host/run', 'plain:/p', 'nfs:/n']\nvolumes:\n  hostrun:\n    driver: local\n    driver_opts:\n      type: none\n      o: bind\n      device: /var/run\n  plain: {}\n  nfs:\n    driver_opts: {type: nfs, o: 'addr=10.0.0.1,rw', device: ':/export'}\n";
        let all = parse(text);
        assert_eq!(all[0].host_path.as_deref(), Some("/var/run"));
        assert!(all[0].device_node.is_some());
        assert_eq!(all[1].host_path, None);
        assert_eq!(all[2].host_path, None);
    }

    #[test]
    fn non_scalar_items_are_skipped() {
        assert!(parse("v: [[a, b]]").is_empty());
    }

    #[test]
    fn paths_are_cleaned() {
        assert_eq!(clean_path("/var//run/"), "/var/run");
        assert_eq!(clean_path("/etc/./ssl/../passwd"), "/etc/passwd");
        assert_eq!(clean_path("/"), "/");
        assert_eq!(clean_path("/.."), "/");
        assert_eq!(clean_path("./etc"), "./etc");
    }

    #[test]
    fn under_a_directory() {
        assert!(is_under("/etc/ssl", "/etc"));
        assert!(is_under("/etc", "/etc"));
        assert!(!is_under("/etcetera", "/etc"));
        assert!(is_under("/anything", "/"));
    }
}
