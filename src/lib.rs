//! dhlint: a Docker hardening linter for Compose files and Dockerfiles.
//!
//! The pipeline is discovery ([`discovery`]) → parsing ([`compose`] over [`yaml`],
//! [`dockerfile`]) → rules ([`rules`]) → reporting ([`report`]). [`run`] ties them together for
//! the command line; [`lint::lint_text`] lints one text, for tests and embedding.

pub mod cli;
pub mod compose;
pub mod diagnostic;
pub mod discovery;
pub mod dockerfile;
pub mod lint;
pub mod report;
pub mod rules;
pub mod source;
pub mod yaml;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Instant;

use rayon::prelude::*;

use cli::{Args, ColorChoice, Format};
use discovery::WalkOptions;
use lint::FileReport;
use report::Totals;

/// How a run ended, which decides the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No findings: exit 0.
    Clean,
    /// Findings: exit 1.
    Findings,
    /// A usage or I/O error, or a file that could not be parsed: exit 2.
    Error,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// Lints the paths in `args` and writes the report to stdout.
pub fn run(args: &Args) -> io::Result<ExitStatus> {
    let started = Instant::now();
    let options = WalkOptions {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
        forced_kind: args.kind,
        threads: args.threads,
    };
    let (candidates, walk_errors) = discovery::discover(&args.paths, &options);
    for error in &walk_errors {
        match &error.path {
            Some(path) => log::error!("{}: {}", path.display(), error.message),
            None => log::error!("{}", error.message),
        }
    }
    log::info!(
        "found {} files in {:.1?}",
        candidates.len(),
        started.elapsed()
    );

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(io::Error::other)?;
    let reports: Vec<FileReport> = pool.install(|| {
        candidates
            .par_iter()
            .map(|c| lint::lint_path(&c.path, c.kind))
            .collect()
    });

    let mut totals = Totals::default();
    for report in &reports {
        totals.add(report);
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let reporter = report::human::HumanReporter::new(color, 100);
            for report in &reports {
                reporter.write_file(&mut out, report)?;
            }
            if !args.quiet {
                reporter.write_summary(&mut out, &totals)?;
            }
        }
        Format::Json => report::json::write(&mut out, &reports)?,
    }
    out.flush()?;
    log::info!(
        "checked {} files in {:.1?}",
        totals.files,
        started.elapsed()
    );

    Ok(if !walk_errors.is_empty() || totals.parse_errors > 0 {
        ExitStatus::Error
    } else if totals.findings() > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
