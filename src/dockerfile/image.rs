//! Image references such as `ghcr.io/acme/api:1.2@sha256:...`, split the way Docker's
//! reference grammar (`distribution/reference`) splits them.

/// The registry of a reference that names none.
pub const DEFAULT_REGISTRY: &str = "docker.io";

/// Other names of Docker Hub's registry: `index.docker.io`, which Docker's reference parser
/// (`distribution/reference`, `normalize.go`) rewrites to `docker.io`, and `registry-1.docker.io`,
/// the host that serves Docker Hub's registry API.
const DEFAULT_REGISTRY_ALIASES: &[&str] = &["index.docker.io", "registry-1.docker.io"];

/// Returns a registry host in lowercase, with the other names of Docker Hub's registry replaced
/// by `docker.io`.
pub fn normalize_registry(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    if DEFAULT_REGISTRY_ALIASES.contains(&host.as_str()) {
        return DEFAULT_REGISTRY.to_string();
    }
    host
}

/// An image reference split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReference {
    /// Registry host in lowercase, with port if written; `docker.io` when the reference names
    /// none or names Docker Hub as `index.docker.io` or `registry-1.docker.io`.
    pub registry: String,
    /// Whether the registry was written in the reference.
    pub explicit_registry: bool,
    /// Repository path after the registry. A Docker Hub path of one component gets the
    /// `library/` prefix of official images, as Docker adds it: `alpine` is `library/alpine`.
    pub repository: String,
    /// Tag after `:`, if any.
    pub tag: Option<String>,
    /// Digest after `@`, such as `sha256:...`, if any.
    pub digest: Option<String>,
}

impl ImageReference {
    /// Splits `reference` and normalizes it as Docker does. The first path component is the
    /// registry when it contains `.` or `:`, or is `localhost`; otherwise the image is on
    /// Docker Hub.
    pub fn parse(reference: &str) -> ImageReference {
        let (name, digest) = match reference.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_string())),
            None => (reference, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(colon) => (
                &name[..last_slash + colon],
                Some(name[last_slash + colon + 1..].to_string()),
            ),
            None => (name, None),
        };
        let (registry, mut repository, explicit_registry) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (normalize_registry(first), rest.to_string(), true)
            }
            _ => (DEFAULT_REGISTRY.to_string(), name.to_string(), false),
        };
        if registry == DEFAULT_REGISTRY && !repository.contains('/') {
            repository = format!("library/{repository}");
        }
        ImageReference {
            registry,
            explicit_registry,
            repository,
            tag,
            digest,
        }
    }

    /// Returns `registry/repository`, for matching against patterns that name a path, such as
    /// `docker.io/library/alpine` for `alpine`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_docker_hub_names() {
        let alpine = ImageReference::parse("alpine");
        assert_eq!(alpine.registry, "docker.io");
        assert!(!alpine.explicit_registry);
        assert_eq!(alpine.repository, "library/alpine");
        assert_eq!(alpine.tag, None);
        let tagged = ImageReference::parse("bitnami/redis:7.2");
        assert_eq!(tagged.repository, "bitnami/redis");
        assert_eq!(tagged.tag.as_deref(), Some("7.2"));
    }

    #[test]
    fn parse_normalizes_docker_hub_aliases() {
        for written in [
            "alpine",
            "library/alpine",
            "docker.io/alpine",
            "docker.io/library/alpine",
            "index.docker.io/library/alpine",
            "INDEX.docker.io/alpine",
            "registry-1.docker.io/library/alpine",
            "registry-1.docker.io/alpine:3.20",
        ] {
            let reference = ImageReference::parse(written);
            assert_eq!(
                reference.full_name(),
                "docker.io/library/alpine",
                "{written}"
            );
        }
        let explicit = ImageReference::parse("index.docker.io/bitnami/redis");
        assert!(explicit.explicit_registry);
        assert_eq!(explicit.full_name(), "docker.io/bitnami/redis");
        assert_eq!(normalize_registry("Quay.io"), "quay.io");
        assert_eq!(
            normalize_registry("docker.io.example.com"),
            "docker.io.example.com"
        );
    }

    #[test]
    fn parse_registry_port_tag_and_digest() {
        let reference = ImageReference::parse("registry.local:5000/team/app:1.0@sha256:abc");
        assert_eq!(reference.registry, "registry.local:5000");
        assert_eq!(reference.repository, "team/app");
        assert_eq!(reference.tag.as_deref(), Some("1.0"));
        assert_eq!(reference.digest.as_deref(), Some("sha256:abc"));
        let local = ImageReference::parse("localhost/app");
        assert_eq!(local.registry, "localhost");
        let digest_only = ImageReference::parse("alpine@sha256:abc");
        assert_eq!(digest_only.tag, None);
        assert_eq!(digest_only.digest.as_deref(), Some("sha256:abc"));
    }
}
