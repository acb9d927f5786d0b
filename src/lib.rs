//! dhlint: a Docker hardening linter for Compose files, Dockerfiles and daemon configuration
//! files.
//!
//! The pipeline is discovery ([`discovery`]) → parsing ([`compose`] over [`yaml`],
//! [`dockerfile`], [`daemon`]) → rules ([`rules`]) → reporting ([`report`]). [`run`] ties them together for
//! the command line; [`lint::lint_text`] lints one text, for tests and embedding.

pub mod cli;
pub mod commands;
pub mod compose;
pub mod config;
pub mod daemon;
pub mod diagnostic;
pub mod discovery;
pub mod dockerfile;
pub mod fix;
pub mod lint;
pub mod parallel;
pub mod report;
pub mod rules;
pub mod run;
pub mod source;
pub mod suppress;
pub mod yaml;

pub use run::{ExitStatus, run};
