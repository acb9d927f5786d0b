//! Dockerfile rules.
//!
//! The image's user is decided by the final stage alone: `USER` does not carry across `FROM`,
//! except that a stage built `FROM` an earlier stage starts with that stage's user.

pub mod add_instead_of_copy;
pub mod base_image_unpinned;
pub mod empty_continuation;
pub mod expose_ssh;
pub mod final_user_missing;
pub mod final_user_root;
pub mod healthcheck_missing;
pub mod instructions;
pub mod non_numeric_user;
pub mod password_set_in_run;
pub mod remote_script_pipe;
pub mod secret_file_copied;
pub mod secret_in_env_arg;
pub mod setuid_or_world_writable;
pub mod sudo_in_run;
pub mod tls_verification_disabled;
pub mod untrusted_registry;
pub mod update_alone;
pub mod workdir_system_dir;

use std::path::Path;

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

/// Runs every Dockerfile rule on `file`, whose text is `text` and whose path, when known, is
/// `path`.
pub fn check(
    file: &Dockerfile,
    text: &str,
    path: Option<&Path>,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    let stages = file.stages();
    if let Some(last) = stages.last() {
        match file.effective_user(last.index) {
            Some(user) => {
                final_user_root::check(text, file, &stages, &user, settings, out);
                non_numeric_user::check(&stages, &user, out);
            }
            None => final_user_missing::check(text, file, &stages, settings, out),
        }
    }
    secret_in_env_arg::check(file, &settings.secrets, out);
    secret_file_copied::check(file, path, out);
    add_instead_of_copy::check(file, text, out);
    sudo_in_run::check(file, text, out);
    base_image_unpinned::check(file, &stages, settings, out);
    untrusted_registry::check(file, &stages, settings, out);
    expose_ssh::check(file, text, &stages, out);
    tls_verification_disabled::check(file, text, out);
    remote_script_pipe::check(file, text, out);
    setuid_or_world_writable::check(file, text, out);
    password_set_in_run::check(file, text, out);
    healthcheck_missing::check(file, &stages, out);
    update_alone::check(file, text, out);
    workdir_system_dir::check(file, &stages, out);
    empty_continuation::check(file, out);
}
