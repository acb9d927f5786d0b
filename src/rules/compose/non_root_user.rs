//! DH106 non-root-user: the service runs as root.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{ServiceContext, Setting};
use crate::compose::Interpolated;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::NodeId;

/// DH106 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH106",
    name: "non-root-user",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.1"),
    doc: rule_doc!("DH106"),
};

const HELP: &str = "Set `user:` to a non-root uid and gid, such as `user: \"10001:10001\"`";

/// Whether a `user[:group]` value runs as uid 0: the user part is `root` or a number equal to 0.
/// The group does not matter, and names are case-sensitive (`ROOT` is another user).
pub fn is_root_user(value: &str) -> bool {
    let user = value.split(':').next().unwrap_or("").trim();
    user == "root"
        || (!user.is_empty()
            && user.bytes().all(|b| b.is_ascii_digit())
            && user.bytes().all(|b| b == b'0'))
}

/// DH106: flags `user:` values that resolve to uid 0, and notes services with no `user:`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let entry = cx.get("user");
    let setting = match cx.setting(entry) {
        // `user: ""` leaves the image's default user in place, like no `user:` at all.
        Setting::Value(value) if value.trim().is_empty() => Setting::Absent,
        setting => setting,
    };
    // Without `user:`, a service that builds its image runs as the Dockerfile's user.
    if setting == Setting::Absent && check_build(cx, out) {
        return;
    }
    match (setting, entry) {
        (Setting::Value(value), Some(entry)) if is_root_user(&value) => out.push(
            cx.diagnostic_at(
                &META,
                cx.entry_span(entry),
                Some(entry),
                format!("Service `{}` runs as root", cx.name()),
            )
            .with_label("uid 0")
            .with_help(HELP),
        ),
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(&META, entry, "user", &variable));
        }
        (Setting::Absent, _) => out.push(
            cx.missing(
                &META,
                "user",
                format!(
                    "Service `{}` sets no `user`, so it runs as the image's default user, \
                     often root",
                    cx.name()
                ),
            )
            .with_severity(Severity::Info)
            .with_label("no `user:`")
            .with_help(HELP),
        ),
        _ => {}
    }
}

/// The user the image a service builds runs as.
enum BuiltUser {
    /// A `USER` that resolves to uid 0, with its line and text.
    Root { line: usize, user: String },
    /// No `USER` in the built stage or the stages it is built on, with the `FROM` line and image.
    Default { line: usize, image: String },
    /// A non-root user, or a base image listed in `[dockerfile] nonroot-bases`.
    NonRoot,
}

/// For a service that sets no `user:` and builds its image from a local Dockerfile, reports
/// the user the Dockerfile's built stage (the `target`, or the last stage) runs as. Returns
/// whether the Dockerfile decided the finding. When the Dockerfile cannot be read or its user
/// depends on a variable, the usual note about a missing `user:` applies instead.
fn check_build(cx: &ServiceContext, out: &mut Vec<Diagnostic>) -> bool {
    let Some(entry) = cx.get("build") else {
        return false;
    };
    let Some((dockerfile_name, dockerfile_path, built)) = built_user(cx) else {
        return false;
    };
    let span = cx.tree().node(entry.key).span;
    let (message, label, line, place) = match built {
        BuiltUser::NonRoot => return true,
        BuiltUser::Root { line, user } => (
            format!(
                "Service `{}` runs as root: the image it builds sets `USER {user}` \
                 ({dockerfile_name}, line {line})",
                cx.name()
            ),
            "builds an image that runs as root",
            line,
            "the user is set here",
        ),
        BuiltUser::Default { line, image } => (
            format!(
                "Service `{}` likely runs as root: the stage it builds sets no `USER`, so the \
                 image keeps the default user of `{image}` ({dockerfile_name}, line {line})",
                cx.name()
            ),
            "builds an image with no `USER`",
            line,
            "the built stage starts here",
        ),
    };
    let mut diagnostic = cx
        .diagnostic_at(&META, span, Some(entry), message)
        .with_label(label)
        .with_help(
            "Set a non-root `USER` at the end of the built stage of the Dockerfile, or `user:` \
             in the service, such as `user: \"10001:10001\"`",
        );
    // The Dockerfile's line, for formats that link to other files.
    if let Some(path) = dockerfile_path {
        diagnostic.elsewhere.push(crate::diagnostic::Elsewhere {
            path,
            line,
            column: 1,
            text: place.to_owned(),
        });
    }
    out.push(diagnostic);
    true
}

/// The Dockerfile a service builds its image from.
struct BuildFile {
    /// How to name it in a message: its path, or `dockerfile_inline`.
    name: String,
    /// Its path; none for `dockerfile_inline`.
    path: Option<PathBuf>,
    /// Its text.
    text: Arc<str>,
    /// The stage to build, when `target` names one.
    target: Option<String>,
}

/// Reads the Dockerfile of a service's `build` and the user of its built stage. Returns `None`
/// when there is no local Dockerfile to read, or its user depends on a variable.
fn built_user(cx: &ServiceContext) -> Option<(String, Option<PathBuf>, BuiltUser)> {
    let build = build_file(cx)?;
    let user = stage_user(&build.text, build.target.as_deref(), cx.settings)?;
    Some((build.name, build.path, user))
}

/// Finds and reads the Dockerfile of a service's `build`.
///
/// Compose merges `build` key by key across the project's files, and `build: ./app` is short
/// for `build: {context: ./app}`. Each key is read from the first file that sets it, and a
/// relative context from the folder of that file.
fn build_file(cx: &ServiceContext) -> Option<BuildFile> {
    let project = cx.project?;
    let tree = cx.tree();
    let builds = cx.get_all("build");
    let setting = |key: &str| -> Option<(String, NodeId)> {
        builds.iter().find_map(|build| {
            let node = if tree.is_mapping(build.value) {
                tree.get(build.value, key)?.value
            } else if key == "context" {
                build.value
            } else {
                return None;
            };
            let raw = tree.scalar(node)?;
            match cx.interpolate(raw) {
                Interpolated::Known(value) => Some((value, node)),
                Interpolated::Unknown { .. } => Some((String::new(), node)),
            }
        })
    };
    let file_of = |node: NodeId| {
        let part = cx.file.part_at(tree.node(node).span.start)?;
        let path = &cx.file.parts[part].path;
        (!path.as_os_str().is_empty()).then_some(path)
    };
    let (context, compose_path) = match setting("context") {
        Some((context, node)) => (context, file_of(node)?),
        None => (".".to_owned(), file_of(builds.first()?.key)?),
    };
    // A Git or HTTP context is fetched by the builder, which dhlint never does.
    if context.is_empty() || context.contains("://") || context.starts_with("git@") {
        return None;
    }
    let target = setting("target").map(|(value, _)| value);

    if let Some((text, _)) = setting("dockerfile_inline") {
        return Some(BuildFile {
            name: "`dockerfile_inline`".to_owned(),
            path: None,
            text: Arc::from(text),
            target,
        });
    }
    let dockerfile = setting("dockerfile").map_or_else(|| "Dockerfile".to_owned(), |(v, _)| v);
    if dockerfile.is_empty() {
        return None;
    }
    let path = if Path::new(&dockerfile).is_absolute() {
        PathBuf::from(&dockerfile)
    } else {
        crate::compose::project::resolve(compose_path, &context).join(&dockerfile)
    };
    Some(BuildFile {
        name: format!("`{}`", crate::compose::project::shown(&path)),
        text: project.read(&path).ok()?,
        path: Some(path),
        target,
    })
}

/// Returns the user that stage `target` of a Dockerfile (the last stage without a target) runs
/// as, or `None` when the stage is not found or its user depends on a variable.
fn stage_user(text: &str, target: Option<&str>, settings: &Settings) -> Option<BuiltUser> {
    let file = crate::dockerfile::parse(text).ok()?;
    let stages = file.stages();
    let stage = match target.filter(|t| !t.is_empty()) {
        Some(target) => crate::dockerfile::Stage::find(&stages, target, stages.len())?,
        None => stages.last()?.index,
    };
    let lines = crate::source::LineIndex::new(text);
    let line_of = |offset: usize| lines.position(text, offset).line;

    let Some(user) = file.effective_user(stage) else {
        let (image, nonroot) =
            crate::rules::dockerfile::base_image(&file, &stages, stage, settings);
        if nonroot {
            return Some(BuiltUser::NonRoot);
        }
        return Some(BuiltUser::Default {
            line: line_of(file.instructions[stages[stage].from].span.start),
            image,
        });
    };
    match user.resolved {
        Some(resolved) if is_root_user(&resolved) => Some(BuiltUser::Root {
            line: line_of(user.span.start),
            user: user.raw.trim().to_owned(),
        }),
        Some(_) => Some(BuiltUser::NonRoot),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::is_root_user;

    #[test]
    fn root_spellings() {
        for value in ["root", "0", "0:0", "root:root", "root:0", "0:root", "00"] {
            assert!(is_root_user(value), "{value}");
        }
        for value in ["10001:0", "app:app", "ROOT", "1000", "", "nobody"] {
            assert!(!is_root_user(value), "{value}");
        }
    }
}
