//! DH129 image-pinned: the service's image can change under the same name.

use super::{ServiceContext, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH129 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH129",
    name: "image-pinned",
    target: Target::Compose,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.2"),
    doc: rule_doc!("DH129"),
};

/// The parts of an image reference `[REGISTRY/]NAME[:TAG][@DIGEST]`.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageReference<'a> {
    /// Everything before the tag and digest.
    pub name: &'a str,
    /// The tag, if any.
    pub tag: Option<&'a str>,
    /// The digest, such as `sha256:…`, if any.
    pub digest: Option<&'a str>,
}

/// Splits an image reference. The tag is the text after the last `:` that follows the last
/// `/`, so a registry port (`registry:5000/app`) is not read as a tag.
pub fn parse_reference(image: &str) -> ImageReference<'_> {
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    let name_start = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[name_start..].rfind(':') {
        Some(colon) => ImageReference {
            name: &rest[..name_start + colon],
            tag: Some(&rest[name_start + colon + 1..]),
            digest,
        },
        None => ImageReference {
            name: rest,
            tag: None,
            digest,
        },
    }
}

/// DH129: flags an `image` without a tag or with a tag that moves, such as `latest`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    // `image` names the result of a `build`, so there is nothing to pull.
    if cx.get("build").is_some_and(|e| !cx.tree().is_null(e.value)) {
        return;
    }
    let entry = cx.get("image");
    let value = match (cx.setting(entry), entry) {
        (Setting::Value(value), Some(_)) => value,
        (Setting::Unknown { variable }, Some(entry)) => {
            out.push(cx.unknown(&META, entry, "image", &variable));
            return;
        }
        _ => return,
    };
    let Some(entry) = entry else { return };
    let image = value.trim();
    if image.is_empty() {
        return;
    }

    let reference = parse_reference(image);
    let settings = cx.settings;
    let problem = match (reference.tag, reference.digest) {
        (_, Some(digest)) if digest.contains(':') => return,
        (None, _) => Some(format!(
            "`{image}` has no tag, so it means `{image}:latest`"
        )),
        (Some(tag), _)
            if settings
                .prohibited_tags
                .iter()
                .any(|t| t.eq_ignore_ascii_case(tag)) =>
        {
            Some(format!("tag `{tag}` moves to new images"))
        }
        _ => None,
    };

    let (message, label, help) = match problem {
        Some(problem) => (
            format!(
                "Service `{}` uses an image that is not pinned: {problem}",
                cx.name()
            ),
            "tag not pinned",
            "Use a version tag such as `nginx:1.27.3`, or a digest such as `nginx@sha256:…`",
        ),
        None if settings.compose_require_digest => (
            format!(
                "Service `{}` uses image `{image}` without a digest, so the tag can be moved to \
                 another image",
                cx.name()
            ),
            "no `@sha256:` digest",
            "Add the digest of the tested image, such as `nginx:1.27.3@sha256:…`",
        ),
        None => return,
    };

    out.push(
        cx.diagnostic_at(
            &META,
            cx.tree().node(entry.value_written).span,
            Some(entry),
            message,
        )
        .with_label(label)
        .with_help(help),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = parse_reference("nginx");
        assert_eq!((r.name, r.tag, r.digest), ("nginx", None, None));
        let r = parse_reference("nginx:1.27");
        assert_eq!((r.name, r.tag), ("nginx", Some("1.27")));
        let r = parse_reference("registry.local:5000/team/app");
        assert_eq!((r.name, r.tag), ("registry.local:5000/team/app", None));
        let r = parse_reference("registry.local:5000/team/app:2.0");
        assert_eq!(r.tag, Some("2.0"));
        let r = parse_reference("app@sha256:abc");
        assert_eq!((r.name, r.tag, r.digest), ("app", None, Some("sha256:abc")));
        let r = parse_reference("app:1.0@sha256:abc");
        assert_eq!((r.tag, r.digest), (Some("1.0"), Some("sha256:abc")));
    }
}
