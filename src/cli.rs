//! Command-line arguments. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::diagnostic::Severity;
use crate::discovery::FileKind;

fn parse_severity(value: &str) -> Result<Severity, String> {
    value.parse()
}

/// Docker hardening linter: finds where Compose files, Dockerfiles and daemon.json files keep
/// Docker's permissive defaults.
#[derive(Debug, Parser)]
#[command(name = "dhlint", version, about, long_about = None)]
#[command(group(clap::ArgGroup::new("fixing").args(["fix", "diff"])))]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// A command other than linting.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or directories to lint. Directories are walked for Compose files, Dockerfiles and
    /// `daemon.json` files, and files named here are linted whatever their name.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Apply safe fixes to the files in place, then report the findings that remain.
    #[arg(long)]
    pub fix: bool,

    /// Print the changes `--fix` would make as a unified diff, and change no file. Exits with 1
    /// when there is something to change. The diff shows the file's lines as they are, secret
    /// values included, so that it applies with `git apply`.
    #[arg(long)]
    pub diff: bool,

    /// With `--fix` or `--diff`, also apply unsafe fixes: those that rewrite what you wrote
    /// (such as moving a secret into a variable) or may stop a service from working.
    #[arg(long, requires = "fixing")]
    pub unsafe_fixes: bool,

    /// The lowest severity that makes the run fail with exit code 1: `error`, `warning` or
    /// `info`. Findings below it are still printed.
    #[arg(long, value_name = "SEVERITY", default_value = "info", value_parser = parse_severity)]
    pub fail_on: Severity,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Use this configuration file for every linted file, instead of the nearest `dhlint.toml`
    /// or `.dhlint.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long)]
    pub no_config: bool,

    /// Rules to run, replacing the configured set: codes, names, code prefixes (`DH1`) or `ALL`,
    /// separated by commas.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Rules to skip, separated by commas.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Rules to run in addition to the configured set, separated by commas.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Write the report to this file instead of standard output (`-` is standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Read files named on the command line as this kind, whatever their name.
    #[arg(long, value_enum)]
    pub kind: Option<FileKind>,

    /// Lint FILE as a Docker daemon configuration (`daemon.json`) whatever its name, and let
    /// its daemon-wide defaults count for the Compose files of the run. Repeat for more files.
    #[arg(long, value_name = "FILE")]
    pub daemon_config: Vec<PathBuf>,

    /// Interpolate Compose files with the variables of FILE instead of the `.env` file beside
    /// each project, as `docker compose --env-file` does. Repeat for more files; later files
    /// win. The environment dhlint runs in is never read.
    #[arg(long, value_name = "FILE")]
    pub env_file: Vec<PathBuf>,

    /// Also lint hidden files and directories (names starting with `.`).
    #[arg(long)]
    pub hidden: bool,

    /// Lint files that `.gitignore`, `.ignore` or `.dhlintignore` exclude.
    #[arg(long)]
    pub no_ignore: bool,

    /// Apply `exclude` from `dhlint.toml` to files named on the command line too, as tools such
    /// as pre-commit name every changed file.
    #[arg(long)]
    pub force_exclude: bool,

    /// Number of threads; 0 uses one per CPU.
    #[arg(short = 'j', long, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// When to use colour in human output. `auto` uses colour on a terminal unless `NO_COLOR`
    /// is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print findings only, without the summary line.
    #[arg(short, long)]
    pub quiet: bool,

    /// Log decisions (files skipped, thread count, timing) to stderr; repeat for more detail.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Commands other than linting.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List every rule: code, name, file kind, default severity and fix.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a rule's documentation, by code (`DH101`) or name (`read-only-rootfs`).
    Explain {
        /// The rule's code or name.
        rule: String,
    },
    /// Print the settings in effect for a path and where each came from.
    Config {
        /// The file or directory whose settings to show.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Formats of `dhlint rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Text,
    /// A JSON array.
    Json,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source excerpts with labels, for people.
    Human,
    /// A JSON array of findings, for tools.
    Json,
    /// A SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands, shown as annotations on pull requests.
    Github,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
