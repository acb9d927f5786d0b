//! DH203 secret-in-env-arg: a secret in `ENV` or `ARG`, where it ends up in the image or its
//! history.

use crate::config::SecretPolicy;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::Dockerfile;
use crate::rules::secrets::{is_literal_secret_value, is_secret_name_in, known_credential};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH203 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH203",
    name: "secret-in-env-arg",
    target: Target::Dockerfile,
    severity: Severity::Error,
    enabled: true,
    cis: Some("4.10"),
    doc: rule_doc!("DH203"),
};

/// DH203: flags `ENV` with a secret-looking name and a literal value, `ARG` with a
/// secret-looking name, and credentials recognised by their format in either.
pub fn check(file: &Dockerfile, policy: &SecretPolicy, out: &mut Vec<Diagnostic>) {
    for instruction in &file.instructions {
        let is_env = instruction.keyword == "ENV";
        if !is_env && instruction.keyword != "ARG" {
            continue;
        }
        for pair in instruction.key_values() {
            if pair.key.to_ascii_uppercase().ends_with("_FILE") {
                continue;
            }
            let value = pair.value.as_deref().unwrap_or("");
            let secret_name = is_secret_name_in(&pair.key, policy);
            let (severity, message) = if is_env && secret_name && is_literal_secret_value(value) {
                (
                    Severity::Error,
                    format!("`ENV {}` stores a literal secret in the image", pair.key),
                )
            } else if !is_env && secret_name {
                (
                    Severity::Warning,
                    format!(
                        "`ARG {}` passes a secret as a build argument, which the image history \
                         records",
                        pair.key
                    ),
                )
            } else if let Some(credential) = known_credential(value) {
                (
                    Severity::Error,
                    format!(
                        "`{} {}` contains {}",
                        instruction.keyword,
                        pair.key,
                        credential.describe()
                    ),
                )
            } else {
                continue;
            };
            let span = match pair.value_span {
                Some(value_span) => pair.key_span.cover(value_span),
                None => pair.key_span,
            };
            let label = if pair.value.is_some() {
                "secret (value hidden)"
            } else {
                "build argument"
            };
            let mut diagnostic = Diagnostic::new(&META, span, message)
                .with_severity(severity)
                .with_label(label)
                .with_help(format!(
                    "Use a build secret instead: `RUN --mount=type=secret,id={id},env={key} ...` \
                     with `docker build --secret id={id},env={key}`",
                    id = pair.key.to_ascii_lowercase(),
                    key = pair.key
                ));
            if let Some(value_span) = pair.value_span {
                diagnostic = diagnostic.with_redaction(value_span);
            }
            out.push(diagnostic);
        }
    }
}
