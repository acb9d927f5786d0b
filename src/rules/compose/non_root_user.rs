//! DH106 non-root-user: the service runs as root.

use super::{ServiceContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

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

/// Reads the Dockerfile of a service's `build` and the user of its built stage, with how to
/// name the Dockerfile in a message and its path (none for `dockerfile_inline`). `None` when
/// there is no local Dockerfile to read, or its user depends on a variable.
fn built_user(cx: &ServiceContext) -> Option<(String, Option<std::path::PathBuf>, BuiltUser)> {
    let project = cx.project?;
    let tree = cx.tree();
    // Compose merges `build` key by key across the project's files, and `build: ./app` is
    // short for `build: {context: ./app}`. Each key is read from the first file that sets it,
    // and a relative context from the folder of that file.
    let builds = cx.get_all("build");
    let setting = |key: &str| -> Option<(String, crate::yaml::NodeId)> {
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
                crate::compose::Interpolated::Known(value) => Some((value, node)),
                crate::compose::Interpolated::Unknown { .. } => Some((String::new(), node)),
            }
        })
    };
    let file_of = |node: crate::yaml::NodeId| {
        let part = cx.file.part_at(tree.node(node).span.start)?;
        let path = &cx.file.parts[part].path;
        (!path.as_os_str().is_empty()).then_some(path)
    };
    let (context, context_file) = match setting("context") {
        Some((context, node)) => (context, file_of(node)?),
        None => (".".to_owned(), file_of(builds.first()?.key)?),
    };
    let compose_path = context_file;
    let dockerfile = setting("dockerfile").map(|(value, _)| value);
    let inline = setting("dockerfile_inline").map(|(value, _)| value);
    let target = setting("target").map(|(value, _)| value);
    // A Git or HTTP context is fetched by the builder, which dhlint never does.
    if context.is_empty() || context.contains("://") || context.starts_with("git@") {
        return None;
    }
    let (dockerfile_name, dockerfile_path, text) = match inline {
        Some(text) => (
            "`dockerfile_inline`".to_owned(),
            None,
            std::sync::Arc::from(text),
        ),
        None => {
            let dockerfile = dockerfile.unwrap_or_else(|| "Dockerfile".to_owned());
            if dockerfile.is_empty() {
                return None;
            }
            let folder = crate::compose::project::resolve(compose_path, &context);
            let path = if std::path::Path::new(&dockerfile).is_absolute() {
                std::path::PathBuf::from(&dockerfile)
            } else {
                folder.join(&dockerfile)
            };
            let dockerfile_name = format!("`{}`", crate::compose::project::shown(&path));
            let text = project.read(&path).ok()?;
            (dockerfile_name, Some(path), text)
        }
    };
    let file = crate::dockerfile::parse(&text).ok()?;
    let stages = file.stages();
    let stage = match target.filter(|t| !t.is_empty()) {
        Some(target) => crate::dockerfile::Stage::find(&stages, &target, stages.len())?,
        None => stages.last()?.index,
    };
    let lines = crate::source::LineIndex::new(&text);
    let line_of = |offset: usize| lines.position(&text, offset).line;
    let built = match file.effective_user(stage) {
        Some(user) => match user.resolved {
            Some(resolved) if is_root_user(&resolved) => BuiltUser::Root {
                line: line_of(user.span.start),
                user: user.raw.trim().to_owned(),
            },
            Some(_) => BuiltUser::NonRoot,
            None => return None,
        },
        None => {
            let (image, nonroot) =
                crate::rules::dockerfile::base_image(&file, &stages, stage, cx.settings);
            if nonroot {
                BuiltUser::NonRoot
            } else {
                BuiltUser::Default {
                    line: line_of(file.instructions[stages[stage].from].span.start),
                    image,
                }
            }
        }
    };
    Some((dockerfile_name, dockerfile_path, built))
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
