//! DH301 api-tcp-without-tls: the Docker API listens on TCP without mutual TLS.

use super::{DaemonContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH301 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH301",
    name: "api-tcp-without-tls",
    target: Target::Daemon,
    severity: Severity::Error,
    enabled: true,
    cis: Some("2.7"),
    doc: rule_doc!("DH301"),
};

/// The port dockerd uses for TCP without TLS, and the one it uses with TLS.
const PLAIN_PORT: u16 = 2375;
const TLS_PORT: u16 = 2376;

/// DH301: flags each `tcp://` entry of `hosts` that is not protected by TLS with client
/// certificate verification, and any on port 2375 that is reachable from other hosts.
pub fn check(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    let Setting::Set(_, hosts) = cx.strings("hosts") else {
        return;
    };
    let certificates = ["tlscacert", "tlscert", "tlskey"]
        .iter()
        .all(|key| matches!(cx.string(key), Setting::Set(_, path) if !path.trim().is_empty()));
    let verify = matches!(cx.boolean("tlsverify"), Setting::Set(_, true));
    let tls = matches!(cx.boolean("tls"), Setting::Set(_, true));
    let mutual = verify && certificates;
    for (item, host) in hosts {
        let Some(address) = strip_scheme(host.trim()) else {
            continue;
        };
        let (name, port) = split_address(address);
        let port = port.unwrap_or(if tls || verify { TLS_PORT } else { PLAIN_PORT });
        let span = cx.span(item);
        let help = "Set `\"tlsverify\": true` with `tlscacert`, `tlscert` and `tlskey`, or listen \
                    on `unix:///var/run/docker.sock` only";
        if !mutual && !tls && !verify {
            out.push(
                Diagnostic::new(
                    &META,
                    span,
                    format!(
                        "The Docker API listens on `{host}` without TLS, so anyone who can reach \
                         it controls the daemon and the host"
                    ),
                )
                .with_label("no TLS")
                .with_help(help),
            );
            continue;
        }
        if !mutual {
            let message = if verify {
                format!(
                    "The Docker API on `{host}` sets `tlsverify` without all of `tlscacert`, \
                     `tlscert` and `tlskey`"
                )
            } else {
                format!(
                    "The Docker API on `{host}` uses TLS without verifying client certificates, \
                     so any client that reaches it controls the daemon"
                )
            };
            out.push(
                Diagnostic::new(&META, span, message)
                    .with_severity(Severity::Warning)
                    .with_label("no client verification")
                    .with_help(help),
            );
        }
        if port == PLAIN_PORT && !is_loopback(name) {
            out.push(
                Diagnostic::new(
                    &META,
                    span,
                    format!(
                        "The Docker API on `{host}` uses port 2375, the port for unencrypted \
                         access, on an address other hosts can reach"
                    ),
                )
                .with_label("port 2375")
                .with_help("Use port 2376 with `tlsverify`, or bind the API to 127.0.0.1"),
            );
        }
    }
}

/// Returns the address of a TCP host entry, without the scheme and any path. Like dockerd
/// (`parseDaemonHost` in moby's `opts/hosts.go`), an entry without `://` is a TCP address.
fn strip_scheme(host: &str) -> Option<&str> {
    let rest = match host.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("tcp") => rest,
        Some(_) => return None,
        None if !host.trim().is_empty() => host.trim(),
        None => return None,
    };
    Some(rest.split('/').next().unwrap_or(""))
}

/// Splits `host:port` (`[v6]:port`, `:port`, `host`) into the host and the port.
fn split_address(address: &str) -> (&str, Option<u16>) {
    if let Some(rest) = address.strip_prefix('[') {
        let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
        return (host, after.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match address.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host, port.parse().ok()),
        Some(_) => (address, None),
        None => (address, None),
    }
}

/// Returns whether `host` names the loopback interface. An empty host means every interface.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|addr| addr.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split() {
        assert_eq!(split_address("0.0.0.0:2376"), ("0.0.0.0", Some(2376)));
        assert_eq!(split_address(":2375"), ("", Some(2375)));
        assert_eq!(split_address("[::1]:2375"), ("::1", Some(2375)));
        assert_eq!(split_address("docker.example"), ("docker.example", None));
        assert_eq!(
            strip_scheme("TCP://1.2.3.4:2375/path"),
            Some("1.2.3.4:2375")
        );
        assert_eq!(strip_scheme("unix:///var/run/docker.sock"), None);
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("::1"));
        assert!(!is_loopback(""));
        assert!(!is_loopback("0.0.0.0"));
    }
}
