//! DH208 untrusted-registry: an image from a registry outside `[dockerfile]
//! trusted-registries`.

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{DEFAULT_REGISTRY, Dockerfile, ImageReference, Stage, normalize_registry};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::source::Span;

use super::base_image_unpinned::base_images;

/// DH208 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH208",
    name: "untrusted-registry",
    target: Target::Dockerfile,
    severity: Severity::Error,
    enabled: true,
    cis: Some("4.2"),
    doc: rule_doc!("DH208"),
};

/// Returns whether `value` matches `pattern`, where `*` may stand at the start or end of the
/// pattern for any text. Registries compare without ASCII case.
fn matches(pattern: &str, value: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let value = value.to_ascii_lowercase();
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(rest), _) if rest.ends_with('*') => value.contains(rest.trim_end_matches('*')),
        (Some(suffix), None) => value.ends_with(suffix),
        (None, Some(prefix)) => value.starts_with(prefix),
        _ => value == pattern,
    }
}

/// Returns a pattern normalized as image references are. Another name of Docker Hub's registry
/// (`index.docker.io`) becomes `docker.io`. A Docker Hub path of one component without `*` gets
/// the `library/` prefix, so `docker.io/alpine` becomes `docker.io/library/alpine`.
fn normalize_pattern(pattern: &str) -> String {
    let (host, path) = match pattern.split_once('/') {
        Some((host, path)) => (host, Some(path)),
        None => (pattern, None),
    };
    if host.contains('*') {
        return pattern.to_string();
    }
    let host = normalize_registry(host);
    match path {
        Some(path) if host == DEFAULT_REGISTRY && !path.contains(['/', '*']) => {
            format!("{host}/library/{path}")
        }
        Some(path) => format!("{host}/{path}"),
        None => host,
    }
}

/// Returns whether the image's registry, or its `registry/repository` name, matches one of the
/// trusted patterns.
fn is_trusted(reference: &ImageReference, trusted: &[String]) -> bool {
    let full = reference.full_name();
    trusted.iter().any(|pattern| {
        let pattern = normalize_pattern(pattern);
        matches(&pattern, &reference.registry) || matches(&pattern, &full)
    })
}

/// DH208: when `[dockerfile] trusted-registries` is set, flags `FROM`, `COPY --from=` and
/// `RUN --mount=...,from=` images from any other registry.
pub fn check(file: &Dockerfile, stages: &[Stage], settings: &Settings, out: &mut Vec<Diagnostic>) {
    let trusted = &settings.trusted_registries;
    if trusted.is_empty() {
        return;
    }
    let mut report = |image: &str, span: Span, what: &str| {
        let reference = ImageReference::parse(image);
        if is_trusted(&reference, trusted) {
            return;
        }
        out.push(
            Diagnostic::new(
                &META,
                span,
                format!(
                    "{what} `{image}` comes from `{}`, which is not in `[dockerfile] \
                     trusted-registries`",
                    reference.registry
                ),
            )
            .with_label("untrusted registry")
            .with_help(format!(
                "Use an image from a trusted registry ({}), or add this registry to \
                 `trusted-registries` after reviewing it",
                trusted.join(", ")
            )),
        );
    };
    for base in base_images(file, stages) {
        if let Some(image) = &base.resolved {
            report(image, base.span, "Base image");
        }
    }
    for stage in stages {
        for index in stage.instructions.clone() {
            let instruction = &file.instructions[index];
            let references: Vec<(String, Span)> = match instruction.keyword.as_str() {
                "COPY" | "ADD" => instruction
                    .flag("from")
                    .and_then(|flag| Some((flag.value.clone()?, flag.span)))
                    .into_iter()
                    .collect(),
                "RUN" => instruction
                    .flags_named("mount")
                    .filter_map(|flag| {
                        let value = flag.value.as_deref()?;
                        let from = value
                            .split(',')
                            .find_map(|part| part.trim().strip_prefix("from="))?;
                        Some((from.to_string(), flag.span))
                    })
                    .collect(),
                _ => continue,
            };
            for (reference, span) in references {
                let Some(image) = file.expand_at(stages, stage.index, index, &reference) else {
                    continue;
                };
                let is_stage = Stage::find(stages, &image, stage.index).is_some()
                    || image.bytes().all(|b| b.is_ascii_digit());
                if !is_stage && !image.eq_ignore_ascii_case("scratch") {
                    report(&image, span, "Image");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_with_wildcards() {
        assert!(matches("ghcr.io", "GHCR.io"));
        assert!(matches("*.example.com", "registry.example.com"));
        assert!(!matches("*.example.com", "example.org"));
        assert!(matches("registry.*", "registry.local:5000"));
        assert!(matches("*internal*", "a.internal.b"));
        assert!(!matches("ghcr.io", "ghcr.io.evil.com"));
    }

    #[test]
    fn hub_images_need_docker_io() {
        let official = vec!["docker.io/library/*".to_string()];
        assert!(is_trusted(&ImageReference::parse("alpine:3.20"), &official));
        assert!(!is_trusted(
            &ImageReference::parse("bitnami/redis:7"),
            &official
        ));
        let hub = vec!["docker.io".to_string()];
        assert!(is_trusted(&ImageReference::parse("bitnami/redis:7"), &hub));
        assert!(!is_trusted(&ImageReference::parse("quay.io/a/b:1"), &hub));
    }

    #[test]
    fn hub_aliases_match_docker_io() {
        let official = vec!["docker.io/library/*".to_string()];
        for image in [
            "index.docker.io/library/alpine:3.20",
            "registry-1.docker.io/library/alpine:3.20",
            "index.docker.io/alpine",
            "library/alpine",
        ] {
            assert!(
                is_trusted(&ImageReference::parse(image), &official),
                "{image}"
            );
        }
        assert!(!is_trusted(
            &ImageReference::parse("index.docker.io/bitnami/redis:7"),
            &official
        ));
        let aliases = [
            "index.docker.io".to_string(),
            "registry-1.docker.io/alpine".to_string(),
        ];
        assert!(is_trusted(
            &ImageReference::parse("bitnami/redis:7"),
            &aliases[..1]
        ));
        assert!(is_trusted(
            &ImageReference::parse("alpine:3.20"),
            &aliases[1..]
        ));
        assert!(!is_trusted(
            &ImageReference::parse("nginx:1.27"),
            &aliases[1..]
        ));
    }

    #[test]
    fn patterns_normalize_like_references() {
        assert_eq!(
            normalize_pattern("INDEX.docker.io/library/*"),
            "docker.io/library/*"
        );
        assert_eq!(
            normalize_pattern("docker.io/alpine"),
            "docker.io/library/alpine"
        );
        assert_eq!(normalize_pattern("docker.io/alp*"), "docker.io/alp*");
        assert_eq!(normalize_pattern("*.docker.io"), "*.docker.io");
        assert_eq!(normalize_pattern("ghcr.io/acme/*"), "ghcr.io/acme/*");
    }
}
