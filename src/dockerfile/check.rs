//! Instruction-level checks that `docker build` makes after parsing (BuildKit's
//! `frontend/dockerfile/instructions/parse.go`): known keywords, nothing but `ARG` before the
//! first `FROM`, the shape of `FROM`, non-empty names in `ENV`, `ARG` and `LABEL`, and valid
//! `ONBUILD` triggers.

use super::model::{Dockerfile, Instruction, ParseError};

/// The instruction keywords BuildKit accepts.
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
///
/// TODO: also reject flags an instruction does not take (`COPY --bogus`) and wrong argument
/// counts (`COPY` without a destination, `USER a b`), as BuildKit does.
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
        [] => {
            "FROM is missing the image (expected `FROM image` or `FROM image AS name`)".to_string()
        }
        [_, other, _] => format!(
            "FROM has `{}` where `AS` is expected before the stage name",
            other.raw
        ),
        _ => format!(
            "FROM has {} arguments (expected `FROM image` or `FROM image AS name`)",
            words.len()
        ),
    };
    Err(ParseError::new(message, instruction.span))
}

fn check_onbuild(instruction: &Instruction) -> Result<(), ParseError> {
    let Some(trigger) = &instruction.trigger else {
        return Err(ParseError::new(
            "ONBUILD is missing its instruction (expected e.g. `ONBUILD RUN make`)",
            instruction.span,
        ));
    };
    let message = match trigger.keyword.as_str() {
        "ONBUILD" => "ONBUILD ONBUILD is not allowed",
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
            format!("{keyword} has no arguments (expected `name=value`)"),
            instruction.span,
        ));
    }
    match pairs.iter().find(|pair| pair.key.is_empty()) {
        Some(pair) => Err(ParseError::new(
            format!("{keyword} has an empty name (expected `name=value`)"),
            pair.value_span
                .map_or(pair.key_span, |value| pair.key_span.cover(value)),
        )),
        None => Ok(()),
    }
}
