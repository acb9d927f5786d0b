//! Dockerfile rules.
//!
//! The image's user is decided by the final stage alone: `USER` does not carry across `FROM`,
//! except that a stage built `FROM` an earlier stage starts with that stage's user.

pub mod empty_continuation;
pub mod final_user_missing;
pub mod final_user_root;
pub mod secret_in_env_arg;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::dockerfile::{Dockerfile, Stage};
use crate::fix::{Edit, Fix};
use crate::source::LineEnding;

/// Adds `USER <user>` (by default `65534:65534`, the conventional `nobody`, numeric so it works
/// in images without a user of that name) after the last instruction of the final stage.
/// Unsafe: files the process needs may not be readable or writable by that user.
pub fn append_user(text: &str, file: &Dockerfile, last: &Stage, user: &str) -> Result<Fix, String> {
    let Some(index) = last.instructions.clone().last() else {
        return Err("the final stage has no instructions".into());
    };
    let instruction = &file.instructions[index];
    let end = instruction.span.end;
    if text[instruction.span.start..end]
        .trim_end()
        .ends_with(file.escape)
    {
        return Err("the final instruction ends with a line continuation".into());
    }
    let eol = LineEnding::detect(text).as_str();
    let line = format!("USER {user}");
    let edit = match text[end..].find('\n') {
        Some(i) => Edit::insert(end + i + 1, format!("{line}{eol}")),
        None => Edit::insert(text.len(), format!("{eol}{line}")),
    };
    Ok(Fix::unsafe_edit(
        format!("Add `{line}` at the end of the final stage"),
        edit,
    ))
}

/// Runs every Dockerfile rule on `file`, whose text is `text`.
pub fn check(file: &Dockerfile, text: &str, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let stages = file.stages();
    if let Some(last) = stages.last() {
        match file.effective_user(last.index) {
            Some(user) => final_user_root::check(text, file, &stages, &user, settings, out),
            None => final_user_missing::check(text, file, &stages, settings, out),
        }
    }
    secret_in_env_arg::check(file, &settings.secrets, out);
    empty_continuation::check(file, out);
}
