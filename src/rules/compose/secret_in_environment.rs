//! DH105 secret-in-environment: a literal secret in a service's `environment` or `build.args`.

use super::ServiceContext;
use crate::compose::{EnvVar, env_vars};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::secrets::{is_literal_secret_value, is_secret_name, known_credential};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH105 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH105",
    name: "secret-in-environment",
    target: Target::Compose,
    severity: Severity::Error,
    doc: rule_doc!("DH105"),
};

/// DH105: flags secret-looking variables with literal values, and values that are credentials
/// by their format. Messages name the variable and never contain the value.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    let text = cx.file.text;
    if let Some(entry) = cx.get("environment") {
        for var in env_vars(tree, text, entry.value) {
            check_var(cx, &var, "environment", out);
        }
    }
    if let Some(entry) = cx.get_path(&["build", "args"]) {
        for var in env_vars(tree, text, entry.value) {
            check_var(cx, &var, "build argument", out);
        }
    }
}

fn check_var(cx: &ServiceContext, var: &EnvVar, place: &str, out: &mut Vec<Diagnostic>) {
    let Some(value) = var.value.as_deref() else {
        return;
    };
    if var.name.to_ascii_uppercase().ends_with("_FILE") {
        return;
    }
    let message = if is_secret_name(&var.name) && is_literal_secret_value(value) {
        format!(
            "Service `{}` sets secret {place} variable `{}` to a literal value",
            cx.name(),
            var.name
        )
    } else if let Some(credential) = known_credential(value) {
        format!(
            "Service `{}` sets {place} variable `{}` to {}",
            cx.name(),
            var.name,
            credential.describe()
        )
    } else {
        return;
    };
    let span = var.name_span.cover(var.value_span);
    out.push(
        Diagnostic::new(&META, span, message)
            .with_label("literal secret (value hidden)")
            .with_redaction(var.value_span)
            .with_help(format!(
                "Pass the value at run time: use Compose `secrets:` with `{}_FILE: \
                 /run/secrets/<name>`, or `${{{}:?{} must be set}}`",
                var.name, var.name, var.name
            )),
    );
}
