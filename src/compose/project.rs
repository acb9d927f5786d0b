//! The Compose project a file belongs to: the files Compose loads with it, the variables it
//! interpolates with, and the files its services refer to.
//!
//! Compose run without `-f` loads the first of `compose.yaml`, `compose.yml`,
//! `docker-compose.yml` and `docker-compose.yaml` in a folder, then the first of the matching
//! `*.override.*` names, and merges the second into the first. `[compose] file-sets` declares
//! other sets, such as `compose.yaml` + `compose.prod.yaml`. Variables come from the `.env`
//! file in the folder of the project's first file, or from `--env-file`, and never from the
//! environment dhlint runs in, so results do not depend on the machine.
//!
//! The files of a project are parsed one by one and laid end to end in one [`Tree`], their spans
//! shifted into one combined text. Rules then read a service across files with the same node
//! ids, and findings are mapped back to the file that contains their text.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::Settings;
use crate::discovery::FileIdentity;
use crate::source::Span;
use crate::yaml::{NodeId, SyntaxError, Tree};

use super::dotenv::EnvFile;

/// The base names Compose looks for, in its order.
pub const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// The override names Compose looks for next to a base file, in its order.
pub const DEFAULT_OVERRIDES: &[&str] = &[
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// How many files `extends` and `include` may pull in while one file is linted.
pub const MAX_REFERENCED_FILES: usize = 64;

/// Stands for the linted file's part while the files it is combined with are loaded.
const OWN_PART: usize = usize::MAX;

/// One Compose file of a project.
#[derive(Clone, Debug)]
pub struct ProjectFile {
    /// The file's path.
    pub path: PathBuf,
    /// The file's text; `None` for the file being linted, whose text is given separately
    /// because fixes change it.
    pub text: Option<Arc<str>>,
}

/// The files and variables of the project that one linted Compose file belongs to.
#[derive(Debug, Default)]
pub struct Project {
    /// The Compose files in the order Compose merges them; one of them is the linted file.
    pub files: Vec<ProjectFile>,
    /// The position of the linted file in `files`.
    pub own: usize,
    /// The variables for interpolation.
    pub variables: HashMap<String, String>,
    /// A variables file that exists but cannot be read, and why.
    pub env_error: Option<(PathBuf, String)>,
    /// Whether `[compose] file-sets` lists the linted file after another file.
    pub declared_override: bool,
    /// The size limit for every file read on behalf of the project.
    pub max_file_size: u64,
    /// Files read while linting, such as `extends` targets and build Dockerfiles, by path.
    cache: Mutex<HashMap<PathBuf, Result<Arc<str>, String>>>,
}

impl Project {
    /// Finds the project of the Compose file at `path`. `env_files` replace the `.env` file when
    /// given, as `docker compose --env-file` does.
    pub fn discover(path: &Path, settings: &Settings, env_files: &[PathBuf]) -> Project {
        let mut project = Project {
            max_file_size: settings.max_file_size,
            ..Project::default()
        };
        // A declared set is looked up once, since finding its files lists the folder.
        let paths = match settings.compose_file_set(path) {
            Some((set, position)) => {
                project.declared_override = position > 0;
                set
            }
            None => default_project_paths(path),
        };
        for other in &paths {
            if other == path {
                project.own = project.files.len();
                project.files.push(ProjectFile {
                    path: other.clone(),
                    text: None,
                });
            } else if let Ok(text) = read_regular(other, settings.max_file_size) {
                project.files.push(ProjectFile {
                    path: other.clone(),
                    text: Some(text.into()),
                });
            }
        }
        let folder = project.files[0]
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let env_paths: Vec<PathBuf> = if env_files.is_empty() {
            vec![folder.join(".env")]
        } else {
            env_files.to_vec()
        };
        for env_path in env_paths {
            if std::fs::symlink_metadata(&env_path).is_err() {
                continue;
            }
            let text = match read_regular(&env_path, settings.max_file_size) {
                Ok(text) => text,
                Err(reason) => {
                    project.env_error = Some((env_path, reason));
                    continue;
                }
            };
            project.variables.extend(EnvFile::parse(&text).values());
        }
        project
    }

    /// Returns a project of one file with no variables, for text linted without a path.
    pub fn single() -> Project {
        Project {
            files: vec![ProjectFile {
                path: PathBuf::new(),
                text: None,
            }],
            max_file_size: crate::lint::MAX_FILE_SIZE,
            ..Project::default()
        }
    }

    /// Returns the path of the linted file.
    pub fn own_path(&self) -> &Path {
        &self.files[self.own].path
    }

    /// Returns whether the linted file is an override whose base file was not found, so it states only
    /// part of its services.
    pub fn own_is_fragment(&self) -> bool {
        self.own == 0 && (self.declared_override || is_override_name(&self.files[0].path))
    }

    /// Returns a lookup of the project's variables, for interpolation.
    pub fn lookup(&self) -> impl Fn(&str) -> Option<String> + '_ {
        |name: &str| self.variables.get(name).cloned()
    }

    /// Reads a file referenced from the project, once per lint.
    pub fn read(&self, path: &Path) -> Result<Arc<str>, String> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache.get(path) {
            return found.clone();
        }
        let result = read_regular(path, self.max_file_size).map(Arc::from);
        cache.insert(path.to_path_buf(), result.clone());
        result
    }

    /// Lays the project's files end to end with `own_text` for the linted file, and adds the
    /// files that `extends: {file: ...}` refers to. Files that do not parse are left out; the
    /// linted file's own syntax error is returned.
    ///
    /// The linted file comes last in the combined text, so that nothing follows its last byte
    /// and fixes at its end see the file as it is.
    pub fn assemble(&self, own_text: &str) -> Result<Assembled, SyntaxError> {
        let own_tree = Tree::parse(own_text)?;
        let mut assembled = Assembled::default();
        for (index, file) in self.files.iter().enumerate() {
            let Some(text) = file.text.as_deref().filter(|_| index != self.own) else {
                continue;
            };
            if let Ok(tree) = Tree::parse(text) {
                let order = MAX_REFERENCED_FILES + index;
                let reported = !is_symlink(&file.path);
                assembled.push(&file.path, text, tree, Role::Project, order, reported);
            }
        }
        let own_path = self.own_path().to_path_buf();
        self.add_included_files(&mut assembled, &own_tree, &own_path);

        // The linted file's references are resolved before it is added, with its own node ids.
        let mut own_outcomes = Vec::new();
        if !own_path.as_os_str().is_empty() {
            for (node, name) in extends_files(&own_tree, &own_tree.documents, &self.lookup()) {
                let outcome = self.load(&mut assembled, &resolve(&own_path, &name));
                own_outcomes.push((node, outcome));
            }
        }
        self.add_extended_files(&mut assembled);

        let base = assembled.tree.len();
        let order = MAX_REFERENCED_FILES + self.own;
        assembled.push(&own_path, own_text, own_tree, Role::Project, order, true);
        assembled.own = assembled.parts.len() - 1;
        for (node, outcome) in own_outcomes {
            assembled.extends_files.insert(node + base, outcome);
        }
        // A file that extends a service of the linted file refers to the part added last.
        let own = assembled.own;
        for outcome in assembled.extends_files.values_mut() {
            if *outcome == Ok(OWN_PART) {
                *outcome = Ok(own);
            }
        }
        Ok(assembled)
    }

    /// Adds the files that the project's files `include`, and the files those include, before
    /// the project's own files in merge order: Compose loads included services first, and the
    /// project's files, overrides included, then change them. A file that cannot be read or
    /// parsed is left out; the file that names it reports that.
    fn add_included_files(&self, assembled: &mut Assembled, own_tree: &Tree, own_path: &Path) {
        if own_path.as_os_str().is_empty() {
            return;
        }
        let lookup = self.lookup();
        let mut pending: Vec<PathBuf> =
            references(own_tree, &own_tree.documents, own_path, &lookup)
                .into_iter()
                .filter(|r| r.kind == ReferenceKind::Include)
                .map(|r| r.path)
                .collect();
        let mut scanned = 0;
        let mut included = 0;
        loop {
            // The includes of every part added so far, the included files themselves too.
            while scanned < assembled.parts.len() {
                let part = &assembled.parts[scanned];
                if part.role == Role::Project {
                    pending.extend(
                        references(&assembled.tree, &part.documents, &part.path, &lookup)
                            .into_iter()
                            .filter(|r| r.kind == ReferenceKind::Include)
                            .map(|r| r.path),
                    );
                }
                scanned += 1;
            }
            let Some(path) = pending.pop() else { break };
            let known = same_file(own_path, &path)
                || assembled.parts.iter().any(|p| same_file(&p.path, &path));
            if known || assembled.parts.len() >= MAX_REFERENCED_FILES {
                continue;
            }
            let Ok(text) = self.read(&path) else { continue };
            let Ok(tree) = Tree::parse(&text) else {
                continue;
            };
            let reported = !is_symlink(&path);
            assembled.push(&path, &text, tree, Role::Project, included, reported);
            included += 1;
        }
    }

    /// Follows `extends: {file: ...}` in every part added so far and in the files they load.
    fn add_extended_files(&self, assembled: &mut Assembled) {
        let mut part = 0;
        while part < assembled.parts.len() {
            // Text linted without a path has no folder to resolve names in.
            if assembled.parts[part].path.as_os_str().is_empty() {
                part += 1;
                continue;
            }
            let documents = &assembled.parts[part].documents;
            let references = extends_files(&assembled.tree, documents, &self.lookup());
            for (node, name) in references {
                let path = resolve(&assembled.parts[part].path, &name);
                let outcome = self.load(assembled, &path);
                assembled.extends_files.insert(node, outcome);
            }
            part += 1;
        }
    }

    /// Returns the part that contains the file at `path`, loading it as a library part when it
    /// is not there yet.
    fn load(&self, assembled: &mut Assembled, path: &Path) -> Result<usize, String> {
        if let Some(index) = assembled
            .parts
            .iter()
            .position(|p| same_file(&p.path, path))
        {
            return Ok(index);
        }
        if same_file(self.own_path(), path) {
            // The linted file is added last, so its part is filled in then.
            return Ok(OWN_PART);
        }
        if assembled.parts.len() >= MAX_REFERENCED_FILES {
            return Err(format!(
                "more than {MAX_REFERENCED_FILES} files are referenced through `extends`"
            ));
        }
        let text = self.read(path)?;
        let tree =
            Tree::parse(&text).map_err(|e| format!("it is not valid YAML ({})", e.message))?;
        assembled.push(path, &text, tree, Role::Library, usize::MAX, false);
        Ok(assembled.parts.len() - 1)
    }
}

/// The role of a file in an assembled project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A file of the project, whose services are merged and checked.
    Project,
    /// A file that services extend; its services are read only as bases.
    Library,
}

/// One file in the combined text.
#[derive(Clone, Debug)]
pub struct Part {
    /// The file's path.
    pub path: PathBuf,
    /// The file's bytes in the combined text.
    pub range: Span,
    /// The roots of the file's documents.
    pub documents: Vec<NodeId>,
    /// The file's role in the project.
    pub role: Role,
    /// The file's position in the order Compose merges the project's files.
    pub order: usize,
    /// Whether findings in the file are reported in some run. The linted file and the other
    /// project files are, since each is linted in its own right. A file that services only
    /// extend is not, nor is an override that is a symlink, which the walk skips, so findings in
    /// them are moved to the service that uses them.
    pub reported: bool,
}

/// The files of a project in one tree and one combined text.
#[derive(Debug, Default)]
pub struct Assembled {
    /// Every file's text, with a line break between two files.
    pub text: String,
    /// The documents of every file.
    pub tree: Tree,
    /// The files, project files first in merge order.
    pub parts: Vec<Part>,
    /// The position of the linted file in `parts`.
    pub own: usize,
    /// For each `file:` node of an `extends`, the part it loaded or why it could not.
    pub extends_files: HashMap<NodeId, Result<usize, String>>,
}

impl Assembled {
    fn push(
        &mut self,
        path: &Path,
        text: &str,
        tree: Tree,
        role: Role,
        order: usize,
        reported: bool,
    ) {
        // The separator keeps an empty span at the end of one file apart from the next file.
        if !self.text.is_empty() || !self.parts.is_empty() {
            self.text.push('\n');
        }
        let start = self.text.len();
        let first_document = self.tree.documents.len();
        self.tree.append(tree, start);
        self.text.push_str(text);
        self.parts.push(Part {
            path: path.to_path_buf(),
            range: Span::new(start, start + text.len()),
            documents: self.tree.documents[first_document..].to_vec(),
            role,
            order,
            reported,
        });
    }
}

/// Returns the position of the part whose text contains `offset`.
pub fn part_at(parts: &[Part], offset: usize) -> Option<usize> {
    parts
        .iter()
        .position(|p| p.range.start <= offset && offset <= p.range.end)
}

/// Returns whether `path` is a symlink, which the walk does not follow.
fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink())
}

/// A file that a Compose file names: an `env_file` of a service or an `include`d file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The file, resolved against the folder of the file that names it.
    pub path: PathBuf,
    /// The `env_file` or `include` value node that names it.
    pub node: NodeId,
    /// The kind of file named.
    pub kind: ReferenceKind,
    /// Whether Compose fails when the file is missing (`required: false` makes it optional).
    pub required: bool,
}

/// The kind of file a [`Reference`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    /// An `env_file` of a service.
    EnvFile,
    /// A Compose file named by top-level `include`.
    Include,
}

/// Returns the `env_file` and `include` references in `documents` of `tree`, written in the
/// file at `path`. Names that depend on a variable without a value are left out.
pub fn references(
    tree: &Tree,
    documents: &[NodeId],
    path: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut add = |node: NodeId, kind: ReferenceKind, required: bool| {
        let Some(raw) = tree.scalar(node).filter(|r| !r.trim().is_empty()) else {
            return;
        };
        let super::Interpolated::Known(name) = super::interpolate(raw, lookup) else {
            return;
        };
        // Remote includes (`oci://`, Git URLs) are fetched by Compose, which dhlint never does.
        if name.contains("://") || name.starts_with("git@") {
            return;
        }
        found.push(Reference {
            path: resolve(path, name.trim()),
            node,
            kind,
            required,
        });
    };
    let required = |item: NodeId| {
        tree.get(item, "required")
            .and_then(|e| tree.scalar(e.value))
            .is_none_or(|r| !matches!(r, "false" | "False" | "FALSE"))
    };
    for &document in documents {
        if !tree.is_mapping(document) {
            continue;
        }
        if let Some(include) = tree.get(document, "include") {
            for &item in tree.items(include.value) {
                if tree.is_mapping(item) {
                    let Some(paths) = tree.get(item, "path") else {
                        continue;
                    };
                    if tree.is_sequence(paths.value) {
                        for &p in tree.items(paths.value) {
                            add(p, ReferenceKind::Include, true);
                        }
                    } else {
                        add(paths.value, ReferenceKind::Include, true);
                    }
                } else {
                    add(item, ReferenceKind::Include, true);
                }
            }
        }
        let Some(services) = tree.get(document, "services") else {
            continue;
        };
        if !tree.is_mapping(services.value) {
            continue;
        }
        for (_, service) in tree.effective_entries(services.value) {
            let Some(env_file) = tree.get(service.value, "env_file") else {
                continue;
            };
            if tree.is_sequence(env_file.value) {
                for &item in tree.items(env_file.value) {
                    match tree.get(item, "path") {
                        Some(p) => add(p.value, ReferenceKind::EnvFile, required(item)),
                        None => add(item, ReferenceKind::EnvFile, true),
                    }
                }
            } else {
                add(env_file.value, ReferenceKind::EnvFile, true);
            }
        }
    }
    found
}

/// Follows `include` from the file at `start` and returns the chain of files that leads back
/// to `target`, if one does. Each file is read once, and at most [`MAX_REFERENCED_FILES`].
pub fn include_cycle(project: &Project, start: &Path, target: &Path) -> Option<Vec<PathBuf>> {
    let mut queue = vec![vec![start.to_path_buf()]];
    let mut seen: Vec<PathBuf> = Vec::new();
    while let Some(chain) = queue.pop() {
        let current = chain.last()?.clone();
        if same_file(&current, target) {
            return Some(chain);
        }
        if seen.iter().any(|s| same_file(s, &current)) || seen.len() >= MAX_REFERENCED_FILES {
            continue;
        }
        seen.push(current.clone());
        let Ok(text) = project.read(&current) else {
            continue;
        };
        let Ok(tree) = Tree::parse(&text) else {
            continue;
        };
        let lookup = |name: &str| project.variables.get(name).cloned();
        for reference in references(&tree, &tree.documents, &current, &lookup) {
            if reference.kind == ReferenceKind::Include {
                let mut next = chain.clone();
                next.push(reference.path);
                queue.push(next);
            }
        }
    }
    None
}

/// Returns the `(file node, file name)` of every `extends: {file: ...}` in the services of
/// `documents`, with the name interpolated. A name that needs an unset variable is left out.
fn extends_files(
    tree: &Tree,
    documents: &[NodeId],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<(NodeId, String)> {
    let mut found = Vec::new();
    for &document in documents {
        let Some(services) = tree.get(document, "services") else {
            continue;
        };
        if !tree.is_mapping(services.value) {
            continue;
        }
        for (_, service) in tree.effective_entries(services.value) {
            let Some(extends) = tree.get(service.value, "extends") else {
                continue;
            };
            if let Some(file) = tree.get(extends.value, "file")
                && let Some(raw) = tree.scalar(file.value).filter(|n| !n.is_empty())
                && let super::Interpolated::Known(name) = super::interpolate(raw, lookup)
            {
                found.push((file.value, name));
            }
        }
    }
    found
}

/// Resolves `name`, written in the file at `from`, against that file's folder.
pub fn resolve(from: &Path, name: &str) -> PathBuf {
    let folder = from.parent().unwrap_or(Path::new(""));
    let joined = folder.join(name);
    // `a/./b.yaml` and `a/x/../b.yaml` name one file, so compare paths without such steps.
    let mut clean = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(
                    clean.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

/// Reads a file that a Compose file names, which must be a regular file: a FIFO or a device
/// such as `/dev/stdin` could block the run, and a directory is never a Compose or env file.
pub fn read_regular(path: &Path, max_size: u64) -> Result<String, String> {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => {
            Err("Cannot read the file: not a regular file (a directory, FIFO or device)".into())
        }
        _ => crate::lint::read_text(path, max_size),
    }
}

/// Returns `path` for messages: as it is reached from where dhlint runs, like the paths of
/// the linted files, without `./` steps and with `/` separators.
pub fn shown(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    if path.is_absolute() {
        format!("/{}", joined.trim_start_matches('/'))
    } else {
        joined
    }
}

/// Returns whether two paths name the same file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    a == b || FileIdentity::of(a) == FileIdentity::of(b)
}

/// Returns the first of `STEM.yaml` and `STEM.yml` in `folder` that exists.
fn existing_yaml(folder: &Path, stem: &str) -> Option<PathBuf> {
    ["yaml", "yml"]
        .iter()
        .map(|ext| folder.join(format!("{stem}.{ext}")))
        .find(|p| p.is_file())
}

/// Returns whether a file name is an override name, such as `compose.override.yaml`.
fn is_override_name(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        n.to_string_lossy()
            .to_ascii_lowercase()
            .contains(".override.")
    })
}

/// Returns the files of the project of `path` by Compose's default names, in merge order,
/// `path` included.
fn default_project_paths(path: &Path) -> Vec<PathBuf> {
    let folder = path.parent().unwrap_or(Path::new(""));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let first_existing = |names: &[&str]| {
        names
            .iter()
            .map(|n| folder.join(n))
            .find(|p| p.as_path() == path || p.is_file())
    };

    if DEFAULT_FILES.contains(&name.as_str()) {
        // Compose uses the first base name found, so a second base file is linted on its own.
        if first_existing(DEFAULT_FILES).is_some_and(|base| base != path) {
            return vec![path.to_path_buf()];
        }
        let mut paths = vec![path.to_path_buf()];
        paths.extend(first_existing(DEFAULT_OVERRIDES));
        return paths;
    }
    if DEFAULT_OVERRIDES.contains(&name.as_str()) {
        let mut paths: Vec<PathBuf> = first_existing(DEFAULT_FILES).into_iter().collect();
        paths.push(path.to_path_buf());
        return paths;
    }

    // `app.override.yaml` overrides `app.yaml` (or `app.yml`) when that file exists.
    let lower = name.to_ascii_lowercase();
    if let Some(at) = lower.find(".override.") {
        let base = existing_yaml(folder, &name[..at]);
        return base.into_iter().chain([path.to_path_buf()]).collect();
    }
    // And `app.yaml` is merged with `app.override.yaml` (or `.yml`) when that file exists.
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(stem, _)| stem);
    let override_file = existing_yaml(folder, &format!("{stem}.override"));
    std::iter::once(path.to_path_buf())
        .chain(override_file)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_names() {
        let from = Path::new("app/compose.yaml");
        assert_eq!(
            resolve(from, "../common.yaml"),
            PathBuf::from("common.yaml")
        );
        assert_eq!(resolve(from, "./base.yml"), PathBuf::from("app/base.yml"));
        assert_eq!(resolve(from, "/abs/x.yml"), PathBuf::from("/abs/x.yml"));
    }

    #[test]
    fn shows_paths_without_current_folder_steps() {
        assert_eq!(shown(Path::new("./app/.env")), "app/.env");
        assert_eq!(
            shown(Path::new("app/../common/base.yaml")),
            "app/../common/base.yaml"
        );
        assert_eq!(
            shown(Path::new("/srv/app/compose.yaml")),
            "/srv/app/compose.yaml"
        );
    }

    #[test]
    fn assembled_parts_cover_their_text() {
        let project = Project::single();
        let assembled = project.assemble("services:\n  web: {}\n").unwrap();
        let part = &assembled.parts[0];
        assert_eq!(
            &assembled.text[part.range.start..part.range.end],
            "services:\n  web: {}\n"
        );
        assert_eq!(part_at(&assembled.parts, part.range.end), Some(0));
    }
}
