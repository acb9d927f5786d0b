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
}
