//! The subcommands other than linting: `rules`, `explain`, `config` and `completions`.

use std::io::{self, BufWriter, Write};

use clap::CommandFactory;
use serde_json::json;

use crate::cli::{Args, Command, ListFormat};
use crate::config::{Resolver, closest};
use crate::rules::{RULES, RuleMeta, Target};
use crate::run::{ExitStatus, overrides};

/// Runs `command`.
pub fn run(command: &Command, args: &Args) -> io::Result<ExitStatus> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let status = match command {
        Command::Rules { format } => {
            rules(&mut out, *format)?;
            ExitStatus::Clean
        }
        Command::Explain { rule } => explain(&mut out, rule)?,
        Command::Config { path } => {
            let resolver = Resolver::new(overrides(args));
            let probe = if path.is_dir() {
                path.join("compose.yaml")
            } else {
                path.clone()
            };
            match resolver.for_file(&probe) {
                Ok(settings) => {
                    out.write_all(settings.describe().as_bytes())?;
                    ExitStatus::Clean
                }
                Err(error) => {
                    log::error!("invalid configuration: {error}");
                    ExitStatus::Error
                }
            }
        }
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Args::command(), "dhlint", &mut out);
            ExitStatus::Clean
        }
    };
    out.flush()?;
    Ok(status)
}

/// The fix a rule offers, as listed by `dhlint rules`: the first word of its page's `## Fix`
/// section (`Safe`, `Unsafe`, `Partly safe`) or `none`.
pub fn fix_kind(rule: &RuleMeta) -> &'static str {
    let fix = rule
        .doc
        .split("\n## Fix\n")
        .nth(1)
        .unwrap_or("")
        .trim_start();
    if fix.starts_with("Safe") {
        "safe"
    } else if fix.starts_with("Unsafe") {
        "unsafe"
    } else if fix.starts_with("Partly safe") {
        "partly safe"
    } else {
        "none"
    }
}

fn target_name(target: Target) -> &'static str {
    match target {
        Target::Any => "any",
        Target::Compose => "compose",
        Target::Dockerfile => "dockerfile",
        Target::Daemon => "daemon",
    }
}

/// Formats the default severity, or `off` with the severity the rule reports at when selected.
fn default_severity(rule: &RuleMeta) -> String {
    if rule.enabled {
        rule.severity.as_str().to_owned()
    } else {
        format!("off ({})", rule.severity.as_str())
    }
}

/// The Markdown table of rules in the README, generated from the rule pages.
pub fn rules_table() -> String {
    let mut table = String::from(
        "| Code | Name | File | Severity | Fix | Summary |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for rule in RULES {
        table.push_str(&format!(
            "| [{code}](lints/{code}.md) | `{name}` | {file} | {severity} | {fix} | {summary} |\n",
            code = rule.code,
            name = rule.name,
            file = target_name(rule.target),
            severity = default_severity(rule),
            fix = fix_kind(rule),
            summary = rule.summary(),
        ));
    }
    table
}

fn rules(out: &mut dyn Write, format: ListFormat) -> io::Result<()> {
    match format {
        ListFormat::Text => {
            writeln!(
                out,
                "{:<7} {:<26} {:<11} {:<15} {:<12} summary",
                "code", "name", "file", "severity", "fix"
            )?;
            for rule in RULES {
                writeln!(
                    out,
                    "{:<7} {:<26} {:<11} {:<15} {:<12} {}",
                    rule.code,
                    rule.name,
                    target_name(rule.target),
                    default_severity(rule),
                    fix_kind(rule),
                    rule.summary()
                )?;
            }
            Ok(())
        }
        ListFormat::Json => {
            let rules: Vec<_> = RULES
                .iter()
                .map(|rule| {
                    json!({
                        "code": rule.code,
                        "name": rule.name,
                        "target": target_name(rule.target),
                        "severity": rule.severity,
                        "enabled": rule.enabled,
                        "fix": fix_kind(rule),
                        "cis": rule.cis,
                        "summary": rule.summary(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rules)?;
            writeln!(out)
        }
    }
}

fn explain(out: &mut dyn Write, query: &str) -> io::Result<ExitStatus> {
    let Some(rule) = crate::rules::find(query) else {
        let names = RULES.iter().flat_map(|r| [r.code, r.name]);
        let hint =
            closest(query, names).map_or(".".to_owned(), |c| format!(": did you mean `{c}`?"));
        log::error!("unknown rule `{query}`{hint} Run `dhlint rules` to list the rules.");
        return Ok(ExitStatus::Error);
    };
    writeln!(out, "{} {}", rule.code, rule.name)?;
    writeln!(
        out,
        "file: {}   severity: {}   fix: {}",
        target_name(rule.target),
        default_severity(rule),
        fix_kind(rule)
    )?;
    writeln!(out)?;
    // The page without its title line, which the header above repeats.
    let body = rule.doc.split_once('\n').map_or("", |(_, rest)| rest);
    for line in body.trim_start().lines() {
        let line = line
            .strip_prefix("## ")
            .map_or_else(|| line.to_owned(), str::to_uppercase);
        writeln!(out, "{line}")?;
    }
    Ok(ExitStatus::Clean)
}
