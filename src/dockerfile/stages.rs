//! Build stages and what is in scope inside them: which `FROM` starts each stage, which stage
//! a stage is built on, the `ARG` and `ENV` values visible at an instruction, and the user
//! a stage runs as.
//!
//! Scope follows BuildKit: an `ARG` before the first `FROM` is global, but a stage can use it
//! only after re-declaring it (`ARG UID` then takes the global default). `ARG` and `ENV` inside a
//! stage apply to the instructions after them, `ENV` wins over an `ARG` of the same name, and a
//! stage built `FROM` an earlier stage inherits that stage's `ENV` but not its `ARG`.

use std::collections::HashMap;
use std::ops::Range;

use crate::source::Span;

use super::expand::expand;
use super::model::{Dockerfile, Instruction, KeyValue, Word};

/// A build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// Position among the stages, starting at 0.
    pub index: usize,
    /// Index into [`Dockerfile::instructions`] of the stage's `FROM`.
    pub from: usize,
    /// The image reference as written, such as `golang:1.22`, `$BASE` or `builder`.
    pub image: Word,
    /// The `AS name` of the stage, as written. BuildKit compares names case-insensitively.
    pub name: Option<Word>,
    /// Indices into [`Dockerfile::instructions`], the `FROM` included.
    pub instructions: Range<usize>,
    /// The earlier stage this one is built on, when `FROM` names one.
    pub parent: Option<usize>,
}

impl Stage {
    /// Finds the stage that a `COPY --from=` or `RUN --mount=from=` reference names among the
    /// stages before `before`: by name (case-insensitive), or by index.
    pub fn find(stages: &[Stage], reference: &str, before: usize) -> Option<usize> {
        let earlier = &stages[..before.min(stages.len())];
        if let Some(stage) = earlier.iter().rev().find(|stage| stage.is_named(reference)) {
            return Some(stage.index);
        }
        reference
            .parse::<usize>()
            .ok()
            .filter(|&index| index < earlier.len())
    }

    fn is_named(&self, name: &str) -> bool {
        self.name
            .as_ref()
            .is_some_and(|word| word.text.eq_ignore_ascii_case(name))
    }
}

/// The user a stage runs as, from its last `USER` or an ancestor stage's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSetting {
    /// Index into [`Dockerfile::instructions`] of the `USER`, which may be in an ancestor stage.
    pub instruction: usize,
    /// The argument as written, such as `${UID:-0}:0`.
    pub raw: String,
    /// The argument after variable expansion with the `ARG` and `ENV` values in scope; `None`
    /// when a variable it needs has no value there.
    pub resolved: Option<String>,
    /// Source bytes of the argument.
    pub span: Span,
}

/// Variable values in scope at one instruction.
#[derive(Debug, Clone, Default)]
struct Scope {
    /// Value by name (`None` when declared without one), and whether `ENV` set it.
    vars: HashMap<String, (Option<String>, bool)>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<String> {
        self.vars.get(name)?.0.clone()
    }

    fn set(&mut self, name: &str, value: Option<String>, from_env: bool) {
        match self.vars.get_mut(name) {
            // An ARG does not override an ENV of the same name.
            Some((_, true)) if !from_env => {}
            Some(entry) => *entry = (value, from_env),
            None => {
                self.vars.insert(name.to_string(), (value, from_env));
            }
        }
    }

    /// Drops the `ARG` values, which a child stage does not inherit.
    fn keep_env(&mut self) {
        self.vars.retain(|_, (_, from_env)| *from_env);
    }

    /// Expands the raw values of `pairs` against the scope before the instruction, as BuildKit
    /// does (`ENV a=1 b=$a` gives `b` the previous `a`).
    fn expanded(&self, pairs: &[KeyValue], escape: char) -> Vec<Option<String>> {
        let lookup = |name: &str| self.get(name);
        pairs
            .iter()
            .map(|pair| {
                pair.raw_value
                    .as_deref()
                    .and_then(|raw| expand(raw, &lookup, escape))
            })
            .collect()
    }

    fn apply(&mut self, instruction: &Instruction, globals: &Scope) {
        let from_env = match instruction.keyword.as_str() {
            "ENV" => true,
            "ARG" => false,
            _ => return,
        };
        let pairs = instruction.key_values();
        let values = self.expanded(&pairs, instruction.escape);
        for (pair, value) in pairs.iter().zip(values) {
            let value = match (&pair.raw_value, from_env) {
                (None, false) => globals.get(&pair.key),
                _ => value,
            };
            self.set(&pair.key, value, from_env);
        }
    }
}

impl Dockerfile {
    /// Returns the indices of the instructions before the first `FROM` (the global `ARG`s).
    pub fn global_args(&self) -> Range<usize> {
        let first_from = self
            .instructions
            .iter()
            .position(|instruction| instruction.is("FROM"));
        0..first_from.unwrap_or(self.instructions.len())
    }

    /// Returns the build stages, in file order.
    pub fn stages(&self) -> Vec<Stage> {
        let globals = self.global_scope();
        let froms: Vec<usize> = (0..self.instructions.len())
            .filter(|&i| self.instructions[i].is("FROM"))
            .collect();
        let mut stages: Vec<Stage> = Vec::with_capacity(froms.len());
        for (index, &from) in froms.iter().enumerate() {
            let end = froms
                .get(index + 1)
                .copied()
                .unwrap_or(self.instructions.len());
            let instruction = &self.instructions[from];
            let mut words = instruction.words().into_iter();
            let image = words.next().unwrap_or_else(|| Word {
                text: String::new(),
                raw: String::new(),
                span: Span::empty(instruction.keyword_span.end),
            });
            let name = match (words.next(), words.next()) {
                (Some(as_word), Some(name)) if as_word.text.eq_ignore_ascii_case("as") => {
                    Some(name)
                }
                _ => None,
            };
            // BuildKit expands the base name with the global ARGs, then looks it up among the
            // earlier stage names only; `FROM 0` does not name stage 0.
            let lookup = |name: &str| globals.get(name);
            let parent = expand(&image.raw, &lookup, self.escape)
                .and_then(|base| stages.iter().rev().find(|stage| stage.is_named(&base)))
                .map(|stage| stage.index);
            stages.push(Stage {
                index,
                from,
                image,
                name,
                instructions: from..end,
                parent,
            });
        }
        stages
    }

    /// Returns the user stage `stage` runs as: its last `USER`, else the one its parent stage
    /// runs as, recursively. Returns `None` when no `USER` is visible, for example in a stage
    /// built from an external image, whose user is whatever that image sets.
    pub fn effective_user(&self, stage: usize) -> Option<UserSetting> {
        let stages = self.stages();
        let mut current = stages.get(stage)?;
        loop {
            let user = current
                .instructions
                .clone()
                .rev()
                .find(|&i| self.instructions[i].is("USER"));
            if let Some(index) = user {
                return Some(self.user_setting(&stages, current.index, index));
            }
            current = &stages[current.parent?];
        }
    }

    fn user_setting(&self, stages: &[Stage], stage: usize, index: usize) -> UserSetting {
        let instruction = &self.instructions[index];
        let (raw, span) = match &instruction.args {
            super::Arguments::Shell(text) => (text.text.clone(), text.span()),
            super::Arguments::Exec(_) => (String::new(), Span::empty(instruction.span.end)),
        };
        let scope = self.scope_at(stages, stage, index);
        let lookup = |name: &str| scope.get(name);
        let resolved = expand(&raw, &lookup, instruction.escape);
        UserSetting {
            instruction: index,
            raw,
            resolved,
            span,
        }
    }

    /// Expands `raw` with the global `ARG` values, as BuildKit expands a `FROM` image. Returns
    /// `None` when a variable it needs has no value.
    pub fn expand_global(&self, raw: &str) -> Option<String> {
        let globals = self.global_scope();
        let lookup = |name: &str| globals.get(name);
        expand(raw, &lookup, self.escape)
    }

    /// Expands `raw` with the `ARG` and `ENV` values in scope just before instruction `index`
    /// of stage `stage`. Returns `None` when a variable it needs has no value.
    pub fn expand_at(
        &self,
        stages: &[Stage],
        stage: usize,
        index: usize,
        raw: &str,
    ) -> Option<String> {
        let scope = self.scope_at(stages, stage, index);
        let lookup = |name: &str| scope.get(name);
        expand(raw, &lookup, self.instructions[index].escape)
    }

    /// Values of the global `ARG`s, each expanded with the ones before it.
    ///
    /// TODO: add BuildKit's predefined platform arguments (`TARGETOS`, `BUILDPLATFORM`, ...),
    /// which are in global scope without a declaration. For now they have no value.
    fn global_scope(&self) -> Scope {
        let mut scope = Scope::default();
        for instruction in &self.instructions[self.global_args()] {
            scope.apply(instruction, &Scope::default());
        }
        scope
    }

    /// Returns the variables in scope just before instruction `index` of stage `stage`.
    fn scope_at(&self, stages: &[Stage], stage: usize, index: usize) -> Scope {
        let globals = self.global_scope();
        // A parent always comes earlier, so the chain ends. A loop keeps the stack flat for long
        // chains.
        let mut chain = vec![stage];
        while let Some(parent) = parent_of(stages, chain[chain.len() - 1]) {
            chain.push(parent);
        }
        let mut scope = Scope::default();
        for &current in chain.iter().rev() {
            scope.keep_env();
            let range = &stages[current].instructions;
            let end = if current == stage { index } else { range.end };
            for instruction in &self.instructions[range.start + 1..end.max(range.start + 1)] {
                scope.apply(instruction, &globals);
            }
        }
        scope
    }
}

fn parent_of(stages: &[Stage], stage: usize) -> Option<usize> {
    stages.get(stage)?.parent.filter(|&parent| parent < stage)
}
