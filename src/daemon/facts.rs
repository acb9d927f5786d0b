//! Daemon-wide defaults read from the `daemon.json` files of a run, which Compose rules take
//! into account: a service that does not set an option still gets the daemon's default.

use std::path::{Path, PathBuf};

use super::DaemonFile;

/// The settings of one daemon configuration that Compose rules can use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    /// The configuration's path, as given or found by the walk.
    pub path: PathBuf,
    /// Whether dockerd can load the file: it is strict JSON, with known keys and values of the
    /// right types. A file dockerd rejects sets nothing.
    pub loads: bool,
    /// `"no-new-privileges": true`.
    pub no_new_privileges: bool,
    /// The `log-driver` value.
    pub log_driver: Option<String>,
    /// The `log-opts` `max-size` value.
    pub log_max_size: Option<String>,
    /// The `ip` value: the default host address of published ports.
    pub ip: Option<String>,
}

impl FileFacts {
    /// Returns whether `log-opts.max-size` is a positive size.
    fn limits_json_file(&self) -> bool {
        self.log_max_size
            .as_deref()
            .and_then(crate::rules::compose::parse_bytes)
            .is_some_and(|bytes| bytes > 0.0)
    }

    /// Reads the facts of the configuration at `path` whose text is `text`.
    pub fn of(path: &Path, text: &str) -> FileFacts {
        let mut facts = FileFacts {
            path: path.to_path_buf(),
            ..FileFacts::default()
        };
        let Ok(file) = DaemonFile::parse(text) else {
            return facts;
        };
        if !crate::rules::daemon::invalid_config::loads(&file) {
            return facts;
        }
        facts.loads = true;
        let string = |key: &str| {
            file.member(key)
                .and_then(|m| file.string(m.value))
                .map(str::to_owned)
        };
        facts.no_new_privileges = file
            .member("no-new-privileges")
            .and_then(|m| file.boolean(m.value))
            .unwrap_or(false);
        facts.log_driver = string("log-driver");
        facts.log_max_size = file
            .member("log-opts")
            .and_then(|opts| file.get(opts.value, "max-size"))
            .and_then(|m| file.string(m.value))
            .map(str::to_owned);
        facts.ip = string("ip");
        facts
    }
}

/// The daemon configurations of one run. A Compose file may be deployed to any of those hosts,
/// so a default counts only when every configuration of the run sets it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// One entry per configuration, sorted by path.
    pub files: Vec<FileFacts>,
}

impl Facts {
    /// Collects the facts of `files`, sorting them by path.
    pub fn new(mut files: Vec<FileFacts>) -> Facts {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Facts { files }
    }

    /// Returns whether the run has no daemon configuration.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Returns the first configuration that turns no-new-privileges on for every container, when every
    /// configuration of the run does.
    pub fn no_new_privileges(&self) -> Option<&Path> {
        let all = !self.files.is_empty() && self.files.iter().all(|f| f.no_new_privileges);
        all.then(|| self.files[0].path.as_path())
    }

    /// Returns the first configuration when every configuration of the run rotates the logs of
    /// containers that keep the default logging driver. `json-file` (the default) needs a
    /// positive `log-opts.max-size`. Any other driver counts: `local` rotates, and the others
    /// keep no logs on the host.
    pub fn rotates_logs(&self) -> Option<&Path> {
        let rotates = |f: &FileFacts| match f.log_driver.as_deref() {
            None | Some("json-file") => f.limits_json_file(),
            Some(_) => true,
        };
        let all = !self.files.is_empty() && self.files.iter().all(|f| f.loads && rotates(f));
        all.then(|| self.files[0].path.as_path())
    }

    /// Returns the first configuration when every configuration of the run has `json-file` as
    /// its default driver with a positive `log-opts.max-size`. dockerd adds the default
    /// driver's options to a container that names the same driver, so this rotates the logs of
    /// a service that sets `driver: json-file` without options.
    pub fn rotates_json_file_logs(&self) -> Option<&Path> {
        let json_file = |f: &FileFacts| {
            f.loads
                && matches!(f.log_driver.as_deref(), None | Some("json-file"))
                && f.limits_json_file()
        };
        let all = !self.files.is_empty() && self.files.iter().all(json_file);
        all.then(|| self.files[0].path.as_path())
    }

    /// Returns the first configuration and its address when every configuration of the run
    /// publishes ports on a specific address (`"ip"`) instead of every interface.
    pub fn default_address(&self) -> Option<(&Path, &str)> {
        let specific = |f: &FileFacts| {
            f.loads
                && f.ip.as_deref().is_some_and(|ip| {
                    let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
                    !matches!(ip, "" | "0.0.0.0" | "::")
                })
        };
        let first = self.files.first()?;
        let all = self.files.iter().all(specific);
        all.then(|| (first.path.as_path(), first.ip.as_deref().unwrap_or("")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> FileFacts {
        FileFacts::of(Path::new("daemon.json"), text)
    }

    #[test]
    fn settings_are_read() {
        let found = facts(
            r#"{"no-new-privileges": true, "ip": "127.0.0.1", "log-opts": {"max-size": "10m"}}"#,
        );
        assert!(found.loads);
        assert!(found.no_new_privileges);
        assert_eq!(found.ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(found.log_max_size.as_deref(), Some("10m"));
        assert_eq!(found.log_driver, None);
    }

    #[test]
    fn file_dockerd_rejects_sets_nothing() {
        let unknown_key = facts(r#"{"no-new-privileges": true, "no-new-privilege": true}"#);
        assert!(!unknown_key.loads);
        assert!(!unknown_key.no_new_privileges);
        let trailing_comma = facts(r#"{"no-new-privileges": true,}"#);
        assert!(!trailing_comma.no_new_privileges);
        let string_value = facts(r#"{"no-new-privileges": "true"}"#);
        assert!(!string_value.no_new_privileges);
    }

    #[test]
    fn every_configuration_must_agree() {
        let on = facts(r#"{"no-new-privileges": true}"#);
        let mut off = facts("{}");
        off.path = PathBuf::from("other/daemon.json");
        assert_eq!(
            Facts::new(vec![on.clone()]).no_new_privileges(),
            Some(Path::new("daemon.json"))
        );
        assert_eq!(Facts::new(vec![on, off]).no_new_privileges(), None);
        assert_eq!(Facts::default().no_new_privileges(), None);
    }

    #[test]
    fn log_rotation_and_address_defaults() {
        let rotated = facts(r#"{"log-opts": {"max-size": "10m"}}"#);
        let local = facts(r#"{"log-driver": "local"}"#);
        let unlimited = facts(r#"{"log-opts": {"max-file": "3"}}"#);
        let zero = facts(r#"{"log-opts": {"max-size": "0"}}"#);
        assert!(Facts::new(vec![rotated]).rotates_logs().is_some());
        assert!(Facts::new(vec![local]).rotates_logs().is_some());
        assert!(Facts::new(vec![unlimited]).rotates_logs().is_none());
        assert!(Facts::new(vec![zero]).rotates_logs().is_none());
        assert!(Facts::default().rotates_logs().is_none());
        let explicit = Facts::new(vec![facts(r#"{"log-opts": {"max-size": "10m"}}"#)]);
        assert!(explicit.rotates_json_file_logs().is_some());
        let local = Facts::new(vec![facts(r#"{"log-driver": "local"}"#)]);
        assert!(local.rotates_json_file_logs().is_none());

        let loopback = facts(r#"{"ip": "127.0.0.1"}"#);
        assert_eq!(
            Facts::new(vec![loopback]).default_address(),
            Some((Path::new("daemon.json"), "127.0.0.1"))
        );
        for wildcard in [r#"{"ip": "0.0.0.0"}"#, r#"{"ip": "::"}"#, "{}"] {
            assert!(
                Facts::new(vec![facts(wildcard)])
                    .default_address()
                    .is_none()
            );
        }
    }
}
