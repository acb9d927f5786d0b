//! Configuration: `dhlint.toml` or `.dhlint.toml`, and the command-line flags that override it.
//!
//! The configuration for a linted file is the nearest `dhlint.toml` or `.dhlint.toml` in its
//! directory or a parent directory, or the file given with `--config`. As with ruff, the nearest
//! file wins and files are not merged. Glob patterns in it are relative to the
//! directory that contains it. `--select`, `--ignore` and `--extend-select` apply on top.
//!
//! ```toml
//! select = ["DH1", "DH201"]        # codes, names, code prefixes, or "ALL"
//! ignore = ["DH106"]
//! extend-select = []
//! exclude = ["vendor/**"]
//! max-file-size = 10               # MiB; larger files are reported, not read
//!
//! [per-file-ignores]
//! "legacy/**" = ["DH101"]
//!
//! [severity]
//! DH106 = "warning"
//!
//! [fix]
//! memory = "512m"
//! pids = 100
//! cpus = 0.5                       # no default: without it DH125 offers no fix
//! user = "65534:65534"
//!
//! [secrets]
//! extra-names = ["^ACME_.*_PIN$"]   # regular expressions
//! allowed-names = ["API_KEY_HEADER"]
//!
//! [dockerfile]
//! nonroot-bases = ["gcr.io/distroless/*:nonroot"]
//! require-digest = false           # DH207: also report a FROM without @sha256:
//! trusted-registries = []          # DH208: registries FROM may use, such as "*.example.com"
//!
//! [compose]
//! file-sets = [["compose.yaml", "compose.prod.yaml"]]
//! prohibited-tags = ["latest", "stable"]
//! require-digest = false
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::rules::{RULES, RuleMeta};

/// The names a configuration file can have, in the order they are looked for.
pub const FILE_NAMES: &[&str] = &["dhlint.toml", ".dhlint.toml"];

/// The configuration file as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rules to run, replacing the default set.
    pub select: Option<Vec<String>>,
    /// Rules to skip.
    pub ignore: Vec<String>,
    /// Rules to run in addition to `select` or the default set.
    pub extend_select: Vec<String>,
    /// Glob patterns of files not to lint when walking directories.
    pub exclude: Vec<String>,
    /// Size in MiB above which a file is reported instead of read.
    pub max_file_size: Option<u64>,
    /// Glob patterns mapped to rules to skip in matching files.
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    /// Severity per rule.
    pub severity: BTreeMap<String, Severity>,
    /// Values that fixes write.
    pub fix: FixSection,
    /// Secret detection settings.
    pub secrets: SecretsSection,
    /// Dockerfile settings.
    pub dockerfile: DockerfileSection,
    /// Compose settings.
    pub compose: ComposeSection,
}

/// `[compose]`: Compose settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ComposeSection {
    /// Files that Compose loads together, each set as glob patterns with the base file first,
    /// like `docker compose -f compose.yaml -f compose.prod.yaml`. Files after the first are
    /// read as overrides: only what they set is checked.
    pub file_sets: Vec<Vec<String>>,
    /// Image tags that DH129 reports as not pinned; `latest` and `stable` when unset.
    pub prohibited_tags: Option<Vec<String>>,
    /// Whether DH129 also reports images without an `@sha256:` digest.
    pub require_digest: bool,
}

/// `[fix]`: the values that fixes write.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixSection {
    /// Memory limit for DH103, such as `512m`.
    pub memory: Option<String>,
    /// Process limit for DH104.
    pub pids: Option<u32>,
    /// CPU limit for DH125, as a number of CPUs; DH125 offers a fix only when it is set.
    pub cpus: Option<CpuCount>,
    /// `USER` for DH201 and DH202, as `uid:gid`.
    pub user: Option<String>,
}

/// A number of CPUs, written as a TOML number (`0.5`) or string (`"0.5"`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum CpuCount {
    /// `cpus = 0.5`
    Number(f64),
    /// `cpus = "0.5"`
    Text(String),
}

/// `[secrets]`: more secret names, and names that are never secrets.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretsSection {
    /// Regular expressions; a variable whose name matches one is a secret.
    pub extra_names: Vec<String>,
    /// Variable names that are never reported as secrets.
    pub allowed_names: Vec<String>,
}

/// `[dockerfile]`: Dockerfile settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DockerfileSection {
    /// Glob patterns of base images that run as a non-root user, which satisfy DH202.
    pub nonroot_bases: Vec<String>,
    /// DH207 also reports a base image without a digest.
    pub require_digest: bool,
    /// Registries that base images may come from (DH208). An empty list turns DH208 off.
    pub trusted_registries: Vec<String>,
}

/// Settings from the command line, which override the configuration file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--no-config`.
    pub no_config: bool,
    /// `--select`.
    pub select: Option<Vec<String>>,
    /// `--ignore`.
    pub ignore: Vec<String>,
    /// `--extend-select`.
    pub extend_select: Vec<String>,
}

/// Secret-name settings, compiled.
#[derive(Clone, Debug, Default)]
pub struct SecretPolicy {
    /// Extra secret-name patterns.
    pub extra: Vec<Regex>,
    /// Names never reported.
    pub allowed: BTreeSet<String>,
}

/// The values fixes write.
#[derive(Clone, Debug)]
pub struct FixDefaults {
    /// `mem_limit` / `memory`.
    pub memory: String,
    /// `pids_limit` / `pids`.
    pub pids: String,
    /// `cpus`, when configured.
    pub cpus: Option<String>,
    /// `USER uid:gid`.
    pub user: String,
}

impl Default for FixDefaults {
    fn default() -> Self {
        FixDefaults {
            memory: "512m".into(),
            pids: "100".into(),
            cpus: None,
            user: "65534:65534".into(),
        }
    }
}

/// Everything that decides how files are linted, resolved from a configuration file and the
/// command line.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The configuration file, if any.
    pub source: Option<PathBuf>,
    /// Codes of the rules that run.
    pub selected: BTreeSet<&'static str>,
    /// Severity overrides by code.
    pub severity: HashMap<&'static str, Severity>,
    /// Files not to lint when walking, relative to `root`.
    pub exclude: GlobSet,
    /// Per-file ignores, relative to `root`.
    pub per_file_ignores: Vec<(GlobSet, BTreeSet<&'static str>)>,
    /// The directory glob patterns are relative to.
    pub root: PathBuf,
    /// Values fixes write.
    pub fix: FixDefaults,
    /// Secret-name settings.
    pub secrets: SecretPolicy,
    /// Base images that run as non-root.
    pub nonroot_bases: GlobSet,
    /// DH207 also reports a base image without a digest.
    pub dockerfile_require_digest: bool,
    /// Registry patterns for DH208, each with `*` at most at its start and end.
    pub trusted_registries: Vec<String>,
    /// The sets of Compose files loaded together (`[compose] file-sets`), base first, each file
    /// a pattern relative to the configuration's folder.
    pub compose_file_sets: Vec<Vec<globset::GlobMatcher>>,
    /// Image tags that DH129 reports, compared ignoring ASCII case.
    pub prohibited_tags: Vec<String>,
    /// Whether DH129 reports images without a digest.
    pub compose_require_digest: bool,
    /// Size in bytes above which a file is reported instead of read.
    pub max_file_size: u64,
    /// The origin of each setting, for `dhlint config`.
    pub origins: BTreeMap<&'static str, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            source: None,
            selected: RULES.iter().filter(|r| r.enabled).map(|r| r.code).collect(),
            severity: HashMap::new(),
            exclude: GlobSet::empty(),
            per_file_ignores: Vec::new(),
            root: PathBuf::from("."),
            fix: FixDefaults::default(),
            secrets: SecretPolicy::default(),
            nonroot_bases: GlobSet::empty(),
            dockerfile_require_digest: false,
            trusted_registries: Vec::new(),
            compose_file_sets: Vec::new(),
            prohibited_tags: vec!["latest".into(), "stable".into()],
            compose_require_digest: false,
            max_file_size: crate::lint::MAX_FILE_SIZE,
            origins: BTreeMap::new(),
        }
    }
}

/// An invalid configuration, with the file and line where possible.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Keys of the configuration file, for "did you mean" hints.
const KEYS: &[&str] = &[
    "select",
    "ignore",
    "extend-select",
    "exclude",
    "per-file-ignores",
    "severity",
    "fix",
    "secrets",
    "dockerfile",
    "memory",
    "pids",
    "cpus",
    "user",
    "extra-names",
    "allowed-names",
    "nonroot-bases",
    "require-digest",
    "trusted-registries",
    "compose",
    "file-sets",
    "prohibited-tags",
    "require-digest",
    "max-file-size",
];

/// Returns the closest string in `candidates` to `word`, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(distance, c)| *distance <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// The Levenshtein distance between two strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

/// Parses a configuration file's text; `path` is used in error messages.
pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let mut message = error.message().trim().to_owned();
        // serde reports "unknown field `slect`, expected one of ..."; reword it the way users
        // search for it.
        if let Some(rest) = message.clone().strip_prefix("unknown field `") {
            let key = rest.split('`').next().unwrap_or("");
            message = format!("unknown key `{key}`");
            if let Some(hint) = closest(key, KEYS.iter().copied()) {
                let _ = write!(message, "; did you mean `{hint}`?");
            }
        }
        match line {
            Some(line) => ConfigError(format!("{}:{line}: {message}", path.display())),
            None => ConfigError(format!("{}: {message}", path.display())),
        }
    })
}

/// Resolves rule selectors (codes, names, code prefixes such as `DH1`, or `ALL`) to codes.
fn resolve_selectors(
    selectors: &[String],
    origin: &str,
) -> Result<BTreeSet<&'static str>, ConfigError> {
    let mut codes = BTreeSet::new();
    for selector in selectors {
        let matching: Vec<&'static RuleMeta> = RULES
            .iter()
            .copied()
            .filter(|rule| {
                let exact = selector.eq_ignore_ascii_case("ALL")
                    || rule.name.eq_ignore_ascii_case(selector)
                    || rule.code.eq_ignore_ascii_case(selector);
                // A prefix such as `DH1` selects the rules that are on by default; a rule that
                // is off by default must be named.
                exact
                    || rule.enabled
                        && rule
                            .code
                            .to_ascii_uppercase()
                            .starts_with(&selector.to_ascii_uppercase())
            })
            .collect();
        if matching.is_empty() {
            let names = RULES.iter().flat_map(|r| [r.code, r.name]);
            let hint = closest(selector, names)
                .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
            return Err(ConfigError(format!(
                "{origin}: unknown rule `{selector}`{hint}"
            )));
        }
        codes.extend(matching.into_iter().map(|r| r.code));
    }
    Ok(codes)
}

fn glob_set(patterns: &[String], origin: &str) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern)
            .map_err(|e| ConfigError(format!("{origin}: invalid glob `{pattern}`: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| ConfigError(format!("{origin}: {e}")))
}

impl Settings {
    /// Resolves `file` (read from `source`, in directory `root`) and the command line.
    pub fn resolve(
        file: &ConfigFile,
        source: Option<&Path>,
        root: &Path,
        overrides: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let origin = source.map_or("defaults".to_owned(), |p| p.display().to_string());
        let mut settings = Settings {
            source: source.map(Path::to_path_buf),
            root: root.to_path_buf(),
            ..Settings::default()
        };
        let mut origins = BTreeMap::new();
        let (select, select_origin) = match (&overrides.select, &file.select) {
            (Some(cli), _) => (Some(cli.clone()), "--select".to_owned()),
            (None, Some(config)) => (Some(config.clone()), origin.clone()),
            (None, None) => (None, "defaults".to_owned()),
        };
        if let Some(select) = select {
            settings.selected = resolve_selectors(&select, &select_origin)?;
        }
        origins.insert("select", select_origin);
        let extend: Vec<String> = file
            .extend_select
            .iter()
            .chain(&overrides.extend_select)
            .cloned()
            .collect();
        settings
            .selected
            .extend(resolve_selectors(&extend, &origin)?);
        let ignore: Vec<String> = file
            .ignore
            .iter()
            .chain(&overrides.ignore)
            .cloned()
            .collect();
        for code in resolve_selectors(&ignore, &origin)? {
            settings.selected.remove(code);
        }
        if !ignore.is_empty() {
            origins.insert("ignore", origin.clone());
        }
        // The rule list shows every place that changed it.
        let mut rule_origins = vec![origins["select"].clone()];
        if !file.extend_select.is_empty() || !file.ignore.is_empty() {
            rule_origins.push(origin.clone());
        }
        if !overrides.extend_select.is_empty() || !overrides.ignore.is_empty() {
            rule_origins.push("the command line".to_owned());
        }
        rule_origins.dedup();
        origins.insert("select", rule_origins.join(", "));
        for (code, severity) in &file.severity {
            let rule = crate::rules::find(code).ok_or_else(|| {
                ConfigError(format!("{origin}: unknown rule `{code}` in [severity]"))
            })?;
            settings.severity.insert(rule.code, *severity);
            origins.insert("severity", origin.clone());
        }
        settings.exclude = glob_set(&file.exclude, &origin)?;
        for (pattern, codes) in &file.per_file_ignores {
            let set = glob_set(std::slice::from_ref(pattern), &origin)?;
            settings
                .per_file_ignores
                .push((set, resolve_selectors(codes, &origin)?));
            origins.insert("per-file-ignores", origin.clone());
        }
        if let Some(memory) = &file.fix.memory {
            if crate::rules::compose::parse_bytes(memory).is_none_or(|b| b <= 0.0) {
                return Err(ConfigError(format!(
                    "{origin}: invalid [fix] memory `{memory}`; use a size such as `512m`"
                )));
            }
            settings.fix.memory = memory.clone();
            origins.insert("fix.memory", origin.clone());
        }
        if let Some(pids) = file.fix.pids {
            if pids == 0 {
                return Err(ConfigError(format!(
                    "{origin}: [fix] pids must be at least 1"
                )));
            }
            settings.fix.pids = pids.to_string();
            origins.insert("fix.pids", origin.clone());
        }
        if let Some(cpus) = &file.fix.cpus {
            let text = match cpus {
                CpuCount::Number(n) => n.to_string(),
                CpuCount::Text(t) => t.trim().to_owned(),
            };
            if text.parse::<f64>().is_ok_and(|n| n > 0.0 && n.is_finite()) {
                settings.fix.cpus = Some(text);
                origins.insert("fix.cpus", origin.clone());
            } else {
                return Err(ConfigError(format!(
                    "{origin}: invalid [fix] cpus `{text}`; use a positive number such as 0.5"
                )));
            }
        }
        if let Some(user) = &file.fix.user {
            if crate::rules::compose::non_root_user::is_root_user(user) || user.trim().is_empty() {
                return Err(ConfigError(format!(
                    "{origin}: [fix] user `{user}` is root or empty"
                )));
            }
            settings.fix.user = user.clone();
            origins.insert("fix.user", origin.clone());
        }
        for pattern in &file.secrets.extra_names {
            let regex = Regex::new(pattern).map_err(|e| {
                ConfigError(format!(
                    "{origin}: invalid regular expression `{pattern}`: {e}"
                ))
            })?;
            settings.secrets.extra.push(regex);
            origins.insert("secrets.extra-names", origin.clone());
        }
        settings.secrets.allowed = file.secrets.allowed_names.iter().cloned().collect();
        if !settings.secrets.allowed.is_empty() {
            origins.insert("secrets.allowed-names", origin.clone());
        }
        settings.nonroot_bases = glob_set(&file.dockerfile.nonroot_bases, &origin)?;
        if !file.dockerfile.nonroot_bases.is_empty() {
            origins.insert("dockerfile.nonroot-bases", origin.clone());
        }
        settings.dockerfile_require_digest = file.dockerfile.require_digest;
        if settings.dockerfile_require_digest {
            origins.insert("dockerfile.require-digest", origin.clone());
        }
        for pattern in &file.dockerfile.trusted_registries {
            let inner = pattern.trim_start_matches('*').trim_end_matches('*');
            if inner.is_empty() || inner.contains('*') {
                return Err(ConfigError(format!(
                    "{origin}: invalid [dockerfile] trusted-registries pattern `{pattern}`; use a \
                     registry such as `ghcr.io`, with `*` only at the start or end \
                     (`*.example.com`)"
                )));
            }
        }
        settings.trusted_registries = file.dockerfile.trusted_registries.clone();
        if !settings.trusted_registries.is_empty() {
            origins.insert("dockerfile.trusted-registries", origin.clone());
        }
        if file.compose.file_sets.iter().any(|set| set.len() < 2) {
            return Err(ConfigError(format!(
                "{origin}: each [compose] file-sets entry lists a base file and at least one more"
            )));
        }
        for set in &file.compose.file_sets {
            let matchers = set
                .iter()
                .map(|pattern| {
                    Glob::new(pattern)
                        .map(|glob| glob.compile_matcher())
                        .map_err(|e| {
                            ConfigError(format!("{origin}: invalid glob `{pattern}`: {e}"))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            settings.compose_file_sets.push(matchers);
        }
        if let Some(tags) = &file.compose.prohibited_tags {
            settings.prohibited_tags = tags.clone();
            origins.insert("compose.prohibited-tags", origin.clone());
        }
        if file.compose.require_digest {
            settings.compose_require_digest = true;
            origins.insert("compose.require-digest", origin.clone());
        }
        if let Some(mebibytes) = file.max_file_size {
            if mebibytes == 0 {
                return Err(ConfigError(format!(
                    "{origin}: max-file-size must be at least 1 (MiB)"
                )));
            }
            settings.max_file_size = mebibytes.saturating_mul(1024 * 1024);
            origins.insert("max-file-size", origin.clone());
        }
        if !file.compose.file_sets.is_empty() {
            origins.insert("compose.file-sets", origin.clone());
        }
        settings.origins = origins;
        Ok(settings)
    }

    /// Returns the files of the first `[compose] file-sets` entry that names `path`, in merge
    /// order, with the position in the entry of the pattern that `path` matches. The other files
    /// are looked for in the folder of `path`, and a file of the set that is not there is left out.
    pub fn compose_file_set(&self, path: &Path) -> Option<(Vec<PathBuf>, usize)> {
        if self.compose_file_sets.is_empty() {
            return None;
        }
        let relative = self.relative(path);
        let (set, position) = self.compose_file_sets.iter().find_map(|set| {
            let position = set.iter().position(|m| m.is_match(&relative))?;
            Some((set, position))
        })?;
        let folder = path.parent().unwrap_or(Path::new(""));
        let mut siblings: Vec<PathBuf> = std::fs::read_dir(if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        })
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| folder.join(e.file_name()))
                .collect()
        })
        .unwrap_or_default();
        siblings.sort();
        let mut files = Vec::new();
        for (index, matcher) in set.iter().enumerate() {
            if index == position {
                files.push(path.to_path_buf());
            } else if let Some(found) = siblings
                .iter()
                .find(|s| s.as_path() != path && matcher.is_match(self.relative(s)))
            {
                files.push(found.clone());
            }
        }
        Some((files, position))
    }

    /// Whether `path` matches `exclude`.
    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.is_match(self.relative(path))
    }

    /// Whether findings of `code` are reported for `path`.
    pub fn reports(&self, code: &str, path: Option<&Path>) -> bool {
        if !self.selected.contains(code) {
            return false;
        }
        // Most runs have no per-file ignores; skip the path work that runs once per finding.
        let Some(path) = path.filter(|_| !self.per_file_ignores.is_empty()) else {
            return true;
        };
        let relative = self.relative(path);
        !self
            .per_file_ignores
            .iter()
            .any(|(set, codes)| codes.contains(code) && set.is_match(&relative))
    }

    fn relative(&self, path: &Path) -> PathBuf {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let root = std::path::absolute(&self.root).unwrap_or_else(|_| self.root.clone());
        absolute
            .strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or(absolute)
    }

    /// Describes the settings in effect and where each came from, for `dhlint config`.
    pub fn describe(&self) -> String {
        let origin = |key: &str| {
            self.origins
                .get(key)
                .cloned()
                .unwrap_or_else(|| "defaults".into())
        };
        let mut out = String::new();
        let source = self
            .source
            .as_ref()
            .map_or("none".to_owned(), |p| p.display().to_string());
        let _ = writeln!(out, "configuration file: {source}");
        let selected: Vec<&str> = self.selected.iter().copied().collect();
        let _ = writeln!(
            out,
            "rules: {}  ({})",
            selected.join(", "),
            origin("select")
        );
        let mut severities: Vec<_> = self.severity.iter().collect();
        severities.sort();
        for (code, severity) in severities {
            let _ = writeln!(out, "severity.{code}: {severity}  ({})", origin("severity"));
        }
        let _ = writeln!(
            out,
            "fix.memory: {}  ({})",
            self.fix.memory,
            origin("fix.memory")
        );
        let _ = writeln!(out, "fix.pids: {}  ({})", self.fix.pids, origin("fix.pids"));
        let _ = writeln!(
            out,
            "fix.cpus: {}  ({})",
            self.fix.cpus.as_deref().unwrap_or("none"),
            origin("fix.cpus")
        );
        let _ = writeln!(out, "fix.user: {}  ({})", self.fix.user, origin("fix.user"));
        let _ = writeln!(
            out,
            "secrets.extra-names: {}  ({})",
            self.secrets.extra.len(),
            origin("secrets.extra-names")
        );
        let allowed: Vec<&str> = self.secrets.allowed.iter().map(String::as_str).collect();
        let _ = writeln!(
            out,
            "secrets.allowed-names: [{}]  ({})",
            allowed.join(", "),
            origin("secrets.allowed-names")
        );
        let _ = writeln!(
            out,
            "dockerfile.nonroot-bases: {} patterns  ({})",
            self.nonroot_bases.len(),
            origin("dockerfile.nonroot-bases")
        );
        let _ = writeln!(
            out,
            "dockerfile.require-digest: {}  ({})",
            self.dockerfile_require_digest,
            origin("dockerfile.require-digest")
        );
        let _ = writeln!(
            out,
            "dockerfile.trusted-registries: [{}]  ({})",
            self.trusted_registries.join(", "),
            origin("dockerfile.trusted-registries")
        );
        let sets: Vec<String> = self
            .compose_file_sets
            .iter()
            .map(|set| {
                let globs: Vec<String> = set
                    .iter()
                    .map(|m| format!("{:?}", m.glob().glob()))
                    .collect();
                format!("[{}]", globs.join(", "))
            })
            .collect();
        let _ = writeln!(
            out,
            "compose.file-sets: [{}]  ({})",
            sets.join(", "),
            origin("compose.file-sets")
        );
        let _ = writeln!(
            out,
            "compose.prohibited-tags: [{}]  ({})",
            self.prohibited_tags.join(", "),
            origin("compose.prohibited-tags")
        );
        let _ = writeln!(
            out,
            "compose.require-digest: {}  ({})",
            self.compose_require_digest,
            origin("compose.require-digest")
        );
        let _ = writeln!(out, "exclude: {} patterns", self.exclude.len());
        let _ = writeln!(
            out,
            "per-file-ignores: {} patterns  ({})",
            self.per_file_ignores.len(),
            origin("per-file-ignores")
        );
        out
    }
}

/// Settings, or why they could not be built.
type Resolved = Result<Arc<Settings>, ConfigError>;

/// Finds and loads the settings for linted files, looking at each folder once and building
/// the settings of each configuration file once.
pub struct Resolver {
    overrides: Overrides,
    /// The current directory, to make relative paths absolute without asking each time.
    cwd: PathBuf,
    /// The configuration file that applies in each folder looked at so far, or `None`.
    found: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// The settings from each configuration file, and (under `None`) the defaults, built once
    /// and shared by every folder that uses them.
    settings: Mutex<HashMap<Option<PathBuf>, Resolved>>,
    fixed: Option<Resolved>,
}

impl Resolver {
    /// Creates a resolver; with `--config` or `--no-config` every file gets the same settings.
    pub fn new(overrides: Overrides) -> Self {
        let fixed = if overrides.no_config {
            Some(
                Settings::resolve(&ConfigFile::default(), None, Path::new("."), &overrides)
                    .map(Arc::new),
            )
        } else {
            overrides
                .config
                .clone()
                .map(|path| load(&path, &overrides).map(Arc::new))
        };
        Resolver {
            overrides,
            cwd: std::env::current_dir().unwrap_or_default(),
            found: Mutex::new(HashMap::new()),
            settings: Mutex::new(HashMap::new()),
            fixed,
        }
    }

    /// The settings for the file at `path`.
    pub fn for_file(&self, path: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return fixed.clone();
        }
        // Like `std::path::absolute`, without asking for the current directory every time.
        let absolute: PathBuf = self
            .cwd
            .join(path)
            .components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect();
        let dir = absolute.parent().unwrap_or(Path::new("/"));
        let config = self.config_for_dir(dir);
        let mut settings = self.settings.lock().unwrap_or_else(|e| e.into_inner());
        settings
            .entry(config)
            .or_insert_with_key(|config| match config {
                Some(path) => load(path, &self.overrides).map(Arc::new),
                None => Settings::resolve(&ConfigFile::default(), None, dir, &self.overrides)
                    .map(Arc::new),
            })
            .clone()
    }

    /// Finds the nearest configuration file in `dir` or its parents, caching the result for
    /// every folder on the way so that each folder is looked at about once.
    ///
    /// The lock is released while the file system is read, so threads resolving files in
    /// different folders do not wait for each other. Two threads may then both read a folder
    /// that is new to both.
    fn config_for_dir(&self, dir: &Path) -> Option<PathBuf> {
        let known = |folder: &Path| {
            let found = self.found.lock().unwrap_or_else(|e| e.into_inner());
            found.get(folder).cloned()
        };
        let mut visited = Vec::new();
        let mut result = None;
        for ancestor in dir.ancestors() {
            if let Some(known) = known(ancestor) {
                result = known;
                break;
            }
            visited.push(ancestor);
            let in_folder = FILE_NAMES
                .iter()
                .map(|name| ancestor.join(name))
                .find(|candidate| candidate.is_file());
            if in_folder.is_some() {
                result = in_folder;
                break;
            }
        }
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        for folder in visited {
            found.insert(folder.to_path_buf(), result.clone());
        }
        result
    }
}

/// The nearest configuration file in `dir` or its parents.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .flat_map(|ancestor| FILE_NAMES.iter().map(move |name| ancestor.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Reads, parses and resolves the configuration file at `path`.
pub fn load(path: &Path, overrides: &Overrides) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError(format!(
            "{}: cannot read the configuration: {e}",
            path.display()
        ))
    })?;
    let file = parse(path, &text)?;
    let root = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    Settings::resolve(&file, Some(path), &root, overrides)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_suggests_the_closest() {
        let error = parse(Path::new("dhlint.toml"), "slect = [\"DH101\"]\n").unwrap_err();
        assert_eq!(
            error.0,
            "dhlint.toml:1: unknown key `slect`; did you mean `select`?"
        );
        let error = parse(Path::new("dhlint.toml"), "[fix]\nmemroy = \"1g\"\n").unwrap_err();
        assert!(
            error
                .0
                .starts_with("dhlint.toml:2: unknown key `memroy`; did you mean `memory`?"),
            "{}",
            error.0
        );
    }

    #[test]
    fn bad_value_names_the_line() {
        let error = parse(Path::new("d.toml"), "select = \"DH101\"\n").unwrap_err();
        assert!(error.0.starts_with("d.toml:1:"), "{}", error.0);
    }

    #[test]
    fn selectors() {
        let codes = resolve_selectors(&["DH10".into(), "final-user-root".into()], "x").unwrap();
        assert!(codes.contains("DH101") && codes.contains("DH107") && codes.contains("DH201"));
        assert!(!codes.contains("DH202"));
        let error = resolve_selectors(&["DH9999".into()], "x").unwrap_err();
        assert!(error.0.contains("unknown rule `DH9999`"));
        let error = resolve_selectors(&["read-only-rootf".into()], "x").unwrap_err();
        assert!(
            error.0.contains("did you mean `read-only-rootfs`"),
            "{}",
            error.0
        );
    }

    #[test]
    fn restart_policy_needs_explicit_selection() {
        let file = ConfigFile {
            select: Some(vec!["DH1".into()]),
            ..ConfigFile::default()
        };
        let settings = Settings::resolve(&file, None, Path::new("."), &Overrides::default());
        assert!(!settings.unwrap().selected.contains("DH128"));
        let file = ConfigFile {
            extend_select: vec!["DH128".into()],
            ..ConfigFile::default()
        };
        let settings = Settings::resolve(&file, None, Path::new("."), &Overrides::default());
        assert!(settings.unwrap().selected.contains("DH128"));
        assert!(!Settings::default().selected.contains("DH128"));
    }

    #[test]
    fn cpus_accepts_numbers_and_strings() {
        for (text, expected) in [
            ("cpus = 0.5", "0.5"),
            ("cpus = \"1.5\"", "1.5"),
            ("cpus = 2", "2"),
        ] {
            let file = parse(Path::new("d.toml"), &format!("[fix]\n{text}\n")).unwrap();
            let settings = Settings::resolve(&file, None, Path::new("."), &Overrides::default());
            assert_eq!(
                settings.unwrap().fix.cpus.as_deref(),
                Some(expected),
                "{text}"
            );
        }
        let file = parse(Path::new("d.toml"), "[fix]\ncpus = 0\n").unwrap();
        let error = Settings::resolve(&file, None, Path::new("."), &Overrides::default());
        assert!(error.unwrap_err().0.contains("invalid [fix] cpus `0`"));
    }

    #[test]
    fn image_tag_options() {
        let text = "[compose]\nprohibited-tags = [\"edge\"]\nrequire-digest = true\n";
        let file = parse(Path::new("d.toml"), text).unwrap();
        let settings = Settings::resolve(&file, None, Path::new("."), &Overrides::default());
        let settings = settings.unwrap();
        assert_eq!(settings.prohibited_tags, vec!["edge".to_owned()]);
        assert!(settings.compose_require_digest);
        assert_eq!(
            Settings::default().prohibited_tags,
            vec!["latest".to_owned(), "stable".to_owned()]
        );
    }

    #[test]
    fn resolve_applies_ignore_and_overrides() {
        let file = ConfigFile {
            ignore: vec!["DH106".into()],
            ..ConfigFile::default()
        };
        let overrides = Overrides {
            select: Some(vec!["DH1".into()]),
            ..Overrides::default()
        };
        let settings = Settings::resolve(&file, None, Path::new("."), &overrides).unwrap();
        assert!(settings.selected.contains("DH101"));
        assert!(!settings.selected.contains("DH106"));
        assert!(!settings.selected.contains("DH201"));
    }
}
