//! Service ports in Compose's short and long syntax.
//!
//! Short syntax is `[IP:][HOST[-RANGE]:]CONTAINER[-RANGE][/PROTOCOL]`, split the way Docker's
//! `nat.ParsePortSpec` splits it: the last field is the container port, the one before it the
//! host port, and everything before those the host IP. So `::1:80:80` and `[::1]:80:80` both
//! bind to `::1`. A YAML number (`- 80`) is the container port alone.
//!
//! Long syntax is a mapping with `target`, `published`, `host_ip`, `protocol` and `mode`.
//!
//! Values are interpolated with their defaults. A variable without a default leaves
//! [`UNKNOWN_MARK`] in the text.

use super::Lookup;
use super::interpolate::{UNKNOWN_MARK, interpolate_partially};
use crate::yaml::{NodeId, Tree};

/// One entry of a service's `ports` list.
#[derive(Clone, Debug)]
pub struct Port {
    /// The list item as written.
    pub item: NodeId,
    /// Whether the entry is written in long syntax (a mapping).
    pub long: bool,
    /// The host IP, brackets removed; `None` when the entry has none.
    pub host_ip: Option<String>,
    /// The long syntax `host_ip` value node.
    pub host_ip_node: Option<NodeId>,
    /// The published host port or range (`8080`, `8000-8010`); `None` for an ephemeral port.
    pub published: Option<String>,
    /// The long syntax `published` value node.
    pub published_node: Option<NodeId>,
    /// The container port or range.
    pub target: Option<String>,
    /// The first variable without a default that the entry depends on.
    pub unknown_variable: Option<String>,
}

/// Reads the entries of a `ports` sequence. Items that are neither scalars nor mappings are
/// skipped.
pub fn ports(tree: &Tree, ports: NodeId, lookup: Lookup) -> Vec<Port> {
    let mut out = Vec::new();
    for &item in tree.items(ports) {
        if let Some(raw) = tree.scalar(item) {
            out.push(parse_short(item, raw, lookup));
        } else if tree.is_mapping(item) {
            out.push(parse_long(tree, item, lookup));
        }
    }
    out
}

/// Splits a short syntax port into its fields: host IP (brackets removed), host port, container port
/// with protocol removed.
pub fn split_short(spec: &str) -> (Option<&str>, Option<&str>, &str) {
    let spec = spec.trim();
    let without_protocol = spec.rsplit_once('/').map_or(spec, |(port, _)| port);
    let parts: Vec<&str> = without_protocol.split(':').collect();
    let n = parts.len();
    let container = parts[n - 1];
    let (ip, host) = match n {
        1 => (None, None),
        2 => (None, Some(parts[0])),
        _ => {
            // Everything before the host port is the IP, which may itself contain colons.
            let host_start = without_protocol.len() - container.len() - 1 - parts[n - 2].len();
            (
                Some(&without_protocol[..host_start - 1]),
                Some(parts[n - 2]),
            )
        }
    };
    let ip = ip.map(|ip| {
        ip.strip_prefix('[')
            .and_then(|inner| inner.strip_suffix(']'))
            .unwrap_or(ip)
    });
    (ip, host.filter(|h| !h.is_empty()), container)
}

fn parse_short(item: NodeId, raw: &str, lookup: Lookup) -> Port {
    let (text, unknown_variable) = interpolate_partially(raw, lookup);
    let (ip, host, container) = split_short(&text);
    Port {
        item,
        long: false,
        host_ip: ip.map(str::to_owned),
        host_ip_node: None,
        published: host.map(str::to_owned),
        published_node: None,
        target: Some(container.to_owned()),
        unknown_variable,
    }
}

fn parse_long(tree: &Tree, item: NodeId, lookup: Lookup) -> Port {
    let mut unknown_variable = None;
    let mut read = |key: &str| -> (Option<String>, Option<NodeId>) {
        let Some(entry) = tree.get(item, key) else {
            return (None, None);
        };
        if tree.is_null(entry.value) {
            return (None, Some(entry.value_written));
        }
        let Some(raw) = tree.scalar(entry.value) else {
            return (None, Some(entry.value_written));
        };
        let (value, variable) = interpolate_partially(raw, lookup);
        if unknown_variable.is_none() {
            unknown_variable = variable;
        }
        (Some(value), Some(entry.value_written))
    };
    let (host_ip, host_ip_node) = read("host_ip");
    let (published, published_node) = read("published");
    let (target, _) = read("target");
    Port {
        item,
        long: true,
        host_ip: host_ip.filter(|ip| !ip.is_empty()).map(|ip| {
            ip.strip_prefix('[')
                .and_then(|inner| inner.strip_suffix(']'))
                .map_or(ip.clone(), str::to_owned)
        }),
        host_ip_node,
        published: published.filter(|p| !p.is_empty()),
        published_node,
        target,
        unknown_variable,
    }
}

/// Returns whether a host IP listens on every interface: `0.0.0.0` or the IPv6 `::`.
pub fn is_wildcard(ip: &str) -> bool {
    matches!(ip, "0.0.0.0" | "::" | "0:0:0:0:0:0:0:0")
}

/// Returns the first and last port of a port or range such as `80` or `8000-8010`. Returns `None` when
/// the text is not a number or a range of numbers.
pub fn port_range(text: &str) -> Option<(u32, u32)> {
    let (first, last) = text.split_once('-').unwrap_or((text, text));
    let first: u32 = first.trim().parse().ok()?;
    let last: u32 = last.trim().parse().ok()?;
    Some((first, last))
}

/// Returns whether a value still contains the part of a variable without a default.
pub fn is_unknown(value: &str) -> bool {
    value.contains(UNKNOWN_MARK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Port> {
        let tree = Tree::parse(text).unwrap();
        let root = tree.documents[0];
        let list = tree.get(root, "ports").unwrap().value;
        ports(&tree, list, &|_| None)
    }

    #[test]
    fn short_spellings() {
        let cases: &[(&str, Option<&str>, Option<&str>, &str)] = &[
            ("80", None, None, "80"),
            ("8080:80", None, Some("8080"), "80"),
            ("8080:80/udp", None, Some("8080"), "80"),
            ("127.0.0.1:8080:80", Some("127.0.0.1"), Some("8080"), "80"),
            ("127.0.0.1::80", Some("127.0.0.1"), None, "80"),
            ("0.0.0.0:80:80", Some("0.0.0.0"), Some("80"), "80"),
            ("[::1]:80:80", Some("::1"), Some("80"), "80"),
            ("::1:80:80", Some("::1"), Some("80"), "80"),
            ("[::]:443:443/tcp", Some("::"), Some("443"), "443"),
            ("8000-8010:8000-8010", None, Some("8000-8010"), "8000-8010"),
            (
                "10.0.0.5:5000-5005:5000-5005/udp",
                Some("10.0.0.5"),
                Some("5000-5005"),
                "5000-5005",
            ),
        ];
        for (spec, ip, host, container) in cases {
            assert_eq!(split_short(spec), (*ip, *host, *container), "{spec}");
        }
    }

    #[test]
    fn numbers_and_strings() {
        let all = parse("ports: [80, '443:443', \"127.0.0.1:9000:9000\"]");
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].published, None);
        assert_eq!(all[0].target.as_deref(), Some("80"));
        assert_eq!(all[1].published.as_deref(), Some("443"));
        assert_eq!(all[1].host_ip, None);
        assert_eq!(all[2].host_ip.as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn long_syntax() {
        let all = parse(
            "ports:\n  - target: 80\n    published: \"8080\"\n  - target: 53\n    published: 53\n    host_ip: 127.0.0.1\n    protocol: udp\n  - target: 9000\n",
        );
        assert!(all.iter().all(|p| p.long));
        assert_eq!(all[0].host_ip, None);
        assert_eq!(all[0].published.as_deref(), Some("8080"));
        assert!(all[0].published_node.is_some());
        assert_eq!(all[1].host_ip.as_deref(), Some("127.0.0.1"));
        assert!(all[1].host_ip_node.is_some());
        assert_eq!(all[2].published, None);
    }

    #[test]
    fn interpolation() {
        let all = parse("ports: ['${BIND:-127.0.0.1}:${PORT:-8080}:80', '${PORT}:80']");
        assert_eq!(all[0].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(all[0].unknown_variable, None);
        assert_eq!(all[1].unknown_variable.as_deref(), Some("PORT"));
        assert!(all[1].published.as_deref().is_some_and(is_unknown));
    }

    #[test]
    fn ranges_and_wildcards() {
        assert_eq!(port_range("80"), Some((80, 80)));
        assert_eq!(port_range("1000-1030"), Some((1000, 1030)));
        assert_eq!(port_range("http"), None);
        assert!(is_wildcard("0.0.0.0"));
        assert!(is_wildcard("::"));
        assert!(!is_wildcard("::1"));
    }
}
