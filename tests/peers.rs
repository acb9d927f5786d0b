//! Agreement with KICS, on the positive and negative samples that KICS ships with each of its
//! Docker queries. dhlint must report every positive sample and no negative one of each query
//! that maps to a dhlint rule. The exceptions are the samples listed in `DIFFERENCES`, where
//! KICS differs on purpose, and each rule page explains them under "Known differences".
//!
//! The samples are read from `$DHLINT_CORPUS/peers/kics/{dockerCompose,dockerfile}/<query>/test/`
//! (KICS's `assets/queries` layout). Without `DHLINT_CORPUS` the test is skipped with a message.
//! Run with `--nocapture` to see the agreement table.

// Tests unwrap freely and print the table and skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dhlint::config::{ConfigFile, Overrides, Settings};
use dhlint::discovery::FileKind;
use dhlint::lint::{LintOptions, lint_text_with};

/// A KICS query folder and the dhlint rules that check the same thing.
struct Query {
    folder: &'static str,
    kind: FileKind,
    codes: &'static [&'static str],
}

const fn compose(folder: &'static str, codes: &'static [&'static str]) -> Query {
    Query {
        folder,
        kind: FileKind::Compose,
        codes,
    }
}

const fn dockerfile(folder: &'static str, codes: &'static [&'static str]) -> Query {
    Query {
        folder,
        kind: FileKind::Dockerfile,
        codes,
    }
}

/// The KICS queries with a dhlint equivalent. A query is checked only when every rule it maps
/// to exists, so the table grows with the rule set.
const QUERIES: &[Query] = &[
    compose("container_capabilities_unrestricted", &["DH102", "DH119"]),
    compose("memory_not_limited", &["DH103"]),
    compose("pids_limit_not_set", &["DH104"]),
    compose("no_new_privileges_not_set", &["DH107"]),
    compose("privileged_containers_enabled", &["DH108"]),
    compose("docker_socket_mounted_in_container", &["DH109"]),
    compose("shared_host_network_namespace", &["DH110"]),
    compose("host_namespace_is_shared", &["DH111"]),
    compose("shared_host_ipc_namespace", &["DH112"]),
    compose("shared_host_user_namespace", &["DH113"]),
    compose("default_seccomp_profile_disabled", &["DH116"]),
    compose("volume_has_sensitive_host_directory", &["DH120"]),
    compose("volume_mounted_in_multiple_containers", &["DH122"]),
    compose("container_traffic_not_bound_to_host_interface", &["DH123"]),
    compose("privileged_ports_mapped_in_container", &["DH124"]),
    compose("cpus_not_limited", &["DH125"]),
    compose("healthcheck_not_set", &["DH127"]),
    compose("restart_policy_on_failure_not_set_to_5", &["DH128"]),
    compose("cgroup_not_default", &["DH130"]),
    dockerfile("last_user_is_root", &["DH201"]),
    dockerfile("missing_user_instruction", &["DH202"]),
    dockerfile("add_instead_of_copy", &["DH205"]),
    dockerfile("curl_or_wget_instead_of_add", &["DH205"]),
    dockerfile("run_using_sudo", &["DH206"]),
    dockerfile("image_version_not_explicit", &["DH207"]),
    dockerfile("image_version_using_latest", &["DH207"]),
    dockerfile("exposing_port_22", &["DH209"]),
    dockerfile("healthcheck_instruction_missing", &["DH214"]),
    dockerfile("update_instruction_alone", &["DH215"]),
];

/// Samples on which dhlint and KICS disagree on purpose: the query folder, the sample's file
/// name, and why.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "add_instead_of_copy",
        "negative.dockerfile",
        "`ADD` of a URL without `--checksum` is reported",
    ),
    (
        "curl_or_wget_instead_of_add",
        "negative2.dockerfile",
        "`ADD` of a plain local file is reported; `COPY` does the same",
    ),
    (
        "default_seccomp_profile_disabled",
        "positive1.yaml",
        "`label:seccomp:unconfined` is an SELinux label option, not a seccomp setting",
    ),
    (
        "image_version_not_explicit",
        "negative1.dockerfile",
        "the `ARG` is declared after the first `FROM`, so `FROM $IMAGE` cannot be resolved (an info note)",
    ),
    (
        "missing_user_instruction",
        "negative.dockerfile",
        "KICS skips a final stage `FROM scratch`; DH202 reports it, since such an image runs as root",
    ),
    (
        "privileged_ports_mapped_in_container",
        "positive10.yaml",
        "the port below 1024 is the container's; only host ports need privileges",
    ),
    (
        "privileged_ports_mapped_in_container",
        "positive11.yaml",
        "the port below 1024 is the container's; only host ports need privileges",
    ),
    (
        "privileged_ports_mapped_in_container",
        "positive12.yaml",
        "the port below 1024 is the container's; only host ports need privileges",
    ),
    (
        "privileged_ports_mapped_in_container",
        "positive2.yaml",
        "the port below 1024 is the container's; only host ports need privileges",
    ),
    (
        "privileged_ports_mapped_in_container",
        "positive4.yaml",
        "the port below 1024 is the container's; only host ports need privileges",
    ),
    (
        "privileged_ports_mapped_in_container",
        "positive5.yaml",
        "the port below 1024 is the container's; only host ports need privileges",
    ),
    (
        "privileged_ports_mapped_in_container",
        "positive7.yaml",
        "the port below 1024 is the container's; only host ports need privileges",
    ),
    (
        "privileged_ports_mapped_in_container",
        "positive8.yaml",
        "the port below 1024 is the container's; only host ports need privileges",
    ),
    (
        "restart_policy_on_failure_not_set_to_5",
        "positive2.yaml",
        "`on-failure:3` stays within five restarts",
    ),
    (
        "update_instruction_alone",
        "negative5.dockerfile",
        "`RUN apk update` with no install in the same `RUN` is reported even when no later `RUN` installs",
    ),
    (
        "update_instruction_alone",
        "negative7.dockerfile",
        "`install nginx` is the coreutils `install` command, not a package install",
    ),
    (
        "volume_has_sensitive_host_directory",
        "positive1.yaml",
        "an anonymous volume (`- /var/lib/backup/data`) is not a host path",
    ),
    (
        "volume_has_sensitive_host_directory",
        "positive2.yaml",
        "`/var/lib/backup` is not in the CIS list of sensitive host folders",
    ),
    (
        "volume_has_sensitive_host_directory",
        "positive3.yaml",
        "`/var/data` of a `local-persist` volume is not in the CIS list",
    ),
];

fn corpus() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("DHLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("skipped: set DHLINT_CORPUS to a folder with peers/kics to compare with KICS");
        return None;
    };
    let kics = dir.join("peers/kics");
    if kics.is_dir() {
        Some(kics)
    } else {
        eprintln!("skipped: {} does not exist", kics.display());
        None
    }
}

/// Settings with every rule selected, including the rules that are off by default.
fn all_rules() -> Arc<Settings> {
    let overrides = Overrides {
        select: Some(vec!["ALL".to_owned()]),
        ..Overrides::default()
    };
    Arc::new(Settings::resolve(&ConfigFile::default(), None, Path::new("."), &overrides).unwrap())
}

/// Lists the samples of a query's `test/` folder whose names start with `prefix`, sorted.
fn samples(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir.join("test")) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && !name.ends_with(".json")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn kics_samples_agree() {
    let Some(kics) = corpus() else {
        return;
    };
    let settings = all_rules();
    let known: Vec<&str> = dhlint::rules::RULES.iter().map(|r| r.code).collect();
    let mut table = String::from(
        "| KICS query | dhlint | positives flagged | negatives clean | known differences |\n\
         | --- | --- | ---: | ---: | ---: |\n",
    );
    let mut unexpected = Vec::new();
    let mut used_differences = 0;
    for query in QUERIES {
        if !query.codes.iter().all(|code| known.contains(code)) {
            continue;
        }
        let folder = match query.kind {
            FileKind::Compose => "dockerCompose",
            _ => "dockerfile",
        };
        let dir = kics.join(folder).join(query.folder);
        let positives = samples(&dir, "positive");
        let negatives = samples(&dir, "negative");
        assert!(
            !positives.is_empty(),
            "no samples in {}; is the KICS copy complete?",
            dir.display()
        );
        let mut counts = [0usize; 3];
        for (sample, positive) in positives
            .iter()
            .map(|p| (p, true))
            .chain(negatives.iter().map(|n| (n, false)))
        {
            let text = fs::read_to_string(sample).unwrap();
            let options = LintOptions {
                settings: settings.clone(),
                ..LintOptions::default()
            };
            let flagged = lint_text_with(query.kind, &text, &options)
                .iter()
                .any(|d| query.codes.contains(&d.rule.code));
            let name = sample.file_name().unwrap().to_string_lossy().into_owned();
            let difference = DIFFERENCES
                .iter()
                .find(|(q, file, _)| *q == query.folder && *file == name);
            if flagged == positive {
                counts[usize::from(!positive)] += 1;
                assert!(
                    difference.is_none(),
                    "{}/{name} now agrees with KICS; remove it from DIFFERENCES",
                    query.folder
                );
            } else if difference.is_some() {
                counts[2] += 1;
                used_differences += 1;
            } else {
                let verdict = if positive { "not flagged" } else { "flagged" };
                unexpected.push(format!("{}/{name}: {verdict}", query.folder));
            }
        }
        let _ = writeln!(
            table,
            "| `{}` | {} | {}/{} | {}/{} | {} |",
            query.folder,
            query.codes.join(", "),
            counts[0],
            positives.len(),
            counts[1],
            negatives.len(),
            counts[2],
        );
    }
    eprintln!("{table}");
    assert!(
        unexpected.is_empty(),
        "samples where dhlint and KICS disagree without a known reason:\n{}",
        unexpected.join("\n")
    );
    assert_eq!(
        used_differences,
        DIFFERENCES.len(),
        "DIFFERENCES lists samples that do not exist"
    );
}
