//! Image references such as `ghcr.io/acme/api:1.2@sha256:...`, split the way Docker's
//! reference grammar (`distribution/reference`) splits them.

/// The registry of a reference that names none.
pub const DEFAULT_REGISTRY: &str = "docker.io";

/// An image reference split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReference {
    /// Registry host, with port if written; `docker.io` when the reference names none.
    pub registry: String,
    /// Whether the registry was written in the reference.
    pub explicit_registry: bool,
    /// Repository path after the registry, such as `library/alpine` is written `alpine`.
    pub repository: String,
    /// Tag after `:`, if any.
    pub tag: Option<String>,
    /// Digest after `@`, such as `sha256:...`, if any.
    pub digest: Option<String>,
}

impl ImageReference {
    /// Splits `reference`. The first path component is the registry when it contains `.` or
    /// `:`, or is `localhost`; otherwise the image is on Docker Hub.
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
        let (registry, repository, explicit_registry) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_ascii_lowercase(), rest.to_string(), true)
            }
            _ => (DEFAULT_REGISTRY.to_string(), name.to_string(), false),
        };
        ImageReference {
            registry,
            explicit_registry,
            repository,
            tag,
            digest,
        }
    }

    /// Returns `registry/repository`, for matching against patterns that name a path. Official
    /// Docker Hub images get their `library/` prefix, as in `docker.io/library/alpine`.
    pub fn full_name(&self) -> String {
        if self.registry == DEFAULT_REGISTRY && !self.repository.contains('/') {
            return format!("{DEFAULT_REGISTRY}/library/{}", self.repository);
        }
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
        assert_eq!(alpine.repository, "alpine");
        assert_eq!(alpine.tag, None);
        let tagged = ImageReference::parse("bitnami/redis:7.2");
        assert_eq!(tagged.repository, "bitnami/redis");
        assert_eq!(tagged.tag.as_deref(), Some("7.2"));
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
