//! Dockerfile parsing and the semantic model the Dockerfile rules work on.
//!
//! The parser follows BuildKit's rules (moby/buildkit `frontend/dockerfile/parser`): parser
//! directives, `\` or backtick line continuation, comment and empty lines inside
//! continuations, exec-form JSON, `--flags` and heredocs. Every position is a byte [`Span`]
//! into the original text, a UTF-8 BOM included.
//!
//! - [`parse()`] reads a file and makes the checks `docker build` makes, so its errors are the
//!   files Docker rejects.
//! - [`Dockerfile::stages`] and [`Dockerfile::effective_user`] give build stages and the user
//!   each stage runs as, with `ARG` and `ENV` values resolved by [`expand()`].
//!
//! [`Span`]: crate::source::Span

mod check;
mod expand;
mod image;
mod model;
mod options;
mod parse;
mod shell;
mod stages;
mod words;
mod wrappers;

#[cfg(test)]
mod tests;

pub use check::KEYWORDS;
pub use expand::expand;
pub use image::{DEFAULT_REGISTRY, ImageReference, normalize_registry};
pub use model::{
    Arguments, Directive, Dockerfile, Flag, Heredoc, Instruction, KeyValue, ParseError,
    ParseWarning, Text, Word,
};
pub use options::{CommandOption, OptionSyntax, OptionValue, ParsedArguments, parse_options};
#[cfg(test)]
pub(crate) use shell::first_command_words;
pub use shell::{Command, ShellWord, is_assignment, program_name, run_commands};
pub use stages::{Stage, UserSetting};

/// Parses a Dockerfile and checks it as `docker build` does.
///
/// Besides what [`parse_syntax`] rejects, this rejects unknown instructions, instructions other
/// than `ARG` before the first `FROM`, a `FROM` that is not `image [AS name]`, empty names in
/// `ENV`, `ARG` and `LABEL`, and `ONBUILD` without a valid trigger.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let dockerfile = parse::parse_syntax(text)?;
    check::check(&dockerfile)?;
    Ok(dockerfile)
}

/// Parses a Dockerfile the way BuildKit's parser does, without the instruction-level checks
/// of [`parse()`].
///
/// This rejects only what BuildKit's parser rejects: a bad or repeated parser directive, a
/// file without instructions, an exec-form JSON array with an element that is not a string,
/// `ENV`/`LABEL` with a name but no value, and an unterminated heredoc. Unknown keywords are
/// kept as instructions.
pub fn parse_syntax(text: &str) -> Result<Dockerfile, ParseError> {
    parse::parse_syntax(text)
}
