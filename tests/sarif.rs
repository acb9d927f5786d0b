//! SARIF and GitHub annotation output: schema validity, fingerprints, escaping.

// Tests unwrap freely.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use serde_json::Value;

fn dhlint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("dhlint").expect("binary is built");
    cmd.env("RUST_LOG", "off");
    cmd
}

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn sarif_of(dir: &Path) -> Value {
    let output = dhlint()
        .current_dir(dir)
        .args(["--format", "sarif", "."])
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).expect("SARIF output is JSON")
}

/// Asserts that `log` is valid against the official SARIF 2.1.0 schema.
fn assert_valid(log: &Value) {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
}

const HARDENED: &str = "services:\n  web:\n    image: nginx:1.27\n    read_only: true\n    \
    cap_drop: [ALL]\n    security_opt: [no-new-privileges]\n    mem_limit: 64m\n    \
    pids_limit: 10\n    cpus: 0.5\n    logging: {driver: local}\n    \
    healthcheck: {test: [CMD, /healthcheck]}\n    user: \"101\"\n";

#[test]
fn clean_run_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", HARDENED);
    let log = sarif_of(dir.path());
    assert_valid(&log);
    let run = &log["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 0);
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "dhlint");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn schema_check_rejects_a_broken_log() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        &HARDENED.replace("    read_only: true\n", ""),
    );
    let mut log = sarif_of(dir.path());
    log["version"] = Value::from("2.0.0");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    let result = std::panic::catch_unwind(|| assert_valid(&log));
    assert!(result.is_err(), "the schema check accepted an invalid log");
}

#[test]
fn findings_in_several_files_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app one/compose.yaml",
        &HARDENED.replace("    read_only: true\n", ""),
    );
    write(
        dir.path(),
        "api/Dockerfile",
        "FROM alpine:3.20\nENV DB_PASSWORD=Quartz-Lantern-44\n",
    );
    write(
        dir.path(),
        "host/daemon.json",
        "{\n  \"hosts\": [\"tcp://0.0.0.0:2375\"],\n  \"log-level\": \"debug\"\n}\n",
    );
    let log = sarif_of(dir.path());
    assert_valid(&log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 3, "{results:#?}");
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(result["partialFingerprints"]["dhlint/v1"].is_string());
    }
    let dh301 = results.iter().find(|r| r["ruleId"] == "DH301").unwrap();
    assert_eq!(
        dh301["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "host/daemon.json"
    );
    assert_eq!(dh301["level"], "error");
    let dh101 = results.iter().find(|r| r["ruleId"] == "DH101").unwrap();
    assert_eq!(
        dh101["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app%20one/compose.yaml"
    );
    assert_eq!(dh101["level"], "warning");
    let replacement = &dh101["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        replacement["insertedContent"]["text"],
        "    read_only: true\n"
    );
    let rule = rules.iter().find(|r| r["id"] == "DH101").unwrap();
    assert_eq!(rule["properties"]["security-severity"], "5.0");
    assert!(
        rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("CIS-Docker-5.13"))
    );
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with("# DH101 read-only-rootfs")
    );
    assert!(
        !serde_json::to_string(&log)
            .unwrap()
            .contains("Quartz-Lantern-44")
    );
}

#[test]
fn parse_error_is_a_notification() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad/compose.yaml",
        "services:\n  web: [unclosed\n",
    );
    write(
        dir.path(),
        "good/Dockerfile",
        "FROM alpine:3.20\nUSER root\n",
    );
    let output = dhlint()
        .current_dir(dir.path())
        .args(["--format", "sarif", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(notification["associatedRule"]["id"], "DH001");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let codes: Vec<_> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DH001", "DH201"]);
}

#[test]
fn invalid_daemon_json_is_notification() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "daemon.json", "{\n  \"icc\": false,\n}\n");
    let output = dhlint()
        .current_dir(dir.path())
        .args(["--format", "sarif", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["associatedRule"]["id"], "DH320");
}

#[test]
fn fingerprints_survive_a_line_inserted_above() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres:16.4\n";
    write(dir.path(), "compose.yaml", compose);
    let fingerprints = |log: &Value| -> Vec<(String, String, u64)> {
        let mut all: Vec<_> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["partialFingerprints"]["dhlint/v1"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect();
        all.sort();
        all
    };
    let before = fingerprints(&sarif_of(dir.path()));
    write(
        dir.path(),
        "compose.yaml",
        &format!("# staging stack\n{compose}"),
    );
    let after = fingerprints(&sarif_of(dir.path()));
    assert_eq!(before.len(), after.len());
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(old.0, new.0);
        assert_eq!(old.1, new.1, "fingerprint of {} changed", old.0);
        assert_eq!(old.2 + 1, new.2, "the line should move");
    }
    let unique: std::collections::HashSet<_> = before.iter().map(|f| &f.1).collect();
    assert_eq!(unique.len(), before.len(), "fingerprints must be distinct");
}

#[test]
fn github_annotations_escape_names_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let name = "odd, name: 50%/compose.yaml";
    write(
        dir.path(),
        name,
        &HARDENED.replace("    read_only: true\n", ""),
    );
    let output = dhlint()
        .current_dir(dir.path())
        .args(["--format", "github", "."])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let line = stdout.lines().find(|l| l.contains("DH101")).unwrap();
    assert!(
        line.starts_with("::warning file=odd%2C name%3A 50%25/compose.yaml,line=2,col=3,endLine=2,endColumn=6,title=DH101 read-only-rootfs::"),
        "{line}"
    );
    // The help is on a second line of the message, encoded as %0A.
    assert!(
        line.contains("filesystem%0ASet `read_only: true`"),
        "{line}"
    );
    assert_eq!(stdout.lines().count(), 1);
}

#[test]
fn output_file_and_statistics() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  a:\n    image: x:1\n  b:\n    image: y:1\n",
    );
    let report = dir.path().join("out/report.sarif");
    fs::create_dir_all(report.parent().unwrap()).unwrap();
    dhlint()
        .current_dir(dir.path())
        .args(["--format", "sarif", "--output", "out/report.sarif", "."])
        .assert()
        .code(1)
        .stdout("");
    let log: Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    assert_valid(&log);
    let stats = dhlint()
        .current_dir(dir.path())
        .args(["--statistics", "."])
        .output()
        .unwrap();
    let stats = String::from_utf8(stats.stdout).unwrap();
    assert!(
        stats.contains("     2  DH101  read-only-rootfs (2 fixable)"),
        "{stats}"
    );
}

#[test]
fn project_places_are_related_locations() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/compose.yaml",
        "services:\n  web:\n    extends:\n      file: ../common/base.yaml\n      service: base\n    \
         image: nginx:1.27\n    <<: &shared\n      read_only: false\n",
    );
    write(
        dir.path(),
        "common/base.yaml",
        "services:\n  base:\n    privileged: true\n",
    );
    let log = sarif_of(dir.path());
    assert_valid(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let privileged = results
        .iter()
        .find(|r| r["ruleId"] == "DH108")
        .expect("DH108 is reported at the service's extends");
    let related = privileged["relatedLocations"].as_array().unwrap();
    let base = related
        .iter()
        .find(|l| l["physicalLocation"]["artifactLocation"]["uri"] == "common/base.yaml")
        .expect("the base file is a related location");
    assert_eq!(base["physicalLocation"]["region"]["startLine"], 3);
    assert_eq!(base["physicalLocation"]["region"]["startColumn"], 17);
}
