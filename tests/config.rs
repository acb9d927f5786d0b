//! Configuration files, command-line overrides, inline suppressions and the rule catalogue.

// Tests unwrap freely.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

fn dhlint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("dhlint").expect("binary is built");
    cmd.env("RUST_LOG", "warn");
    cmd
}

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

/// Codes found in `dir`, sorted, with their paths.
fn findings(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let output = dhlint()
        .current_dir(dir)
        .args(["--format", "json"])
        .args(args)
        .arg(".")
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Array(vec![]));
    json.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const BARE: &str = "services:\n  web:\n    image: nginx:1.27\n";

#[test]
fn nearest_config_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dhlint.toml",
        "select = [\"DH101\", \"DH102\"]\n",
    );
    write(dir.path(), "compose.yaml", BARE);
    write(dir.path(), "sub/.dhlint.toml", "select = [\"DH103\"]\n");
    write(dir.path(), "sub/compose.yaml", BARE);
    let found = findings(dir.path(), &[]);
    assert_eq!(
        found,
        [
            ("compose.yaml".to_owned(), "DH101".to_owned()),
            ("compose.yaml".to_owned(), "DH102".to_owned()),
            ("sub/compose.yaml".to_owned(), "DH103".to_owned()),
        ]
    );
    // --config applies one file everywhere; --no-config ignores them all.
    let found = findings(dir.path(), &["--config", "sub/.dhlint.toml"]);
    assert!(found.iter().all(|(_, code)| code == "DH103"));
    assert_eq!(found.len(), 2);
    let found = findings(dir.path(), &["--no-config"]);
    assert!(found.len() > 6, "{found:?}");
}

#[test]
fn command_line_overrides_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dhlint.toml", "ignore = [\"DH106\"]\n");
    write(dir.path(), "compose.yaml", BARE);
    let codes = |args: &[&str]| -> Vec<String> {
        findings(dir.path(), args)
            .into_iter()
            .map(|(_, code)| code)
            .collect()
    };
    assert!(!codes(&[]).contains(&"DH106".to_owned()));
    assert_eq!(
        codes(&["--select", "DH101,cap-drop-all"]),
        ["DH101", "DH102"]
    );
    assert_eq!(
        codes(&["--select", "DH10", "--ignore", "DH103,DH104,DH107"]),
        ["DH101", "DH102"]
    );
    let extended = codes(&["--select", "DH101", "--extend-select", "DH102"]);
    assert_eq!(extended, ["DH101", "DH102"]);
}

#[test]
fn unknown_key_is_an_error_with_line_and_hint() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dhlint.toml",
        "# team settings\nslect = [\"DH101\"]\n",
    );
    write(dir.path(), "compose.yaml", BARE);
    dhlint()
        .current_dir(dir.path())
        .arg(".")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "dhlint.toml:2: unknown key `slect`; did you mean `select`?",
        ));
}

#[test]
fn bad_values_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", BARE);
    for (config, expected) in [
        ("select = \"DH101\"\n", "dhlint.toml:1:"),
        (
            "select = [\"DH1O1\"]\n",
            "unknown rule `DH1O1`; did you mean `DH101`?",
        ),
        ("[severity]\nDH101 = \"fatal\"\n", "dhlint.toml:2:"),
        ("[fix]\nmemory = \"lots\"\n", "invalid [fix] memory `lots`"),
        ("[fix]\nuser = \"0:0\"\n", "[fix] user `0:0` is root"),
        ("exclude = [\"[\"]\n", "invalid glob `[`"),
        (
            "[secrets]\nextra-names = [\"(\"]\n",
            "invalid regular expression `(`",
        ),
    ] {
        write(dir.path(), "dhlint.toml", config);
        dhlint()
            .current_dir(dir.path())
            .arg(".")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn per_file_ignores_severity_exclude_and_fix_values() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dhlint.toml",
        "exclude = [\"vendor/**\"]\n\n[per-file-ignores]\n\"legacy/**\" = [\"DH101\"]\n\n\
         [severity]\nDH106 = \"warning\"\n\n[fix]\nmemory = \"1g\"\npids = 64\n",
    );
    write(dir.path(), "legacy/compose.yaml", BARE);
    write(dir.path(), "app/compose.yaml", BARE);
    write(dir.path(), "vendor/compose.yaml", BARE);
    let found = findings(dir.path(), &[]);
    assert!(
        found.iter().all(|(path, _)| !path.starts_with("vendor/")),
        "{found:?}"
    );
    assert!(found.contains(&("app/compose.yaml".into(), "DH101".into())));
    assert!(!found.contains(&("legacy/compose.yaml".into(), "DH101".into())));
    let output = dhlint()
        .current_dir(dir.path())
        .args(["--format", "json", "app"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let dh106 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DH106")
        .unwrap();
    assert_eq!(dh106["severity"], "warning");
    dhlint()
        .current_dir(dir.path())
        .args(["--fix", "app"])
        .assert()
        .code(1);
    let fixed = fs::read_to_string(dir.path().join("app/compose.yaml")).unwrap();
    assert!(
        fixed.contains("mem_limit: 1g\n") && fixed.contains("pids_limit: 64\n"),
        "{fixed}"
    );
}

#[test]
fn force_exclude_applies_exclude_to_named_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dhlint.toml", "exclude = [\"vendor/**\"]\n");
    write(dir.path(), "vendor/lib/compose.yaml", BARE);
    write(dir.path(), "app/compose.yaml", BARE);
    let paths = |args: &[&str]| {
        let output = dhlint()
            .current_dir(dir.path())
            .args(["--format", "json"])
            .args(args)
            .args(["vendor/lib/compose.yaml", "app/compose.yaml"])
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut paths: Vec<String> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_owned())
            .collect();
        paths.dedup();
        paths
    };
    // A file named on the command line is linted even when excluded, unless --force-exclude.
    assert_eq!(paths(&[]), ["app/compose.yaml", "vendor/lib/compose.yaml"]);
    assert_eq!(paths(&["--force-exclude"]), ["app/compose.yaml"]);
}

#[test]
fn secret_names_and_nonroot_bases() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dhlint.toml",
        "[secrets]\nextra-names = [\"^ACME_.*_PIN$\"]\nallowed-names = [\"LICENSE_KEY\"]\n\n\
         [dockerfile]\nnonroot-bases = [\"gcr.io/distroless/*:nonroot\"]\n",
    );
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    environment:\n      ACME_CARD_PIN: \"1234\"\n      LICENSE_KEY: community\n",
    );
    write(
        dir.path(),
        "Dockerfile",
        "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n",
    );
    let found = findings(dir.path(), &["--select", "DH105,DH202"]);
    assert_eq!(found, [("compose.yaml".to_owned(), "DH105".to_owned())]);
    let output = dhlint()
        .current_dir(dir.path())
        .args(["--format", "json", "--select", "DH105", "."])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("ACME_CARD_PIN")
    );
}

#[test]
fn config_command_shows_sources() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dhlint.toml",
        "select = [\"DH1\"]\n[fix]\nmemory = \"1g\"\n",
    );
    dhlint()
        .current_dir(dir.path())
        .arg("config")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("configuration file: "))
        .stdout(predicate::str::contains("fix.memory: 1g  ("))
        .stdout(predicate::str::contains("dhlint.toml)"))
        .stdout(predicate::str::contains("fix.pids: 100  (defaults)"));
}

#[test]
fn unused_suppression_is_removed_by_fix() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  web:  # dhlint: ignore[DH999]\n    image: nginx:1.27\n    read_only: true\n    cap_drop: [NET_RAW]  # dhlint: ignore[DH102, DH101] accepted\n    user: \"101\"\n    security_opt: [no-new-privileges]\n    mem_limit: 64m\n    pids_limit: 10\n    cpus: 0.5\n    logging: {driver: local}\n    healthcheck: {test: [CMD, /healthcheck]}\n";
    write(dir.path(), "compose.yaml", compose);
    let codes: Vec<_> = findings(dir.path(), &[])
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    assert_eq!(
        codes,
        ["DH002", "DH002"],
        "DH102 is suppressed; DH101 and DH999 are unused"
    );
    dhlint()
        .current_dir(dir.path())
        .args(["--fix", "."])
        .assert()
        .code(0);
    let fixed = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(fixed.contains("  web:\n"), "{fixed}");
    assert!(
        fixed.contains("cap_drop: [NET_RAW]  # dhlint: ignore[DH102] accepted\n"),
        "{fixed}"
    );
}

#[test]
fn hadolint_comments_suppress_the_same_check() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\n# hadolint ignore=DL3002,DL3008\nUSER root\n",
    );
    assert!(findings(dir.path(), &[]).is_empty());
    write(
        dir.path(),
        "Dockerfile",
        "# hadolint global ignore=DL3002\nFROM alpine:3.20\nUSER root\n",
    );
    assert!(findings(dir.path(), &[]).is_empty());
}

#[test]
fn rules_explain_and_completions() {
    let output = dhlint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&output.stdout).unwrap();
    let dh101 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "DH101")
        .unwrap();
    assert_eq!(dh101["name"], "read-only-rootfs");
    assert_eq!(dh101["fix"], "safe");
    assert_eq!(dh101["cis"], "5.13");
    dhlint()
        .args(["explain", "read-only-rootfs"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("DH101 read-only-rootfs\n"))
        .stdout(predicate::str::contains("WHY IS THIS BAD?"));
    dhlint()
        .args(["explain", "DH1O1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `DH101`?"));
    for shell in ["bash", "zsh", "fish"] {
        dhlint()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("dhlint"));
    }
}

#[test]
fn readme_rule_table_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start -->")
        .expect("README has a rules:start marker");
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has a rules:end marker");
    let table = readme[start..end]
        .trim_start_matches("<!-- rules:start -->")
        .trim();
    let expected = dhlint::commands::rules_table();
    // DHLINT_UPDATE_README=1 writes the current table into the README instead of comparing.
    if std::env::var_os("DHLINT_UPDATE_README").is_some() {
        let updated = format!(
            "{}<!-- rules:start -->\n{}\n{}",
            &readme[..start],
            expected.trim(),
            &readme[end..]
        );
        fs::write(root.join("README.md"), updated).unwrap();
        return;
    }
    assert_eq!(
        table,
        expected.trim(),
        "README rule table is out of date; run the tests with DHLINT_UPDATE_README=1"
    );
}

#[test]
fn compose_file_sets_read_later_files_as_overrides() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    read_only: true\n",
    );
    write(
        dir.path(),
        "compose.prod.yaml",
        "services:\n  web:\n    mem_limit: 1g\n    cap_drop: [NET_RAW]\n",
    );
    let before = findings(dir.path(), &["--select", "DH101,DH102,DH103"]);
    assert!(
        before.contains(&("compose.prod.yaml".into(), "DH101".into())),
        "{before:?}"
    );
    write(
        dir.path(),
        "dhlint.toml",
        "[compose]\nfile-sets = [[\"compose.yaml\", \"compose.prod.yaml\"]]\n",
    );
    let after = findings(dir.path(), &["--select", "DH101,DH102,DH103"]);
    // The override is checked only for what it sets: its cap_drop lacks ALL.
    let prod: Vec<_> = after
        .iter()
        .filter(|(p, _)| p == "compose.prod.yaml")
        .map(|(_, c)| c.as_str())
        .collect();
    assert_eq!(prod, ["DH102"]);
    write(
        dir.path(),
        "dhlint.toml",
        "[compose]\nfile-sets = [[\"compose.yaml\"]]\n",
    );
    dhlint()
        .current_dir(dir.path())
        .arg(".")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("file-sets"));
}

#[test]
fn max_file_size_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!(
        "services:\n  web:\n    image: nginx:1.27\n{}",
        "# padding\n".repeat(120_000)
    );
    write(dir.path(), "compose.yaml", &big);
    write(dir.path(), "dhlint.toml", "max-file-size = 1\n");
    dhlint()
        .current_dir(dir.path())
        .args(["--format", "json", "."])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "larger than the 1048576 byte limit",
        ));
    write(dir.path(), "dhlint.toml", "max-file-size = 2\n");
    dhlint().current_dir(dir.path()).arg(".").assert().code(1);
}

#[test]
fn trusted_registries_and_require_digest() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dhlint.toml",
        "[dockerfile]\nrequire-digest = true\ntrusted-registries = [\"*.example.com\"]\n",
    );
    write(
        dir.path(),
        "Dockerfile",
        "FROM registry.example.com/base/alpine:3.20\nFROM quay.io/acme/tools:1.0@sha256:abc\n",
    );
    let found = findings(dir.path(), &["--select", "DH207,DH208"]);
    assert_eq!(
        found,
        [
            ("Dockerfile".to_owned(), "DH207".to_owned()),
            ("Dockerfile".to_owned(), "DH208".to_owned()),
        ]
    );
    dhlint()
        .current_dir(dir.path())
        .args(["config", "Dockerfile"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("dockerfile.require-digest: true"))
        .stdout(predicate::str::contains(
            "dockerfile.trusted-registries: [*.example.com]",
        ));
}

#[test]
fn trusted_registry_pattern_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dhlint.toml",
        "[dockerfile]\ntrusted-registries = [\"registry.*.example.com\"]\n",
    );
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\n");
    dhlint()
        .current_dir(dir.path())
        .arg(".")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid [dockerfile] trusted-registries pattern `registry.*.example.com`",
        ));
}
