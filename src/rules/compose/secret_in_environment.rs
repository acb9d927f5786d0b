//! DH105 secret-in-environment: a literal secret in a service's `environment` or `build.args`.

use super::ServiceContext;
use crate::compose::{EnvVar, env_vars};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix};
use crate::rules::secrets::{is_literal_secret_value, is_secret_name_in, known_credential};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::yaml::{Entry, NodeKind, Quoting};

/// DH105 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH105",
    name: "secret-in-environment",
    target: Target::Compose,
    severity: Severity::Error,
    enabled: true,
    cis: Some("4.10"),
    doc: rule_doc!("DH105"),
};

/// DH105: flags secret-looking variables with literal values, and values that are credentials
/// by their format. Messages name the variable and never contain the value.
pub fn check(cx: &ServiceContext, out: &mut Vec<Diagnostic>) {
    let tree = cx.tree();
    let text = cx.file.text;
    // A secret written in any file of the project is in the repository, whichever value wins.
    for entry in cx.get_all("environment") {
        for var in env_vars(tree, text, entry.value) {
            check_var(cx, entry, &var, Place::Environment, out);
        }
    }
    if let Some(entry) = cx.get_path(&["build", "args"]) {
        for var in env_vars(tree, text, entry.value) {
            check_var(cx, entry, &var, Place::BuildArgs, out);
        }
    }
}

/// DH105 in an env file that a service reads with `env_file`: flags each secret-looking
/// variable with a literal value, and values that are credentials by their format.
pub fn check_env_file(
    file: &crate::compose::dotenv::EnvFile,
    settings: &crate::config::Settings,
    out: &mut Vec<Diagnostic>,
) {
    for var in &file.variables {
        let Some(value) = var.value.as_deref() else {
            continue;
        };
        let name = &var.name;
        if name.to_ascii_uppercase().ends_with("_FILE") {
            continue;
        }
        let message =
            if is_secret_name_in(name, &settings.secrets) && is_literal_secret_value(value) {
                format!("Env file sets secret variable `{name}` to a literal value")
            } else if let Some(credential) = known_credential(value) {
                format!(
                    "Env file sets variable `{name}` to {}",
                    credential.describe()
                )
            } else {
                continue;
            };
        out.push(
            Diagnostic::new(&META, var.name_span.cover(var.value_span), message)
                .with_label("literal secret (value hidden)")
                .with_redaction(var.value_span)
                .with_help(format!(
                    "Keep the value out of the repository: give it to the service through Compose \
                     `secrets:` and read it from `{name}_FILE: /run/secrets/<name>`, or keep \
                     this file out of version control"
                )),
        );
    }
}

/// Where a variable is set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Environment,
    BuildArgs,
}

fn check_var(
    cx: &ServiceContext,
    block: Entry,
    var: &EnvVar,
    place: Place,
    out: &mut Vec<Diagnostic>,
) {
    let what = match place {
        Place::Environment => "environment variable",
        Place::BuildArgs => "build argument",
    };
    let Some(value) = var.value.as_deref() else {
        return;
    };
    if var.name.to_ascii_uppercase().ends_with("_FILE") {
        return;
    }
    let message =
        if is_secret_name_in(&var.name, &cx.settings.secrets) && is_literal_secret_value(value) {
            format!(
                "Service `{}` sets secret {what} `{}` to a literal value",
                cx.name(),
                var.name
            )
        } else if let Some(credential) = known_credential(value) {
            format!(
                "Service `{}` sets {what} `{}` to {}",
                cx.name(),
                var.name,
                credential.describe()
            )
        } else {
            return;
        };
    let name = &var.name;
    let help = match place {
        Place::Environment => format!(
            "Pass the value at run time: use Compose `secrets:` with `{name}_FILE: \
             /run/secrets/<name>`, or `${{{name}:?{name} must be set}}`"
        ),
        Place::BuildArgs => "Use a build secret: list it under `build.secrets` and read it with \
                             `RUN --mount=type=secret,id=<name>` in the Dockerfile, because \
                             build arguments stay in the image history"
            .to_owned(),
    };
    let span = var.name_span.cover(var.value_span);
    out.push(
        cx.diagnostic_at(&META, span, Some(block), message)
            .with_label("literal secret (value hidden)")
            .with_redaction(var.value_span)
            .with_help(help)
            .with_fix(replace_with_reference(cx, block, var)),
    );
}

/// Replaces the literal with `${NAME:?NAME must be set}`, so the value has to come from the
/// environment or an `.env` file. Unsafe: the service fails to start until the variable is set.
fn replace_with_reference(cx: &ServiceContext, block: Entry, var: &EnvVar) -> Result<Fix, String> {
    let name = &var.name;
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_name {
        return Err(format!(
            "`{name}` cannot be used as an interpolation variable"
        ));
    }
    let tree = cx.tree();
    let block_span = tree.node(block.value_written).span;
    let node = tree.node(var.node);
    let inside = block_span.start <= node.span.start && node.span.end <= block_span.end;
    if block.merged_from.is_some() || block.value != block.value_written || !inside {
        return Err(
            "the variable is defined in a shared anchor or in a service this one extends".into(),
        );
    }
    let reference = format!("${{{name}:?{name} must be set}}");
    let flow = matches!(
        tree.node(block.value).kind,
        NodeKind::Mapping { flow: true, .. } | NodeKind::Sequence { flow: true, .. }
    );
    let is_list_item = node.span.start <= var.name_span.start;
    let edit = match &node.kind {
        NodeKind::Scalar {
            quoting: Quoting::Plain,
            ..
        } if flow => {
            // `{` and `}` end a plain scalar inside a flow collection, so quote the new value.
            let content = if is_list_item {
                format!("{name}={reference}")
            } else {
                reference.clone()
            };
            Edit::replace(node.span, format!("\"{content}\""))
        }
        NodeKind::Scalar {
            quoting: Quoting::Block,
            ..
        } => {
            return Err("the value is a block scalar".into());
        }
        NodeKind::Scalar { .. } => Edit::replace(var.value_span, reference.clone()),
        _ => return Err("the value is not a scalar".into()),
    };
    Ok(Fix::unsafe_edit(
        format!("Replace the literal with `{reference}`"),
        edit,
    ))
}
