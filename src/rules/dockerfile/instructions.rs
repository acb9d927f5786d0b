//! Helpers shared by the Dockerfile rules: instructions with their `ONBUILD` triggers, and
//! the sources of `COPY` and `ADD`.

use crate::dockerfile::{Command, Dockerfile, Instruction, Word};

/// Returns every instruction in file order, with the instruction an `ONBUILD` registers in
/// place of the `ONBUILD` itself, since it runs in every image built from this one.
pub fn with_triggers(file: &Dockerfile) -> impl Iterator<Item = &Instruction> {
    file.instructions
        .iter()
        .map(|instruction| instruction.trigger.as_deref().unwrap_or(instruction))
}

/// Returns the source words of a `COPY` or `ADD`: every word but the destination, without
/// heredoc markers such as `<<EOF`, whose content is written in the Dockerfile.
pub fn copy_sources(instruction: &Instruction) -> Vec<Word> {
    let mut words = instruction.words();
    words.pop();
    if !instruction.heredocs.is_empty() {
        words.retain(|word| {
            !word
                .raw
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with("<<")
        });
    }
    words
}

/// Returns the simple commands of every `RUN` (and `ONBUILD RUN`), in file order.
pub fn run_commands<'a>(file: &'a Dockerfile, text: &'a str) -> impl Iterator<Item = Command> + 'a {
    with_triggers(file)
        .filter(|instruction| instruction.is("RUN"))
        .flat_map(move |instruction| crate::dockerfile::run_commands(instruction, text))
}
