//! Instruction-level checks that `docker build` makes after parsing (BuildKit's
//! `frontend/dockerfile/instructions/parse.go`): known keywords, nothing but `ARG` before the
//! first `FROM`, the shape of `FROM`, non-empty names in `ENV`, `ARG` and `LABEL`, and valid
//! `ONBUILD` triggers.

use super::model::{Dockerfile, Instruction, ParseError};

/// The instruction keywords BuildKit knows.
pub const KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Returns the first instruction-level error of `dockerfile`, in file order.
pub(crate) fn check(dockerfile: &Dockerfile) -> Result<(), ParseError> {
    let mut seen_from = false;
    for instruction in &dockerfile.instructions {
        let keyword = instruction.keyword.as_str();
        if !KEYWORDS.contains(&keyword) {
            return Err(ParseError::new(
                format!("unknown instruction `{keyword}`"),
                instruction.keyword_span,
            ));
        }
        match keyword {
            "FROM" => {
                seen_from = true;
                check_from(instruction)?;
            }
            "ARG" => {}
            _ if !seen_from => {
                return Err(ParseError::new(
                    format!("instruction `{keyword}` before the first FROM"),
                    instruction.keyword_span,
                ));
            }
            "ONBUILD" => check_onbuild(instruction)?,
            _ => {}
        }
        if matches!(keyword, "ARG" | "ENV" | "LABEL") {
            check_names(instruction)?;
        }
    }
    Ok(())
}

fn check_from(instruction: &Instruction) -> Result<(), ParseError> {
    let words = instruction.words();
    let message = match words.as_slice() {
        [_] => return Ok(()),
        [_, as_word, _] if as_word.text.eq_ignore_ascii_case("as") => return Ok(()),
        [] => "FROM has no image; write `FROM image` or `FROM image AS name`".to_string(),
        [_, other, _] => format!(
            "FROM expects `AS` before the stage name, found `{}`",
            other.raw
        ),
        _ => format!(
            "FROM takes an image and an optional `AS name`, found {} words",
            words.len()
        ),
    };
    Err(ParseError::new(message, instruction.span))
}

fn check_onbuild(instruction: &Instruction) -> Result<(), ParseError> {
    let Some(trigger) = &instruction.trigger else {
        return Err(ParseError::new(
            "ONBUILD has no instruction; write the instruction to run in child images after it",
            instruction.span,
        ));
    };
    let message = match trigger.keyword.as_str() {
        "ONBUILD" => "ONBUILD ONBUILD is not allowed; chained ONBUILD triggers are rejected",
        "FROM" => "FROM is not allowed as an ONBUILD trigger",
        "MAINTAINER" => "MAINTAINER is not allowed as an ONBUILD trigger",
        _ => return Ok(()),
    };
    Err(ParseError::new(message, trigger.keyword_span))
}

fn check_names(instruction: &Instruction) -> Result<(), ParseError> {
    let keyword = &instruction.keyword;
    let pairs = instruction.key_values();
    if pairs.is_empty() {
        return Err(ParseError::new(
            format!("{keyword} has no arguments; write at least one `name=value`"),
            instruction.span,
        ));
    }
    match pairs.iter().find(|pair| pair.key.is_empty()) {
        Some(pair) => Err(ParseError::new(
            format!("{keyword} has an empty name before `=`; write `name=value`"),
            pair.value_span
                .map_or(pair.key_span, |value| pair.key_span.cover(value)),
        )),
        None => Ok(()),
    }
}
