//! DH207 base-image-unpinned: `FROM` an image without a tag, with `:latest`, or (when
//! configured) without a digest.

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, ImageReference, Stage};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::source::Span;

/// DH207 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH207",
    name: "base-image-unpinned",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.2"),
    doc: rule_doc!("DH207"),
};

/// The image a stage starts from, when it is not an earlier stage or `scratch`.
pub struct BaseImage<'a> {
    /// The stage.
    pub stage: &'a Stage,
    /// The reference as written, such as `$BASE` or `alpine:3.20`.
    pub written: &'a str,
    /// The reference after expanding global `ARG`s, or `None` when a variable has no value.
    pub resolved: Option<String>,
    /// The reference's source bytes.
    pub span: Span,
}

/// Returns the external base images of `stages`, skipping stages built on an earlier stage and
/// `FROM scratch`.
pub fn base_images<'a>(file: &Dockerfile, stages: &'a [Stage]) -> Vec<BaseImage<'a>> {
    stages
        .iter()
        .filter(|stage| stage.parent.is_none())
        .filter_map(|stage| {
            let resolved = if stage.image.raw.contains('$') {
                file.expand_global(&stage.image.raw)
            } else {
                Some(stage.image.text.clone())
            };
            if resolved
                .as_deref()
                .is_some_and(|image| image.eq_ignore_ascii_case("scratch") || image.is_empty())
            {
                return None;
            }
            // `FROM binaries-$TARGETOS` names an earlier stage once BuildKit fills in the
            // platform. So a reference that only the build can resolve, and that fits the name of
            // an earlier stage, is taken to be that stage.
            if resolved.is_none() && may_name_stage(&stage.image.raw, &stages[..stage.index]) {
                return None;
            }
            Some(BaseImage {
                stage,
                written: &stage.image.text,
                resolved,
                span: stage.image.span,
            })
        })
        .collect()
}

/// Returns whether `raw`, which has text besides its variables, matches the name of one of
/// `earlier` when each variable stands for any text (ignoring ASCII case, as BuildKit compares
/// stage names).
fn may_name_stage(raw: &str, earlier: &[Stage]) -> bool {
    let mut pattern = String::from("(?i)^");
    let mut literal = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            pattern.push_str(&regex::escape(&c.to_string()));
            literal = true;
            continue;
        }
        if chars.peek() == Some(&'{') {
            let mut depth = 0;
            for d in chars.by_ref() {
                match d {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        } else {
            while chars
                .peek()
                .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_')
            {
                chars.next();
            }
        }
        pattern.push_str(".*");
    }
    pattern.push('$');
    // A reference that is only a variable could be anything, not necessarily a stage.
    if !literal {
        return false;
    }
    let Ok(regex) = regex::Regex::new(&pattern) else {
        return false;
    };
    earlier
        .iter()
        .filter_map(|stage| stage.name.as_ref())
        .any(|name| regex.is_match(&name.text))
}

/// DH207: flags base images without a tag or with `latest`, and without a digest when
/// `[dockerfile] require-digest` is set. A base image that depends on a variable with no value
/// gets an info note.
pub fn check(file: &Dockerfile, stages: &[Stage], settings: &Settings, out: &mut Vec<Diagnostic>) {
    for base in base_images(file, stages) {
        let written = base.written;
        let Some(resolved) = &base.resolved else {
            out.push(
                Diagnostic::new(
                    &META,
                    base.span,
                    format!(
                        "`FROM {written}` depends on a variable with no default, so dhlint cannot \
                         tell whether the base image is pinned"
                    ),
                )
                .with_severity(Severity::Info)
                .with_label("unresolved variable")
                .with_help("Give the `ARG` a default with a tag, such as `ARG BASE=alpine:3.20`"),
            );
            continue;
        };
        let described = if resolved == written {
            format!("`FROM {written}`")
        } else {
            format!("`FROM {written}` (resolving to `{resolved}`)")
        };
        let reference = ImageReference::parse(resolved);
        let message = match (&reference.tag, &reference.digest) {
            (_, Some(_)) => continue,
            (None, None) => format!(
                "{described} has no tag, so the build uses whatever `latest` points to at the time"
            ),
            (Some(tag), None) if tag.eq_ignore_ascii_case("latest") => format!(
                "{described} uses the `latest` tag, so the build uses whatever it points to at the time"
            ),
            (Some(_), None) if settings.dockerfile_require_digest => {
                format!(
                    "{described} is not pinned to a digest, so the tag can be moved to another image"
                )
            }
            (Some(_), None) => continue,
        };
        out.push(
            Diagnostic::new(&META, base.span, message)
                .with_label("unpinned base image")
                .with_help(
                    "Pin the base image to a version tag, such as `alpine:3.20`, or to a digest \
                     (`alpine:3.20@sha256:...`)",
                ),
        );
    }
}
