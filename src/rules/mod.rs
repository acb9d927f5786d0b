//! The rule registry: metadata of every rule and the entry points that run them.
//!
//! Each rule lives in its own file under `compose/`, `dockerfile/`, `daemon/` or `tool.rs` and exports a
//! `META` constant and a check function. Its user documentation is `lints/<CODE>.md`, embedded
//! here so that `dhlint` can show it and tests can check it.

pub mod compose;
pub mod daemon;
pub mod dockerfile;
pub mod secrets;
pub mod tool;

use crate::diagnostic::Severity;

/// The kind of file a rule checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// Any file: parse errors and other tool-level findings.
    Any,
    /// Docker Compose files.
    Compose,
    /// Dockerfiles and Containerfiles.
    Dockerfile,
    /// Docker daemon configuration files (`daemon.json`).
    Daemon,
}

impl Target {
    /// Lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Any => "any",
            Target::Compose => "compose",
            Target::Dockerfile => "dockerfile",
            Target::Daemon => "daemon",
        }
    }
}

/// Static description of a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, such as `DH101`.
    pub code: &'static str,
    /// Kebab-case name of the hazard, such as `read-only-rootfs`.
    pub name: &'static str,
    /// The file kind it checks.
    pub target: Target,
    /// Default severity of its findings.
    pub severity: Severity,
    /// Whether the rule runs without configuration. A rule that is off by default runs only
    /// when its code or name, or `ALL`, is selected.
    pub enabled: bool,
    /// The CIS Docker Benchmark v1.6.0 recommendation it checks, such as `5.13`.
    pub cis: Option<&'static str>,
    /// The rule's page from `lints/`, in Markdown.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The one-line summary: the first non-empty line after the page's title.
    pub fn summary(&self) -> &'static str {
        self.doc
            .lines()
            .find(|line| !line.starts_with("# ") && !line.trim().is_empty())
            .unwrap_or("")
    }
}

/// Embeds `lints/<code>.md`.
macro_rules! rule_doc {
    ($code:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/lints/", $code, ".md"))
    };
}
pub(crate) use rule_doc;

/// Every rule, sorted by code.
pub static RULES: &[&RuleMeta] = &[
    &tool::PARSE_ERROR,
    &tool::UNUSED_SUPPRESSION,
    &tool::DUPLICATE_KEY,
    &tool::INVALID_COMPOSE,
    &dockerfile::empty_continuation::META,
    &compose::read_only_rootfs::META,
    &compose::cap_drop_all::META,
    &compose::memory_limit::META,
    &compose::pids_limit::META,
    &compose::secret_in_environment::META,
    &compose::non_root_user::META,
    &compose::no_new_privileges::META,
    &compose::privileged::META,
    &compose::docker_socket::META,
    &compose::host_namespaces::HOST_NETWORK,
    &compose::host_namespaces::HOST_PID,
    &compose::host_namespaces::HOST_IPC,
    &compose::host_namespaces::HOST_USERNS,
    &compose::host_namespaces::HOST_UTS,
    &compose::host_namespaces::HOST_CGROUPNS,
    &compose::security_opt::SECCOMP,
    &compose::security_opt::APPARMOR,
    &compose::security_opt::SELINUX,
    &compose::cap_add::META,
    &compose::sensitive_host_mount::META,
    &compose::host_devices::META,
    &compose::mount_propagation::META,
    &compose::port_all_interfaces::META,
    &compose::privileged_host_port::META,
    &compose::cpu_limit::META,
    &compose::log_rotation::META,
    &compose::healthcheck::META,
    &compose::restart_policy::META,
    &compose::image_pinned::META,
    &compose::cgroup_parent::META,
    &compose::oom_kill_disable::META,
    &compose::default_bridge_network::META,
    &dockerfile::final_user_root::META,
    &dockerfile::final_user_missing::META,
    &dockerfile::secret_in_env_arg::META,
    &dockerfile::secret_file_copied::META,
    &dockerfile::add_instead_of_copy::META,
    &dockerfile::sudo_in_run::META,
    &dockerfile::base_image_unpinned::META,
    &dockerfile::untrusted_registry::META,
    &dockerfile::expose_ssh::META,
    &dockerfile::tls_verification_disabled::META,
    &dockerfile::remote_script_pipe::META,
    &dockerfile::setuid_or_world_writable::META,
    &dockerfile::password_set_in_run::META,
    &dockerfile::healthcheck_missing::META,
    &dockerfile::update_alone::META,
    &dockerfile::workdir_system_dir::META,
    &dockerfile::non_numeric_user::META,
    &daemon::api_tcp_without_tls::META,
    &daemon::isolation::USERNS_REMAP,
    &daemon::isolation::NO_NEW_PRIVILEGES,
    &daemon::logging::LOG_ROTATION,
    &daemon::network::ICC,
    &daemon::daemon_options::LIVE_RESTORE,
    &daemon::network::USERLAND_PROXY,
    &daemon::registries::INSECURE_REGISTRIES,
    &daemon::network::IPTABLES_DISABLED,
    &daemon::logging::LOG_LEVEL,
    &daemon::daemon_options::EXPERIMENTAL,
    &daemon::isolation::SECCOMP_UNCONFINED,
    &daemon::storage::DEPRECATED_DRIVER,
    &daemon::daemon_options::AUTHORIZATION_PLUGINS,
    &daemon::daemon_options::DEFAULT_ULIMITS,
    &daemon::daemon_options::CGROUP_PARENT,
    &daemon::storage::BASESIZE,
    &daemon::logging::CENTRALIZED_LOGGING,
    &daemon::network::DEFAULT_BIND_IP,
    &daemon::invalid_config::META,
    &daemon::isolation::SELINUX_DISABLED,
    &daemon::isolation::SHARED_NAMESPACES,
    &daemon::registries::INSECURE_MIRROR,
];

/// Finds a rule by code (`DH101`) or name (`read-only-rootfs`), ignoring ASCII case.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    RULES.iter().copied().find(|rule| {
        rule.code.eq_ignore_ascii_case(code_or_name) || rule.name.eq_ignore_ascii_case(code_or_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        for name in &names {
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn codes_match_their_target_block() {
        for rule in RULES {
            let block = &rule.code[2..3];
            let expected = match rule.target {
                Target::Any => "0",
                Target::Compose => "1",
                Target::Dockerfile => "2",
                Target::Daemon => "3",
            };
            assert_eq!(block, expected, "{} is in the wrong block", rule.code);
        }
    }

    #[test]
    fn docs_start_with_code_and_name() {
        for rule in RULES {
            let title = format!("# {} {}", rule.code, rule.name);
            assert_eq!(rule.doc.lines().next(), Some(title.as_str()));
            assert!(!rule.summary().is_empty());
        }
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(find("dh101").map(|r| r.name), Some("read-only-rootfs"));
        assert_eq!(find("read-only-rootfs").map(|r| r.code), Some("DH101"));
        assert!(find(&format!("DH{}", 999)).is_none());
    }
}
