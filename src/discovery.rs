//! Finding the files to lint: a parallel walk that honours `.gitignore`, `.ignore` and
//! `.dhlintignore`, classification by file name, and the paths named on the command line.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// The kinds of file dhlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum FileKind {
    /// A Docker Compose file.
    Compose,
    /// A Dockerfile or Containerfile.
    Dockerfile,
    /// A Docker daemon configuration file, `daemon.json`.
    Daemon,
    /// A file of `KEY=VALUE` lines that a Compose service reads with `env_file`. Such files are
    /// found through the Compose files that name them, not by their own name.
    Env,
}

impl FileKind {
    /// Lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Compose => "compose",
            FileKind::Dockerfile => "dockerfile",
            FileKind::Daemon => "daemon",
            FileKind::Env => "env",
        }
    }
}

/// A file to lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The path, relative to the working directory when it was given that way.
    pub path: PathBuf,
    /// How to read it.
    pub kind: FileKind,
    /// Whether it was named on the command line rather than found by the walk.
    pub explicit: bool,
}

/// A path that could not be walked, with the reason.
#[derive(Clone, Debug)]
pub struct WalkError {
    /// The path involved, when known.
    pub path: Option<PathBuf>,
    /// The error message, which names the path.
    pub message: String,
}

/// Walk settings from the command line.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Lint hidden files and folders too.
    pub hidden: bool,
    /// Ignore `.gitignore`, `.ignore` and `.dhlintignore` files.
    pub no_ignore: bool,
    /// The kind for files named on the command line; `None` decides by name.
    pub forced_kind: Option<FileKind>,
    /// Walker threads; 0 lets the walker choose.
    pub threads: usize,
}

/// Suffixes of files that share a Dockerfile's name but are something else: templates,
/// per-Dockerfile ignore files, documentation and editor leftovers.
const NOT_DOCKERFILE_SUFFIXES: &[&str] = &[
    ".dockerignore",
    ".md",
    ".txt",
    ".j2",
    ".jinja",
    ".jinja2",
    ".tmpl",
    ".tpl",
    ".template",
    ".erb",
    ".orig",
    ".bak",
    ".swp",
    ".rej",
];

/// Decides the kind of a file from its name alone.
///
/// Compose: `compose.yaml`, `compose.yml`, `docker-compose.yaml`, `docker-compose.yml` and
/// their variants with a suffix after `.`, `-` or `_` (`compose.override.yaml`,
/// `docker-compose.prod.yml`, `docker-compose-dev.yml`). Dockerfile: `Dockerfile`,
/// `Containerfile` and their variants with a suffix after `.`, `-` or `_` (`Dockerfile.dev`,
/// `Dockerfile-prod`), and `<prefix>.Dockerfile`, except templates and other look-alikes.
/// Daemon configuration: `daemon.json`.
pub fn classify(file_name: &str) -> Option<FileKind> {
    let lower = file_name.to_ascii_lowercase();
    if lower == "daemon.json" {
        return Some(FileKind::Daemon);
    }
    let is_yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    if is_yaml {
        let stem = lower.rsplit_once('.').map_or("", |(stem, _)| stem);
        let base = stem.strip_prefix("docker-").unwrap_or(stem);
        let variant = ['.', '-', '_'].iter().any(|sep| {
            base.strip_prefix("compose")
                .is_some_and(|rest| rest.starts_with(*sep))
        });
        if base == "compose" || variant {
            return Some(FileKind::Compose);
        }
        return None;
    }
    if NOT_DOCKERFILE_SUFFIXES
        .iter()
        .any(|suffix| lower.ends_with(suffix))
    {
        return None;
    }
    let named = ["dockerfile", "containerfile"].iter().any(|name| {
        lower == *name
            || lower
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(['.', '-', '_']))
    });
    if named || lower.ends_with(".dockerfile") {
        return Some(FileKind::Dockerfile);
    }
    None
}

/// Guesses the kind of a file named on the command line whose name does not match: YAML
/// extensions are Compose, `.json` is a daemon configuration, anything else is a Dockerfile.
fn guess(path: &Path) -> FileKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase());
    match name {
        Some(name) if name.ends_with(".yaml") || name.ends_with(".yml") => FileKind::Compose,
        Some(name) if name.ends_with(".json") => FileKind::Daemon,
        _ => FileKind::Dockerfile,
    }
}

/// Finds the files to lint under `paths`, sorted by path.
///
/// A file named directly is linted whatever its name; folders are walked and only files whose
/// names [`classify`] recognises are kept.
pub fn discover(paths: &[PathBuf], options: &WalkOptions) -> (Vec<Candidate>, Vec<WalkError>) {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let mut roots = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => roots.push(path.clone()),
            Ok(_) => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                let kind = options
                    .forced_kind
                    .or_else(|| name.as_deref().and_then(classify))
                    .unwrap_or_else(|| guess(path));
                lock(&found).push(Candidate {
                    path: clean(path),
                    kind,
                    explicit: true,
                });
            }
            Err(error) => {
                let broken_link = fs_is_symlink(path);
                let reason = match error.kind() {
                    std::io::ErrorKind::NotFound if broken_link => {
                        "broken symlink: its target does not exist".to_owned()
                    }
                    std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
                    _ => error.to_string(),
                };
                lock(&errors).push(WalkError {
                    path: Some(path.clone()),
                    message: format!("{}: {reason}", path.display()),
                });
            }
        }
    }
    if let Some((first, rest)) = roots.split_first() {
        let mut builder = WalkBuilder::new(first);
        for root in rest {
            builder.add(root);
        }
        builder
            .hidden(!options.hidden)
            .ignore(!options.no_ignore)
            .git_ignore(!options.no_ignore)
            .git_global(!options.no_ignore)
            .git_exclude(!options.no_ignore)
            .parents(!options.no_ignore)
            // `.gitignore` applies in folders that are not git repositories too, so results do
            // not depend on whether the tree is a checkout.
            .require_git(false)
            .follow_links(false)
            .threads(options.threads);
        if !options.no_ignore {
            builder.add_custom_ignore_filename(".dhlintignore");
        }
        builder.filter_entry(|entry| entry.file_name() != ".git");
        builder.build_parallel().run(|| {
            let found = &found;
            let errors = &errors;
            Box::new(move |result| {
                match result {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        let kind = entry.file_name().to_str().and_then(classify);
                        if let (true, Some(kind)) = (is_file, kind) {
                            lock(found).push(Candidate {
                                path: clean(entry.path()),
                                kind,
                                explicit: false,
                            });
                        } else if let (false, Some(_)) = (is_file, kind) {
                            log::info!(
                                "skipping {}: not a regular file (symlinks are not followed)",
                                entry.path().display()
                            );
                        }
                    }
                    Err(error) => lock(errors).push(WalkError {
                        path: walk_error_path(&error),
                        message: error.to_string(),
                    }),
                }
                WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort_by(|a, b| a.path.cmp(&b.path));
    // The same file reached through two spellings (`app` and `./app/../app`) is linted once.
    // One walk that does not follow symlinks reaches each file once, so with a single path
    // there is nothing to compare.
    if paths.len() > 1 {
        let mut seen = std::collections::HashSet::new();
        found.retain(|c| seen.insert(FileIdentity::of(&c.path)));
    }
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (found, errors)
}

/// The identity of a file, which two paths of the same file share: the device and inode on
/// Unix, which one `stat` gives, and the canonical path elsewhere. A path that cannot be read
/// is its own identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileIdentity {
    /// The device and inode numbers.
    #[cfg(unix)]
    Inode(u64, u64),
    /// The canonical path, or the path as given when it cannot be read.
    Path(PathBuf),
}

impl FileIdentity {
    /// Returns the identity of the file at `path`.
    pub fn of(path: &Path) -> FileIdentity {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(metadata) = std::fs::metadata(path) {
                return FileIdentity::Inode(metadata.dev(), metadata.ino());
            }
        }
        FileIdentity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

/// Adds the files given with `--daemon-config` to `found` as explicit daemon configurations,
/// keeping the list sorted and each file once. A file the walk already found is read as a
/// daemon configuration from then on.
pub fn add_daemon_configs(
    found: &mut Vec<Candidate>,
    errors: &mut Vec<WalkError>,
    paths: &[PathBuf],
) {
    for path in paths {
        if !path.is_file() {
            let reason = if path.exists() {
                "not a regular file"
            } else {
                "no such file"
            };
            errors.push(WalkError {
                path: Some(path.clone()),
                message: format!("{}: {reason} (given with --daemon-config)", path.display()),
            });
            continue;
        }
        let path = clean(path);
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        found.retain(|c| {
            std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone()) != canonical
        });
        found.push(Candidate {
            path,
            kind: FileKind::Daemon,
            explicit: true,
        });
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
}

fn fs_is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Drops a leading `./`, so paths print as users expect.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

fn walk_error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_names() {
        for name in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yaml",
            "docker-compose.yml",
            "compose.override.yaml",
            "docker-compose.override.yml",
            "compose.prod.yaml",
            "docker-compose.dev.yml",
            "docker-compose-dev.yml",
            "compose_test.yaml",
        ] {
            assert_eq!(classify(name), Some(FileKind::Compose), "{name}");
        }
        for name in [
            "config.yaml",
            "composer.yml",
            "mycompose.yaml",
            "compose.json",
        ] {
            assert_eq!(classify(name), None, "{name}");
        }
    }

    #[test]
    fn daemon_names() {
        assert_eq!(classify("daemon.json"), Some(FileKind::Daemon));
        assert_eq!(classify("Daemon.JSON"), Some(FileKind::Daemon));
        for name in [
            "daemon.json.bak",
            "my-daemon.json",
            "daemon.yaml",
            "config.json",
        ] {
            assert_eq!(classify(name), None, "{name}");
        }
    }

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Containerfile.alpine",
            "Dockerfile-dev",
            "Dockerfile_prod",
        ] {
            assert_eq!(classify(name), Some(FileKind::Dockerfile), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            "Dockerfile.j2",
            "README.md",
            "Dockerfiles",
        ] {
            assert_eq!(classify(name), None, "{name}");
        }
    }
}
