//! The top-level keys dockerd accepts in `daemon.json`, and the value types of the keys dhlint
//! reads.
//!
//! The key list is the JSON tags of moby's `daemon/config/config.go` (`CommonConfig` and the
//! structs it embeds, `registry.ServiceOptions` included) and `daemon/config/config_linux.go`
//! (`Config`, `BridgeConfig`, `DefaultBridgeConfig`), as of moby 28. dockerd rejects any other
//! top-level key in `findConfigurationConflicts`, except the keys of its `skipValidateOptions`,
//! which are listed in [`SKIPPED`].

use super::JsonType;

/// Top-level keys that are JSON tags of dockerd's configuration structs on Linux.
pub const KNOWN: &[&str] = &[
    "allow-direct-routing",
    "api-cors-header",
    "authorization-plugins",
    "bip",
    "bip6",
    "bridge",
    "bridge-accept-fwmark",
    "cdi-spec-dirs",
    "cgroup-parent",
    "containerd",
    "containerd-namespace",
    "containerd-plugin-namespace",
    "cpu-rt-period",
    "cpu-rt-runtime",
    "cri-containerd",
    "data-root",
    "debug",
    "default-address-pools",
    "default-cgroupns-mode",
    "default-gateway",
    "default-gateway-v6",
    "default-init",
    "default-ipc-mode",
    "default-network-opts",
    "default-runtime",
    "default-shm-size",
    "default-ulimits",
    "dns",
    "dns-opts",
    "dns-search",
    "exec-opts",
    "exec-root",
    "experimental",
    "firewall-backend",
    "fixed-cidr",
    "fixed-cidr-v6",
    "group",
    "host-gateway-ip",
    "host-gateway-ips",
    "hosts",
    "icc",
    "init",
    "init-path",
    "insecure-registries",
    "ip",
    "ip-forward",
    "ip-forward-no-drop",
    "ip-masq",
    "ip6tables",
    "iptables",
    "ipv6",
    "labels",
    "live-restore",
    "log-driver",
    "log-format",
    "log-level",
    "log-opts",
    "max-concurrent-downloads",
    "max-concurrent-uploads",
    "max-download-attempts",
    "metrics-addr",
    "mtu",
    "network-control-plane-mtu",
    "network-diagnostic-port",
    "no-new-privileges",
    "node-generic-resources",
    "pidfile",
    "proxies",
    "raw-logs",
    "registry-mirrors",
    "resolv-conf",
    "rootless",
    "runtimes",
    "seccomp-profile",
    "selinux-enabled",
    "shutdown-timeout",
    "storage-driver",
    "storage-opts",
    "swarm-default-advertise-addr",
    "swarm-raft-election-tick",
    "swarm-raft-heartbeat-tick",
    "tls",
    "tlscacert",
    "tlscert",
    "tlskey",
    "tlsverify",
    "userland-proxy",
    "userland-proxy-path",
    "userns-remap",
];

/// Keys dockerd does not check for being known (`skipValidateOptions`), so they are never
/// reported as unknown.
pub const SKIPPED: &[&str] = &[
    "features",
    "builder",
    "deprecated-key-path",
    "allow-nondistributable-artifacts",
];

/// Returns whether dockerd accepts `key` at the top level.
pub fn is_known(key: &str) -> bool {
    KNOWN.binary_search(&key).is_ok() || SKIPPED.contains(&key)
}

/// The shape a key's value must have for Go's JSON decoder to accept it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One value of this type.
    Scalar(JsonType),
    /// An array whose items are strings.
    Strings,
    /// An object whose values are strings (`map[string]string`).
    StringMap,
    /// An object with any values.
    Object,
}

/// The shapes of the keys the daemon rules read. A `null` value is accepted for every key, as
/// Go's decoder leaves the setting at its default.
pub const SHAPES: &[(&str, Shape)] = &[
    ("authorization-plugins", Shape::Strings),
    ("cgroup-parent", Shape::Scalar(JsonType::String)),
    ("debug", Shape::Scalar(JsonType::Bool)),
    ("default-cgroupns-mode", Shape::Scalar(JsonType::String)),
    ("default-ipc-mode", Shape::Scalar(JsonType::String)),
    ("default-ulimits", Shape::Object),
    ("experimental", Shape::Scalar(JsonType::Bool)),
    ("hosts", Shape::Strings),
    ("icc", Shape::Scalar(JsonType::Bool)),
    ("insecure-registries", Shape::Strings),
    ("ip", Shape::Scalar(JsonType::String)),
    ("iptables", Shape::Scalar(JsonType::Bool)),
    ("live-restore", Shape::Scalar(JsonType::Bool)),
    ("log-driver", Shape::Scalar(JsonType::String)),
    ("log-level", Shape::Scalar(JsonType::String)),
    ("log-opts", Shape::StringMap),
    ("no-new-privileges", Shape::Scalar(JsonType::Bool)),
    ("registry-mirrors", Shape::Strings),
    ("seccomp-profile", Shape::Scalar(JsonType::String)),
    ("selinux-enabled", Shape::Scalar(JsonType::Bool)),
    ("storage-driver", Shape::Scalar(JsonType::String)),
    ("storage-opts", Shape::Strings),
    ("tls", Shape::Scalar(JsonType::Bool)),
    ("tlscacert", Shape::Scalar(JsonType::String)),
    ("tlscert", Shape::Scalar(JsonType::String)),
    ("tlskey", Shape::Scalar(JsonType::String)),
    ("tlsverify", Shape::Scalar(JsonType::Bool)),
    ("userland-proxy", Shape::Scalar(JsonType::Bool)),
    ("userns-remap", Shape::Scalar(JsonType::String)),
];

/// Returns the shape of `key`'s value, for the keys in [`SHAPES`].
pub fn shape(key: &str) -> Option<Shape> {
    SHAPES
        .iter()
        .find(|(name, _)| *name == key)
        .map(|&(_, shape)| shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_are_sorted_and_unique() {
        let mut sorted = KNOWN.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, KNOWN);
    }

    #[test]
    fn every_shaped_key_is_known() {
        for (key, _) in SHAPES {
            assert!(is_known(key), "{key}");
        }
    }
}
