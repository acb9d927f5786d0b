//! The GitHub Action: `action.yml`'s `run` step is executed with bash the way GitHub runs a
//! composite step, with the step's `env` filled in from the inputs (`${{ inputs.x }}`),
//! `GITHUB_OUTPUT` pointing at a file and the built `dhlint` on `PATH`, against a small
//! repository. The build and cache steps need GitHub's runners and are not run here.

// Tests unwrap freely.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use dhlint::yaml::Tree;

/// The `run` script and `env` of the step with id `id` in `action.yml`.
fn step(id: &str) -> (String, Vec<(String, String)>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let text = fs::read_to_string(path).unwrap();
    let tree = Tree::parse(&text).unwrap();
    let root = tree.documents[0];
    let steps = tree
        .get(tree.get(root, "runs").unwrap().value, "steps")
        .unwrap()
        .value;
    for &item in tree.items(steps) {
        if tree.get(item, "id").and_then(|e| tree.scalar(e.value)) != Some(id) {
            continue;
        }
        let run = tree
            .scalar(tree.get(item, "run").unwrap().value)
            .unwrap()
            .to_owned();
        let env = tree
            .effective_entries(tree.get(item, "env").unwrap().value)
            .into_iter()
            .map(|(name, entry)| (name, tree.scalar(entry.value).unwrap().to_owned()))
            .collect();
        return (run, env);
    }
    panic!("action.yml has no step with id `{id}`");
}

/// Replaces `${{ inputs.name }}` with the given inputs, or the default GitHub would use.
fn substitute(value: &str, inputs: &HashMap<&str, &str>) -> String {
    let trimmed = value.trim();
    let Some(name) = trimmed
        .strip_prefix("${{ inputs.")
        .and_then(|r| r.strip_suffix(" }}"))
    else {
        return value.to_owned();
    };
    inputs.get(name).map_or(String::new(), |v| (*v).to_owned())
}

struct Outcome {
    status: i32,
    stdout: String,
    outputs: String,
}

fn run_action(workspace: &Path, inputs: &HashMap<&str, &str>) -> Outcome {
    let (script, env) = step("run");
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_dhlint"));
    let bin_dir = binary.parent().unwrap();
    let output_file = workspace.join("github_output.txt");
    fs::write(&output_file, "").unwrap();
    let mut command = Command::new("bash");
    command
        .arg("-e")
        .arg("-c")
        .arg(&script)
        .current_dir(workspace)
        .env(
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
        )
        .env("HOME", workspace.join("home"))
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_OUTPUT", &output_file)
        .env("RUST_LOG", "off");
    for (name, value) in env {
        command.env(name, substitute(&value, inputs));
    }
    let output = command.output().unwrap();
    Outcome {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        outputs: fs::read_to_string(output_file).unwrap(),
    }
}

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("deploy")).unwrap();
    fs::write(
        dir.path().join("deploy/compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    user: \"101\"\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nUSER 10001\n",
    )
    .unwrap();
    dir
}

#[test]
fn action_writes_sarif_and_annotations() {
    let repo = repository();
    let inputs = HashMap::from([
        ("paths", "."),
        ("format", "github"),
        ("sarif-file", "results/dhlint.sarif"),
        ("fail-on", "warning"),
        ("diff", "true"),
    ]);
    fs::create_dir_all(repo.path().join("results")).unwrap();
    let outcome = run_action(repo.path(), &inputs);
    assert_eq!(
        outcome.status, 1,
        "findings fail the job:\n{}",
        outcome.stdout
    );
    assert!(
        outcome
            .outputs
            .contains("sarif-file=results/dhlint.sarif\n"),
        "{}",
        outcome.outputs
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(repo.path().join("results/dhlint.sarif")).unwrap(),
    )
    .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "DH101"));
    assert!(
        outcome
            .stdout
            .contains("::warning file=deploy/compose.yaml,line=2,col=3"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("::group::"),
        "the diff group is missing"
    );
    assert!(
        outcome.stdout.contains("+    read_only: true"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn action_passes_below_the_threshold_and_without_sarif() {
    let repo = repository();
    let inputs = HashMap::from([
        ("paths", "Dockerfile deploy"),
        ("format", "github"),
        ("sarif-file", ""),
        ("fail-on", "error"),
        ("diff", "false"),
    ]);
    let outcome = run_action(repo.path(), &inputs);
    assert_eq!(
        outcome.status, 0,
        "warnings stay below `error`:\n{}",
        outcome.stdout
    );
    assert!(outcome.outputs.contains("sarif-file=\n"));
    assert!(!repo.path().join("dhlint.sarif").exists());
    assert!(!outcome.stdout.contains("::group::"));
}

#[test]
fn action_reads_one_path_per_line_and_creates_the_sarif_directory() {
    let repo = repository();
    fs::create_dir_all(repo.path().join("my app")).unwrap();
    fs::write(repo.path().join("my app/Dockerfile"), "FROM alpine:3.20\n").unwrap();
    let inputs = HashMap::from([
        ("paths", "deploy\nmy app\n"),
        ("format", "github"),
        ("sarif-file", "reports/new/dhlint.sarif"),
        ("fail-on", "warning"),
        ("diff", "false"),
    ]);
    let outcome = run_action(repo.path(), &inputs);
    assert_eq!(outcome.status, 1);
    assert!(
        outcome.stdout.contains("file=deploy/compose.yaml"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("file=my app/Dockerfile"),
        "{}",
        outcome.stdout
    );
    assert!(repo.path().join("reports/new/dhlint.sarif").exists());
    assert!(
        outcome
            .outputs
            .contains("sarif-file=reports/new/dhlint.sarif\n")
    );
}
