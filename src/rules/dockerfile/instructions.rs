//! Helpers shared by the Dockerfile rules: instructions with their `ONBUILD` triggers, the
//! commands of every `RUN`, and the sources of `COPY` and `ADD`.

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

/// The simple commands of every `RUN` (and `ONBUILD RUN`), lexed once for all the rules that
/// read them.
pub struct RunCommands<'a> {
    runs: Vec<(&'a Instruction, Vec<Command>)>,
}

impl<'a> RunCommands<'a> {
    /// Lexes every `RUN` of `file`, whose text is `text`.
    pub fn new(file: &'a Dockerfile, text: &str) -> Self {
        let runs = with_triggers(file)
            .filter(|instruction| instruction.is("RUN"))
            .map(|instruction| {
                (
                    instruction,
                    crate::dockerfile::run_commands(instruction, text),
                )
            })
            .collect();
        RunCommands { runs }
    }

    /// Returns each `RUN` with its commands, in file order.
    pub fn runs(&self) -> impl Iterator<Item = (&'a Instruction, &[Command])> {
        self.runs
            .iter()
            .map(|(instruction, commands)| (*instruction, commands.as_slice()))
    }

    /// Returns the commands of every `RUN`, in file order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.runs.iter().flat_map(|(_, commands)| commands)
    }
}
