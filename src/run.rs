//! One run of the command line: discover files, lint (and fix) them in parallel, report in
//! path order, and decide the exit status.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use std::sync::Arc;

use crate::cli::{Args, ColorChoice, Format};
use crate::config::{Overrides, Resolver, Settings};
use crate::discovery::{self, Candidate, FileIdentity, FileKind, WalkOptions};
use crate::fix::{self, FixMode};
use crate::lint::{self, FileReport};
use crate::parallel;
use crate::report::stream::{Rendered, Style, Writer};
use crate::report::{self, Totals};

/// How a run ended, which decides the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No findings (or, with `--diff`, nothing to change): exit 0.
    Clean,
    /// Findings (or, with `--diff`, changes to make): exit 1.
    Findings,
    /// A usage or I/O error, a file that could not be parsed, or a fix that could not be
    /// applied: exit 2.
    Error,
}

impl ExitStatus {
    /// Returns the process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// What the run does with fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Lint,
    Fix(FixMode),
    Diff(FixMode),
}

/// Lints the paths in `args` and writes the report to stdout.
pub fn run(args: &Args) -> io::Result<ExitStatus> {
    if let Some(command) = &args.command {
        return crate::commands::run(command, args);
    }
    let started = Instant::now();
    let options = WalkOptions {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
        forced_kind: args.kind,
        threads: args.threads,
    };
    let (mut candidates, mut walk_errors) = discovery::discover(&args.paths, &options);
    discovery::add_daemon_configs(&mut candidates, &mut walk_errors, &args.daemon_config);
    let resolver = Resolver::new(overrides(args));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(io::Error::other)?;
    // Finding each folder's configuration file reads every folder's entries, so it runs in
    // parallel too.
    let resolved: Vec<_> = pool.install(|| {
        candidates
            .par_iter()
            .map(|candidate| resolver.for_file(&candidate.path))
            .collect()
    });
    let mut config_errors = Vec::new();
    let mut jobs: Vec<(Candidate, Arc<Settings>)> = Vec::new();
    for (candidate, settings) in candidates.into_iter().zip(resolved) {
        match settings {
            Ok(settings)
                if (!candidate.explicit || args.force_exclude)
                    && settings.is_excluded(&candidate.path) =>
            {
                log::info!(
                    "skipping {}: excluded by configuration",
                    candidate.path.display()
                );
            }
            Ok(settings) => jobs.push((candidate, settings)),
            Err(error) if !config_errors.contains(&error.0) => config_errors.push(error.0),
            Err(_) => {}
        }
    }
    if !config_errors.is_empty() {
        for error in &config_errors {
            log::error!("invalid configuration: {error}");
        }
        return Ok(ExitStatus::Error);
    }
    for error in &walk_errors {
        log::error!("{}", error.message);
    }
    if jobs.is_empty() && walk_errors.is_empty() {
        log::warn!(
            "no Compose files, Dockerfiles or daemon.json files found; name files directly to \
             lint other names"
        );
    }
    log::info!("found {} files in {:.1?}", jobs.len(), started.elapsed());
    let daemon = Arc::new(daemon_facts(&jobs));

    let mode = if args.unsafe_fixes {
        FixMode::Unsafe
    } else {
        FixMode::Safe
    };
    let action = if args.diff {
        Action::Diff(mode)
    } else if args.fix {
        Action::Fix(mode)
    } else {
        Action::Lint
    };
    if args.statistics && args.format != Format::Human {
        log::error!("--statistics prints a table and cannot be combined with --format");
        return Ok(ExitStatus::Error);
    }
    for path in &args.env_file {
        if let Err(reason) = crate::compose::project::read_regular(path, lint::MAX_FILE_SIZE) {
            log::error!("cannot use --env-file {}: {reason}", path.display());
            return Ok(ExitStatus::Error);
        }
    }
    if let Action::Fix(_) = action {
        fix::write::remove_temporary_files_on_interrupt()?;
    }
    log::info!("linting with {} threads", pool.current_num_threads());

    // Workers write finished files, so the output is `Send`: stdout itself, not its lock.
    let mut out: Box<dyn Write + Send> = match args.output.as_ref().filter(|p| p.as_os_str() != "-")
    {
        Some(path) => Box::new(BufWriter::new(std::fs::File::create(path).map_err(
            |e| io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display())),
        )?)),
        None => Box::new(BufWriter::new(io::stdout())),
    };
    let style = style(args, action);
    let walk_messages: Vec<String> = walk_errors.iter().map(|e| e.message.clone()).collect();
    let mut writer = Writer::start(&mut *out, &style, &walk_messages)?;
    let mut totals = Totals::default();
    let mut fix_errors = Vec::new();
    let mut changed = 0;
    let mut worst = None;
    // Files are linted and rendered on the pool's threads and written in path order as soon
    // as each is ready. Workers run at most a fixed number of files ahead of the writer, so
    // memory stays bounded however many files there are.
    let mut referenced: BTreeMap<PathBuf, FileKind> = BTreeMap::new();
    let mut lint_files = |jobs: &[(Candidate, Arc<Settings>)],
                          referenced: &mut BTreeMap<PathBuf, FileKind>|
     -> io::Result<()> {
        let work = |(candidate, settings): &(Candidate, Arc<Settings>)| {
            let options = lint::LintOptions {
                daemon: daemon.clone(),
                ..lint::LintOptions::for_file(
                    &candidate.path,
                    Some(candidate.kind),
                    settings.clone(),
                    &args.env_file,
                )
            };
            let report = process(candidate, &options, action);
            let files = report.referenced.clone();
            style.render(&report).map(|rendered| (rendered, files))
        };
        let take = |result: io::Result<(Rendered, Referenced)>| -> io::Result<()> {
            let (file, files) = result?;
            referenced.extend(files);
            totals.merge(&file.totals);
            changed += usize::from(file.changed);
            worst = worst.max(file.worst);
            fix_errors.extend(file.fix_error.clone());
            writer.file(file)
        };
        parallel::map_in_order(&pool, jobs, work, take)
    };
    lint_files(&jobs, &mut referenced)?;
    // Env files and included Compose files that the walk did not find are linted after the
    // others, in path order. Env files have no fixes, so only included Compose files can change.
    // The files found this way may name more files, such as the env files of an included
    // file. Each file is linted once, so the loop ends.
    if !referenced.is_empty() {
        let roots = canonical_roots(&args.paths);
        let mut linted: HashSet<FileIdentity> = jobs
            .iter()
            .filter(|(candidate, _)| candidate.kind != FileKind::Dockerfile)
            .map(|(candidate, _)| FileIdentity::of(&candidate.path))
            .collect();
        while !referenced.is_empty() {
            let found = std::mem::take(&mut referenced);
            let extra = referenced_jobs(found, &mut linted, &roots, &resolver);
            lint_files(&extra, &mut referenced)?;
        }
    }
    let errors: Vec<String> = walk_messages
        .into_iter()
        .chain(fix_errors.iter().cloned())
        .collect();
    writer.finish(&totals, &errors)?;
    out.flush()?;
    drop(out);
    for error in &fix_errors {
        log::error!("{error}");
    }
    if let Action::Diff(_) = action {
        writeln!(
            io::stderr(),
            "Would fix {} in {} ({} would remain).",
            plural(totals.fixed, "finding"),
            plural(changed, "file"),
            totals.findings()
        )?;
    }
    log::info!(
        "checked {} files in {:.1?}",
        totals.files,
        started.elapsed()
    );

    let failed = !walk_errors.is_empty() || totals.parse_errors > 0 || totals.fix_errors > 0;
    let dirty = match action {
        Action::Diff(_) => changed > 0,
        _ => worst.is_some_and(|severity| severity >= args.fail_on),
    };
    Ok(if failed {
        ExitStatus::Error
    } else if dirty {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// Files that a linted file names, to lint as well.
type Referenced = Vec<(PathBuf, FileKind)>;

/// Returns the folders of the linted paths, canonical, to tell whether a file lies inside them.
fn canonical_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    paths
        .iter()
        .filter_map(|root| std::fs::canonicalize(root).ok())
        .map(|root| {
            if root.is_file() {
                root.parent().map(Path::to_path_buf).unwrap_or(root)
            } else {
                root
            }
        })
        .collect()
}

/// Returns the files that linted files name and that are not linted yet, each with its
/// settings, and adds them to `linted`. Only files inside `roots` count, so that a Compose file
/// cannot make dhlint print lines of a file elsewhere on the machine.
fn referenced_jobs(
    referenced: BTreeMap<PathBuf, FileKind>,
    linted: &mut HashSet<FileIdentity>,
    roots: &[PathBuf],
    resolver: &Resolver,
) -> Vec<(Candidate, Arc<Settings>)> {
    let mut extra = Vec::new();
    for (path, kind) in referenced {
        let Ok(canonical) = std::fs::canonicalize(&path) else {
            continue;
        };
        if !roots.iter().any(|root| canonical.starts_with(root))
            || !linted.insert(FileIdentity::of(&canonical))
        {
            continue;
        }
        match resolver.for_file(&path) {
            Ok(settings) if !settings.is_excluded(&path) => extra.push((
                Candidate {
                    path,
                    kind,
                    explicit: false,
                },
                settings,
            )),
            _ => {}
        }
    }
    extra
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Chooses the output from the command line.
fn style(args: &Args, action: Action) -> Style {
    if let Action::Diff(_) = action {
        return Style::Diff;
    }
    if args.statistics {
        return Style::Statistics;
    }
    match args.format {
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                // An empty NO_COLOR does not count (https://no-color.org).
                ColorChoice::Auto => {
                    args.output.is_none()
                        && io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            Style::Human {
                reporter: Box::new(report::human::HumanReporter::new(color, 100)),
                quiet: args.quiet,
            }
        }
        Format::Json => Style::Json,
        Format::Sarif => Style::Sarif(report::sarif::Skeleton::new()),
        Format::Github => Style::Github,
    }
}

/// Reads the daemon configurations among `jobs`, whose defaults count for the Compose files.
fn daemon_facts(jobs: &[(Candidate, Arc<Settings>)]) -> crate::daemon::Facts {
    let files = jobs
        .iter()
        .filter(|(candidate, _)| candidate.kind == discovery::FileKind::Daemon)
        // A pipe or a device can be read only once, and the lint must read it; such a file
        // supplies no defaults.
        .filter(|(candidate, _)| std::fs::metadata(&candidate.path).is_ok_and(|m| m.is_file()))
        .map(|(candidate, settings)| {
            let text = lint::read_text(&candidate.path, settings.max_file_size).unwrap_or_default();
            crate::daemon::FileFacts::of(&candidate.path, &text)
        })
        .collect();
    crate::daemon::Facts::new(files)
}

/// Lints one file and, when asked, fixes it or computes its diff.
fn process(candidate: &Candidate, options: &lint::LintOptions, action: Action) -> FileReport {
    let mode = match action {
        Action::Lint => return lint::lint_path_options(&candidate.path, candidate.kind, options),
        Action::Fix(mode) | Action::Diff(mode) => mode,
    };
    // Fixing parses the original and the fixed text more than once.
    let _remember = crate::yaml::RememberTrees::start();
    let mut report = lint::lint_path_options(&candidate.path, candidate.kind, options);
    let has_fix = report
        .diagnostics
        .iter()
        .any(|d| d.fix.as_ref().is_some_and(|f| mode.allows(f.applicability)));
    let Some(original) = report
        .source
        .as_deref()
        .filter(|_| has_fix && !report.has_parse_error())
    else {
        return report;
    };
    let linted = report.diagnostics.clone();
    let fixed = match fix::fix_linted_text(candidate.kind, original, linted, mode, options) {
        Ok(fixed) if fixed.text != original => fixed,
        Ok(_) => return report,
        Err(error) => {
            report.fix_error = Some(format!(
                "the file was left unchanged because the fixed text failed a check ({error}); \
                 this is a bug in dhlint, please report it with the file"
            ));
            return report;
        }
    };
    if let Action::Fix(_) = action {
        if let Err(error) = fix::write::write_atomically(&candidate.path, original, &fixed.text) {
            report.fix_error = Some(error);
            return report;
        }
        log::info!(
            "{}: fixed {} findings",
            candidate.path.display(),
            fixed.fixed
        );
    } else {
        report.diff = Some(fix::diff::unified(
            &diff_path(&candidate.path),
            original,
            &fixed.text,
        ));
    }
    report.fixed = fixed.fixed;
    report.diagnostics = fixed.remaining;
    report.source = Some(fixed.text);
    report
}

/// The configuration overrides given on the command line.
pub fn overrides(args: &Args) -> Overrides {
    Overrides {
        config: args.config.clone(),
        no_config: args.no_config,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        extend_select: args.extend_select.clone(),
    }
}

/// The path to put in diff headers: relative, with `/` separators, so that `git apply` and
/// `patch -p1` run from the current folder find the file.
fn diff_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}
