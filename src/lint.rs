//! Linting one file: read it, check that it is text, parse it by kind and run the rules.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use std::sync::Arc;

use crate::compose::ComposeFile;
use crate::compose::project::Project;
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::discovery::FileKind;
use crate::rules::{self, tool};
use crate::source::{BOM, Span};

/// Files larger than this are reported instead of parsed, which bounds memory per file; the
/// `max-file-size` setting changes it.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// The findings for one file.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given or found by the walk.
    pub path: PathBuf,
    /// The kind the file was read as.
    pub kind: FileKind,
    /// The file's text, when it could be read as UTF-8.
    pub source: Option<String>,
    /// Findings, sorted by position then code. After fixing, the findings that remain.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of findings fixed (or, with `--diff`, that would be fixed).
    pub fixed: usize,
    /// The unified diff of the fixes, with `--diff`.
    pub diff: Option<String>,
    /// Why the fixes for this file were not applied, when they failed a check or a write.
    pub fix_error: Option<String>,
    /// Files this one names that are linted too: the env files and included Compose files of
    /// a Compose file.
    pub referenced: Vec<(PathBuf, FileKind)>,
}

impl FileReport {
    /// Returns whether the file could not be read or parsed.
    pub fn has_parse_error(&self) -> bool {
        self.diagnostics.iter().any(|d| d.unreadable)
    }

    /// Spans of secret values in the file, to hide wherever source text is shown.
    pub fn redactions(&self) -> Vec<Span> {
        self.diagnostics
            .iter()
            .flat_map(|d| d.redactions.iter().copied())
            .collect()
    }
}

/// Reads and lints the file at `path` as `kind` with default settings.
pub fn lint_path(path: &Path, kind: FileKind) -> FileReport {
    lint_path_with(path, kind, Arc::default())
}

/// Reads and lints the file at `path` as `kind` with `settings`.
pub fn lint_path_with(path: &Path, kind: FileKind, settings: Arc<Settings>) -> FileReport {
    lint_path_options(
        path,
        kind,
        &LintOptions::for_file(path, Some(kind), settings, &[]),
    )
}

/// Reads and lints the file at `path` as `kind` with `options`.
pub fn lint_path_options(path: &Path, kind: FileKind, options: &LintOptions) -> FileReport {
    let mut referenced = Vec::new();
    let (source, diagnostics) = match read_text(path, options.settings.max_file_size) {
        Ok(text) => {
            let diagnostics = lint_text_with(kind, &text, options);
            if let Some(project) = options.project.as_deref() {
                referenced = referenced_files(&text, project);
            }
            (Some(text), diagnostics)
        }
        Err(message) => {
            // An env file is linted because a Compose file names it, not because of its name.
            let message = match (kind, message.split_once(", not a Compose file")) {
                (FileKind::Env, Some((first, _))) => {
                    format!("{first}, not an env file of `KEY=VALUE` lines")
                }
                _ => message,
            };
            (
                None,
                vec![Diagnostic::new(&tool::PARSE_ERROR, Span::empty(0), message)],
            )
        }
    };
    FileReport {
        path: path.to_owned(),
        kind,
        source,
        diagnostics,
        fixed: 0,
        diff: None,
        fix_error: None,
        referenced,
    }
}

/// Returns the existing env files and included Compose files that the linted Compose text of
/// `project` names, and the env files of the services it extends in files that are not linted.
fn referenced_files(text: &str, project: &Project) -> Vec<(PathBuf, FileKind)> {
    use crate::compose::project::{ReferenceKind, Role};
    // Most Compose files name none, and this saves parsing them a second time.
    if !text.contains("env_file") && !text.contains("include") && !text.contains("extends") {
        return Vec::new();
    }
    let Ok(assembled) = project.assemble(text) else {
        return Vec::new();
    };
    let lookup = project.lookup();
    let mut found = Vec::new();
    for (index, part) in assembled.parts.iter().enumerate() {
        let own = index == assembled.own;
        if !own && part.role != Role::Library {
            continue;
        }
        let references = crate::compose::project::references(
            &assembled.tree,
            &part.documents,
            &part.path,
            &lookup,
        );
        // An extended file's `include` is not part of this project.
        found.extend(
            references
                .into_iter()
                .filter(|r| own || r.kind == ReferenceKind::EnvFile),
        );
    }
    found
        .into_iter()
        .filter(|r| r.path.is_file())
        .map(|r| {
            let kind = match r.kind {
                crate::compose::project::ReferenceKind::EnvFile => FileKind::Env,
                crate::compose::project::ReferenceKind::Include => FileKind::Compose,
            };
            (r.path, kind)
        })
        .collect()
}

/// Reads a file as UTF-8 text, or returns a message saying why it cannot be linted.
pub fn read_text(path: &Path, max_size: u64) -> Result<String, String> {
    // Opening first and asking the open file for its metadata spares a second path lookup.
    let file = fs::File::open(path).map_err(|e| io_message(&e))?;
    let metadata = file.metadata().map_err(|e| io_message(&e))?;
    if metadata.is_dir() {
        return Err("Path is a directory, not a file".into());
    }
    if metadata.len() > max_size {
        return Err(format!(
            "File is {} bytes, larger than the {} byte limit, so it was not read; raise \
             `max-file-size` in dhlint.toml to lint it",
            metadata.len(),
            max_size
        ));
    }
    // A pipe or a device such as `/dev/zero` has no meaningful size in its metadata, so the
    // limit is also enforced while reading.
    // Room for one byte more than the size lets the read end without growing the buffer.
    let mut bytes = Vec::with_capacity(metadata.len().min(max_size) as usize + 1);
    file.take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > max_size {
        return Err(format!(
            "File is larger than the {max_size} byte limit, so it was not read; raise \
             `max-file-size` in dhlint.toml to lint it"
        ));
    }
    decode(bytes)
}

fn io_message(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => {
            "Cannot read the file: permission denied; check its permissions".into()
        }
        io::ErrorKind::NotFound => "Cannot read the file: not found (a broken symlink?)".into(),
        _ => format!("Cannot read the file: {error}"),
    }
}

/// Decodes file bytes as UTF-8, rejecting binary and UTF-16 files with a message.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(
            "File is UTF-16 encoded, and dhlint reads UTF-8 only. Convert it, for example \
                    with `iconv -f UTF-16 -t UTF-8`"
                .into(),
        );
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(
            "File is binary (it contains NUL bytes), not a Compose file, Dockerfile or \
                    daemon.json. Exclude it with `.dhlintignore` if its name misleads dhlint"
                .into(),
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "File is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Masks secret-looking values in a parser's message, which may quote the source: a missing
/// `\` makes `DB_PASSWORD=...` an "unknown instruction", for example.
fn hide_secrets(message: &str) -> String {
    let spans = crate::rules::secrets::secret_value_spans(message);
    crate::report::redact(message, &spans)
}

/// Keeps the findings whose text lies in the linted file, `own` in the combined text of a
/// project, and moves their spans into that file. A label in another file of the project
/// becomes a line of the help naming that file and line, and a fix that would edit another
/// file is left to that file's own run.
fn localize(file: &ComposeFile, own: Span, diagnostics: &mut Vec<Diagnostic>) {
    if file.parts.len() == 1 {
        return;
    }
    let inside = |span: Span| own.start <= span.start && span.end <= own.end;
    let shift = |span: Span| Span::new(span.start - own.start, span.end - own.start);
    diagnostics.retain(|d| inside(d.span));
    for diagnostic in diagnostics.iter_mut() {
        diagnostic.span = shift(diagnostic.span);
        let mut notes = Vec::new();
        let mut local_labels = Vec::new();
        for label in diagnostic.related.drain(..) {
            if inside(label.span) {
                local_labels.push(crate::diagnostic::Label {
                    span: shift(label.span),
                    text: label.text,
                });
            } else if let Some(part) = file.part_at(label.span.start).map(|i| &file.parts[i]) {
                let local = label.span.start - part.range.start;
                let text = &file.text[part.range.start..part.range.end];
                let at = crate::source::LineIndex::new(text).position(text, local);
                notes.push(format!(
                    "{}:{}:{}: {}",
                    crate::compose::project::shown(&part.path),
                    at.line,
                    at.column,
                    label.text
                ));
                diagnostic.elsewhere.push(crate::diagnostic::Elsewhere {
                    path: part.path.clone(),
                    line: at.line,
                    column: at.column,
                    text: label.text,
                });
            }
        }
        diagnostic.related = local_labels;
        if !notes.is_empty() {
            let mut help = diagnostic.help.take().unwrap_or_default();
            for note in notes {
                if !help.is_empty() {
                    help.push('\n');
                }
                help.push_str(&note);
            }
            diagnostic.help = Some(help);
        }
        diagnostic.redactions.retain(|&span| inside(span));
        for span in &mut diagnostic.redactions {
            *span = shift(*span);
        }
        if let Some(fix) = diagnostic.fix.take() {
            if fix.edits.iter().all(|edit| inside(edit.span)) {
                let mut fix = fix;
                for edit in &mut fix.edits {
                    edit.span = shift(edit.span);
                }
                diagnostic.fix = Some(fix);
            } else {
                diagnostic.fix_unavailable =
                    Some("the fix edits another file of the Compose project".into());
            }
        }
    }
}

/// How one file is linted, beyond its kind.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// The configuration in effect for the file.
    pub settings: Arc<Settings>,
    /// The file's path, for per-file ignores.
    pub path: Option<PathBuf>,
    /// The daemon configurations of the run, whose defaults count for Compose services.
    pub daemon: Arc<crate::daemon::Facts>,
    /// The Compose project of the file: the files merged with it and the `.env` values.
    pub project: Option<Arc<Project>>,
}

impl LintOptions {
    /// Options for the file at `path` with `settings`, with no `--env-file`.
    pub fn for_path(path: &Path, settings: Arc<Settings>) -> Self {
        let kind = path
            .file_name()
            .and_then(|name| crate::discovery::classify(&name.to_string_lossy()));
        LintOptions::for_file(path, kind, settings, &[])
    }

    /// Options for the file at `path`, read as `kind`, with `settings`. A Compose file gets
    /// its project: the files Compose merges with it and the variables of its `.env` file, or
    /// of `env_files` when given.
    pub fn for_file(
        path: &Path,
        kind: Option<FileKind>,
        settings: Arc<Settings>,
        env_files: &[PathBuf],
    ) -> Self {
        let project = (kind == Some(FileKind::Compose))
            .then(|| Arc::new(Project::discover(path, &settings, env_files)));
        LintOptions {
            settings,
            path: Some(path.to_path_buf()),
            daemon: Arc::default(),
            project,
        }
    }
}

/// Lints `text` as a file of `kind` with default options.
pub fn lint_text(kind: FileKind, text: &str) -> Vec<Diagnostic> {
    lint_text_with(kind, text, &LintOptions::default())
}

/// Lints `text` as a file of `kind`.
pub fn lint_text_with(kind: FileKind, text: &str, options: &LintOptions) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut data_spans: Vec<Span> = Vec::new();
    let mut comment_starts: Option<Vec<usize>> = None;
    let mut env_file = false;
    match kind {
        FileKind::Compose => {
            let single;
            let project = match &options.project {
                Some(project) => project.as_ref(),
                None => {
                    single = Project::single();
                    &single
                }
            };
            match project.assemble(text) {
                Ok(assembled) => {
                    let own = assembled.parts[assembled.own].range;
                    let file = ComposeFile::from_parts(
                        &assembled.text,
                        assembled.tree,
                        assembled.parts,
                        assembled.own,
                        assembled.extends_files,
                    );
                    let check = rules::compose::CheckOptions {
                        fragment: project.own_is_fragment(),
                        settings: &options.settings,
                        daemon: &options.daemon,
                        variables: &project.variables,
                        project: options.project.as_deref(),
                    };
                    rules::compose::check(&file, check, &mut diagnostics);
                    localize(&file, own, &mut diagnostics);
                    // Only real comments are suppressions, not `#` inside block or quoted
                    // scalars.
                    comment_starts = Some(
                        file.tree
                            .comments
                            .iter()
                            .filter(|c| own.start <= c.span.start && c.span.end <= own.end)
                            .map(|c| c.span.start - own.start)
                            .collect(),
                    );
                }
                Err(error) => diagnostics.push(
                    Diagnostic::new(
                        &tool::PARSE_ERROR,
                        error.span,
                        format!("Invalid YAML: {}", hide_secrets(&error.message)),
                    )
                    .with_label("here")
                    .with_help("Fix the YAML syntax; `docker compose config` shows the same error"),
                ),
            }
        }
        FileKind::Dockerfile => match crate::dockerfile::parse(text) {
            Ok(file) => {
                rules::dockerfile::check(
                    &file,
                    text,
                    options.path.as_deref(),
                    &options.settings,
                    &mut diagnostics,
                );
                // Heredoc bodies are data: a `#` line in them is not a comment.
                data_spans = file
                    .instructions
                    .iter()
                    .flat_map(|i| i.heredocs.iter().map(|h| h.body_span))
                    .collect();
            }
            Err(error) => diagnostics.push(
                Diagnostic::new(
                    &tool::PARSE_ERROR,
                    error.span,
                    format!("Invalid Dockerfile: {}", hide_secrets(&error.message)),
                )
                .with_label("here"),
            ),
        },
        FileKind::Env => {
            let file = crate::compose::dotenv::EnvFile::parse(text);
            rules::compose::secret_in_environment::check_env_file(
                &file,
                &options.settings,
                &mut diagnostics,
            );
            comment_starts = Some(file.comment_starts);
            env_file = true;
        }
        FileKind::Daemon => {
            // Strict JSON has no comments, so no finding can be suppressed in the file itself.
            comment_starts = Some(Vec::new());
            match crate::daemon::DaemonFile::parse(text) {
                Ok(file) => rules::daemon::check(&file, &options.settings, &mut diagnostics),
                Err(error) => diagnostics.push(rules::daemon::invalid_config::syntax_error(&error)),
            }
        }
    }
    // A finding inside a shared anchor is found once per service that merges it; keep one.
    diagnostics.sort_by(|a, b| (a.span, a.rule.code).cmp(&(b.span, b.rule.code)));
    // The kept finding gains the other one's labels, such as a second "merged into" site.
    diagnostics.dedup_by(|later, kept| {
        let same = later.span == kept.span && std::ptr::eq(later.rule, kept.rule);
        if same {
            for label in later.related.drain(..) {
                if !kept.related.contains(&label) {
                    kept.related.push(label);
                }
            }
        }
        same
    });
    // Rules that are not selected, or ignored for this file, report nothing. Parse errors are
    // always reported, since nothing else could be checked.
    let settings = &options.settings;
    let path = options.path.as_deref();
    let reported = |code: &str| code == tool::PARSE_ERROR.code || settings.reports(code, path);
    diagnostics.retain(|d| d.unreadable || reported(d.rule.code));
    let comments = crate::suppress::Comments {
        data: &data_spans,
        starts: comment_starts.as_deref(),
    };
    crate::suppress::apply(kind, text, comments, &mut diagnostics, &reported);
    // dhlint does not edit env files, so an unused suppression there has no removal fix.
    if env_file {
        for diagnostic in &mut diagnostics {
            if diagnostic.fix.take().is_some() {
                diagnostic.fix_unavailable = Some("dhlint does not edit env files".into());
            }
        }
    }
    for diagnostic in &mut diagnostics {
        if let Some(severity) = settings.severity.get(diagnostic.rule.code) {
            diagnostic.severity = *severity;
        }
    }
    diagnostics.sort_by(|a, b| (a.span, a.rule.code).cmp(&(b.span, b.rule.code)));
    // A BOM is not part of the first line's text.
    for diagnostic in &mut diagnostics {
        if text.starts_with(BOM) && diagnostic.span.start < BOM.len() {
            diagnostic.span = Span::new(BOM.len(), diagnostic.span.end.max(BOM.len()));
        }
    }
    diagnostics
}
