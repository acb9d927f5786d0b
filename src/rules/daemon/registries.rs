//! Registry settings: DH308 insecure-registries and DH323 insecure-registry-mirror.

use super::{DaemonContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH308 metadata.
pub static INSECURE_REGISTRIES: RuleMeta = RuleMeta {
    code: "DH308",
    name: "insecure-registries",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("2.5"),
    doc: rule_doc!("DH308"),
};

/// DH323 metadata.
pub static INSECURE_MIRROR: RuleMeta = RuleMeta {
    code: "DH323",
    name: "insecure-registry-mirror",
    target: Target::Daemon,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("2.5"),
    doc: rule_doc!("DH323"),
};

/// Runs the registry rules.
pub fn check(cx: &DaemonContext, out: &mut Vec<Diagnostic>) {
    if let Setting::Set(_, entries) = cx.strings("insecure-registries") {
        for (item, entry) in entries {
            let loopback = is_loopback(entry);
            let diagnostic = Diagnostic::new(
                &INSECURE_REGISTRIES,
                cx.span(item),
                format!(
                    "Registry `{entry}` is trusted without TLS verification, so images pulled \
                     from it can be tampered with in transit"
                ),
            )
            .with_label("insecure registry")
            .with_help("Serve the registry over TLS with a trusted certificate and remove it from `insecure-registries`");
            out.push(if loopback {
                diagnostic
                    .with_severity(Severity::Info)
                    .with_label("insecure registry on the loopback address")
            } else {
                diagnostic
            });
        }
    }
    if let Setting::Set(_, mirrors) = cx.strings("registry-mirrors") {
        for (item, mirror) in mirrors {
            if mirror.trim().to_ascii_lowercase().starts_with("http://") {
                out.push(
                    Diagnostic::new(
                        &INSECURE_MIRROR,
                        cx.span(item),
                        format!(
                            "Registry mirror `{mirror}` is reached over plain HTTP, so images \
                             pulled through it can be tampered with in transit"
                        ),
                    )
                    .with_label("plain HTTP")
                    .with_help("Use an `https://` mirror"),
                );
            }
        }
    }
}

/// Returns whether an `insecure-registries` entry (a host, `host:port` or a CIDR) is in `127.0.0.0/8`
/// or names the loopback interface.
fn is_loopback(entry: &str) -> bool {
    let entry = entry.trim();
    let entry = entry
        .strip_prefix("http://")
        .or_else(|| entry.strip_prefix("https://"))
        .unwrap_or(entry);
    let host = if let Some(rest) = entry.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        entry.split([':', '/']).next().unwrap_or("")
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(addr) => addr.is_loopback(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_entries() {
        for entry in [
            "127.0.0.1:5000",
            "127.0.0.0/8",
            "localhost:5000",
            "[::1]:5000",
        ] {
            assert!(is_loopback(entry), "{entry}");
        }
        for entry in ["10.0.0.0/8", "registry.local:5000", "128.0.0.1"] {
            assert!(!is_loopback(entry), "{entry}");
        }
    }
}
