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

/// Words in an image reference that name a Windows image, such as
/// `mcr.microsoft.com/windows/servercore:ltsc2022` or
/// `mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022`.
const WINDOWS_IMAGE_WORDS: &[&str] = &["windows", "nanoserver", "servercore"];

/// Returns whether the final stage builds on a Windows image. That is the case when the image at
/// the root of its chain of `FROM <stage>`, with global `ARG` defaults expanded, contains
/// `windows`, `nanoserver` or `servercore`, or when a `FROM` in the chain has
/// `--platform=windows/...`.
pub fn final_base_is_windows(file: &Dockerfile, stages: &[Stage]) -> bool {
    let Some(mut stage) = stages.last() else {
        return false;
    };
    loop {
        let from = &file.instructions[stage.from];
        let platform = from
            .flag("platform")
            .and_then(|flag| flag.value.as_deref())
            .and_then(|value| file.expand_global(value))
            .unwrap_or_default();
        if platform.to_ascii_lowercase().starts_with("windows") {
            return true;
        }
        match stage.parent.and_then(|parent| stages.get(parent)) {
            Some(parent) => stage = parent,
            None => break,
        }
    }
    // A variable without a default leaves the written text, which may still name the image.
    let image = if stage.image.raw.contains('$') {
        file.expand_global(&stage.image.raw)
            .unwrap_or_else(|| stage.image.text.clone())
    } else {
        stage.image.text.clone()
    };
    let image = image.to_ascii_lowercase();
    WINDOWS_IMAGE_WORDS.iter().any(|word| image.contains(word))
}

/// Adds `USER <user>` (by default `65534:65534`, the conventional `nobody`, numeric so it works
/// in images without a user of that name) after the last instruction of the final stage.
/// Unsafe: files the process needs may not be readable or writable by that user. Withheld for a
/// numeric user on a Windows base image, because Windows users have names and no numeric uid.
pub fn append_user(
    text: &str,
    file: &Dockerfile,
    stages: &[Stage],
    user: &str,
) -> Result<Fix, String> {
    let Some(last) = stages.last() else {
        return Err("the file has no build stage".into());
    };
    let Some(index) = last.instructions.clone().last() else {
        return Err("the final stage has no instructions".into());
    };
    let name = user.split(':').next().unwrap_or(user).trim();
    if name.bytes().all(|b| b.is_ascii_digit()) && final_base_is_windows(file, stages) {
        return Err(format!(
            "the base image is a Windows image, whose users have names and no numeric uid, so \
             `USER {user}` would not work; add `USER ContainerUser` by hand, or set `user` in the \
             `[fix]` section of `dhlint.toml` to a Windows user name"
        ));
    }
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

/// Returns the image that stage `stage` is built on at the end of its chain of `FROM <stage>`,
/// which decides its default user, and whether `[dockerfile] nonroot-bases` lists it. The image
/// is taken as written, with global `ARG` defaults expanded (`FROM ${BASE}`); a digest is
/// ignored when matching, so `image:nonroot@sha256:...` matches `*:nonroot`.
pub fn base_image(
    file: &Dockerfile,
    stages: &[Stage],
    stage: usize,
    settings: &Settings,
) -> (String, bool) {
    let mut root = &stages[stage];
    while let Some(parent) = root.parent.and_then(|p| stages.get(p)) {
        root = parent;
    }
    let image = file
        .expand_global(&root.image.text)
        .unwrap_or_else(|| root.image.text.clone());
    let without_digest = image.split('@').next().unwrap_or(&image);
    let nonroot =
        settings.nonroot_bases.is_match(&image) || settings.nonroot_bases.is_match(without_digest);
    (image, nonroot)
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
    let runs = instructions::RunCommands::new(file, text);
    if let Some(last) = stages.last() {
        match file.effective_user(last.index) {
            Some(user) => {
                final_user_root::check(text, file, &stages, &user, settings, out);
                non_numeric_user::check(file, &stages, &user, out);
            }
            None => final_user_missing::check(text, file, &stages, settings, out),
        }
    }
    secret_in_env_arg::check(file, &settings.secrets, out);
    secret_file_copied::check(file, path, out);
    add_instead_of_copy::check(file, text, out);
    sudo_in_run::check(&runs, out);
    base_image_unpinned::check(file, &stages, settings, out);
    untrusted_registry::check(file, &stages, settings, out);
    expose_ssh::check(file, &runs, &stages, out);
    tls_verification_disabled::check(file, &runs, out);
    remote_script_pipe::check(&runs, out);
    setuid_or_world_writable::check(file, &runs, out);
    password_set_in_run::check(&runs, text, out);
    healthcheck_missing::check(file, &stages, out);
    update_alone::check(&runs, out);
    workdir_system_dir::check(file, &stages, out);
    empty_continuation::check(file, out);
}
