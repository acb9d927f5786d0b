//! The command-line contract: exit codes, output formats, discovery and error handling.

// Tests unwrap freely and print skip notices to stderr.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use predicates::prelude::*;
use serde_json::Value;

fn dhlint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("dhlint").expect("binary is built");
    cmd.env_remove("NO_COLOR").env("RUST_LOG", "off");
    cmd
}

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

const HARDENED: &str = "services:\n  web:\n    image: nginx:1.27\n    read_only: true\n    \
    cap_drop: [ALL]\n    security_opt: [no-new-privileges]\n    mem_limit: 64m\n    \
    pids_limit: 10\n    cpus: 0.5\n    logging: {driver: local}\n    \
    healthcheck: {test: [CMD, /healthcheck]}\n    user: \"101\"\n";

fn json_findings(output: &[u8]) -> Vec<Value> {
    serde_json::from_slice::<Value>(output)
        .expect("valid JSON")
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn clean_project_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", HARDENED);
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nUSER 10001\n");
    dhlint()
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Checked 2 files: no findings."));
}

#[test]
fn findings_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nUSER root\n");
    dhlint()
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DH201 final-user-root"))
        .stdout(predicate::str::contains("Dockerfile:2:6"));
}

#[test]
fn missing_path_exits_two_with_its_name() {
    dhlint()
        .arg("does/not/exist")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does/not/exist"))
        .stderr(predicate::str::contains("no such file or directory"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    dhlint().arg("--no-such-flag").assert().code(2);
}

#[test]
fn parse_error_in_one_file_still_lints_the_others() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/compose.yaml",
        "services:\n  web: [unclosed\n",
    );
    write(dir.path(), "b/Dockerfile", "FROM alpine:3.20\nUSER root\n");
    let output = dhlint()
        .arg(dir.path())
        .args(["--format", "json"])
        .assert()
        .code(2);
    let findings = json_findings(&output.get_output().stdout);
    let codes: Vec<_> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DH001", "DH201"]);
    assert!(
        findings[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("a/compose.yaml")
    );
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid YAML")
    );
}

#[test]
fn json_has_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        &HARDENED.replace("    read_only: true\n", ""),
    );
    let output = dhlint()
        .arg(dir.path())
        .args(["--format", "json"])
        .assert()
        .code(1);
    let findings = json_findings(&output.get_output().stdout);
    assert_eq!(findings.len(), 1);
    let finding = &findings[0];
    assert_eq!(finding["code"], "DH101");
    assert_eq!(finding["name"], "read-only-rootfs");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["column"], 3);
    assert_eq!(finding["end_line"], 2);
    assert_eq!(finding["end_column"], 6);
    assert_eq!(finding["fixable"], true);
    assert_eq!(finding["fix"]["applicability"], "safe");
    assert_eq!(
        finding["fix"]["edits"][0]["content"],
        "    read_only: true\n"
    );
    assert_eq!(
        finding["message"],
        "Service `web` has a writable root filesystem"
    );
    assert!(
        finding["help"]
            .as_str()
            .unwrap()
            .contains("read_only: true")
    );
}

#[test]
fn output_order_does_not_depend_on_threads() {
    // More files than dhlint lints between two writes, so the output spans several chunks.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..200 {
        write(
            dir.path(),
            &format!("svc{i:03}/Dockerfile"),
            "FROM alpine:3.20\n",
        );
        write(
            dir.path(),
            &format!("svc{i:03}/compose.yaml"),
            "services:\n  a:\n    image: x:1\n",
        );
    }
    let run = |format: &str, threads: &str| {
        dhlint()
            .current_dir(dir.path())
            .args(["--format", format, "-j", threads, "--color", "never"])
            .output()
            .unwrap()
            .stdout
    };
    for format in ["human", "json", "sarif", "github"] {
        let single = run(format, "1");
        assert!(!single.is_empty());
        assert_eq!(single, run(format, "4"), "{format}");
        assert_eq!(single, run(format, "0"), "{format}");
    }
    let findings = json_findings(&run("json", "2"));
    // Each Compose file has 9 findings and each Dockerfile 1.
    assert_eq!(findings.len(), 200 * 10);
    let paths: Vec<String> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    let sarif: Value = serde_json::from_slice(&run("sarif", "2")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        200 * 10
    );
}

#[test]
fn gitignore_and_hidden_folders_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "vendor/\n");
    write(dir.path(), "vendor/Dockerfile", "FROM alpine:3.20\n");
    write(dir.path(), ".hidden/Dockerfile", "FROM alpine:3.20\n");
    write(
        dir.path(),
        "app/Dockerfile",
        "FROM alpine:3.20\nUSER 1000\n",
    );
    dhlint()
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Checked 1 file:"));
    dhlint()
        .arg(dir.path())
        .args(["--no-ignore", "--hidden", "--format", "json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("vendor/Dockerfile"))
        .stdout(predicate::str::contains(".hidden/Dockerfile"));
}

#[test]
fn named_file_is_linted_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "build.txt", "FROM alpine:3.20\nUSER root\n");
    write(
        dir.path(),
        "stack.yaml",
        &HARDENED.replace("    read_only: true\n", ""),
    );
    write(
        dir.path(),
        "services.conf",
        &HARDENED.replace("    read_only: true\n", ""),
    );
    // Folders skip names they do not recognise.
    dhlint().arg(dir.path()).assert().code(0);
    dhlint()
        .arg(dir.path().join("build.txt"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DH201"));
    dhlint()
        .arg(dir.path().join("stack.yaml"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DH101"));
    dhlint()
        .arg(dir.path().join("services.conf"))
        .args(["--kind", "compose"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DH101"));
}

#[test]
fn secret_values_never_reach_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  db:\n    image: postgres:16.4\n    environment:\n      \
                   POSTGRES_PASSWORD: Quartz-Lantern-44\n      - X=1\n";
    // The list item after a mapping entry is a YAML error; use a valid file instead.
    let compose = compose.replace("      - X=1\n", "      API_TOKEN: \"Velvet-Otter-19\"\n");
    write(dir.path(), "compose.yaml", &compose);
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nENV SIGNING_SECRET=Maple-Harbor-72\nUSER 1000\n",
    );
    for format in ["human", "json"] {
        let output = dhlint()
            .arg(dir.path())
            .args(["--format", format])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("POSTGRES_PASSWORD"), "{format}: {stdout}");
        for secret in ["Quartz-Lantern-44", "Velvet-Otter-19", "Maple-Harbor-72"] {
            assert!(
                !stdout.contains(secret),
                "{format} output shows {secret}:\n{stdout}"
            );
        }
    }
}

#[test]
fn no_color_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\n");
    let plain = dhlint().arg(dir.path()).output().unwrap().stdout;
    assert!(!plain.contains(&0x1b), "piped output has escape codes");
    let colored = dhlint()
        .arg(dir.path())
        .args(["--color", "always"])
        .output()
        .unwrap()
        .stdout;
    assert!(
        colored.contains(&0x1b),
        "--color always has no escape codes"
    );
}

#[test]
fn quiet_drops_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\n");
    dhlint()
        .arg(dir.path())
        .arg("--quiet")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DH202"))
        .stdout(predicate::str::contains("Checked").not());
}

#[test]
fn closed_pipe_is_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..200 {
        write(
            dir.path(),
            &format!("s{i}/Dockerfile"),
            "FROM alpine:3.20\n",
        );
    }
    let mut child = Command::cargo_bin("dhlint")
        .unwrap()
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end at once, as `dhlint . | head -0` would.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn unreadable_file_is_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/Dockerfile", "FROM alpine:3.20\nUSER 1000\n");
    write(dir.path(), "b/Dockerfile", "FROM alpine:3.20\nUSER root\n");
    let locked = dir.path().join("a/Dockerfile");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        // Running as root: permissions do not stop reads, so there is nothing to test.
        eprintln!("skipped: files stay readable for this user");
        return;
    }
    let output = dhlint()
        .arg(dir.path())
        .args(["--format", "json"])
        .assert()
        .code(2);
    let findings = json_findings(&output.get_output().stdout);
    assert_eq!(findings[0]["code"], "DH001");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("permission denied")
    );
    assert_eq!(findings[1]["code"], "DH201");
}

#[test]
fn demo_project_shows_findings() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let output = dhlint()
        .arg(&demo)
        .args(["--format", "json"])
        .assert()
        .code(1);
    let findings = json_findings(&output.get_output().stdout);
    let codes: std::collections::BTreeSet<_> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect();
    for code in [
        "DH101", "DH102", "DH103", "DH104", "DH105", "DH106", "DH107", "DH201", "DH202", "DH203",
    ] {
        assert!(codes.contains(code), "the demo should show {code}");
    }
}

const UNHARDENED: &str = "# web tier\nservices:\n  web:\n    image: nginx:1.27  # pinned\n    \
    user: \"101\"\n    cpus: 0.5\n    healthcheck: {test: [CMD, /healthcheck]}\n    cap_drop:\n      \
    - NET_RAW\n";

#[test]
fn diff_applies_with_git_and_patch_and_matches_fix() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/compose.yaml", UNHARDENED);
    write(
        dir.path(),
        "app/Dockerfile",
        "FROM alpine:3.20\nUSER 1000\n",
    );
    let diff = dhlint()
        .current_dir(dir.path())
        .arg("--diff")
        .arg("app")
        .assert()
        .code(1);
    let diff = String::from_utf8(diff.get_output().stdout.clone()).unwrap();
    assert!(
        diff.starts_with("--- a/app/compose.yaml\n+++ b/app/compose.yaml\n"),
        "{diff}"
    );
    // --diff changes nothing on disk.
    assert_eq!(
        fs::read_to_string(dir.path().join("app/compose.yaml")).unwrap(),
        UNHARDENED
    );

    let git_copy = tempfile::tempdir().unwrap();
    let patch_copy = tempfile::tempdir().unwrap();
    for copy in [git_copy.path(), patch_copy.path()] {
        write(copy, "app/compose.yaml", UNHARDENED);
        fs::write(copy.join("fix.diff"), &diff).unwrap();
    }
    let git = Command::new("git")
        .args(["apply", "fix.diff"])
        .current_dir(git_copy.path())
        .status()
        .unwrap();
    assert!(git.success(), "git apply failed");
    let patch = Command::new("patch")
        .args(["-p1", "-i", "fix.diff"])
        .current_dir(patch_copy.path())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(patch.success(), "patch -p1 failed");

    dhlint()
        .current_dir(dir.path())
        .arg("--fix")
        .arg("app")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("fixed 6 findings"));
    let fixed = fs::read_to_string(dir.path().join("app/compose.yaml")).unwrap();
    assert_eq!(
        fs::read_to_string(git_copy.path().join("app/compose.yaml")).unwrap(),
        fixed
    );
    assert_eq!(
        fs::read_to_string(patch_copy.path().join("app/compose.yaml")).unwrap(),
        fixed
    );
    assert!(fixed.contains("    image: nginx:1.27  # pinned\n"));
    assert!(fixed.contains("      - NET_RAW\n      - ALL\n"));

    // Nothing is left to fix, and no temporary file is left behind.
    dhlint()
        .current_dir(dir.path())
        .arg("--diff")
        .arg("app")
        .assert()
        .code(0)
        .stdout("");
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("app"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("dhlint"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn fix_keeps_permissions_and_reports_remaining() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    let compose = UNHARDENED.replace("    user: \"101\"\n", "    user: root\n");
    fs::write(&path, &compose).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let output = dhlint()
        .arg(&path)
        .args(["--fix", "--format", "json"])
        .assert()
        .code(1);
    let remaining = json_findings(&output.get_output().stdout);
    let codes: Vec<_> = remaining
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DH106"], "only the root user has no fix");
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn read_only_file_is_left_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    fs::write(&path, UNHARDENED).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    dhlint()
        .arg(&path)
        .arg("--fix")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("compose.yaml"))
        .stderr(predicate::str::contains("read-only"));
    assert_eq!(fs::read_to_string(&path).unwrap(), UNHARDENED);
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nUSER root\n");
    dhlint()
        .current_dir(dir.path())
        .args(["--diff", "."])
        .assert()
        .code(0)
        .stdout("");
    dhlint()
        .current_dir(dir.path())
        .args(["--diff", "--unsafe-fixes", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+USER 65534:65534"));
}

#[test]
fn symlink_is_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("compose.yaml");
    fs::write(&target, UNHARDENED).unwrap();
    let link = dir.path().join("compose.yaml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    dhlint()
        .arg(&link)
        .arg("--fix")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("symlink"));
    assert_eq!(fs::read_to_string(&target).unwrap(), UNHARDENED);
}

#[test]
fn secrets_are_hidden_in_every_excerpt() {
    let dir = tempfile::tempdir().unwrap();
    // A duplicate key, a YAML error and a Dockerfile error all show source excerpts.
    write(
        dir.path(),
        "dup/compose.yaml",
        "services:\n  db:\n    image: postgres:16.4\n    environment: {DB_PASSWORD: Leak-Dup-1, DB_PASSWORD: Leak-Dup-2}\n",
    );
    write(
        dir.path(),
        "broken/compose.yaml",
        "services:\n  db:\n    environment:\n      DB_PASSWORD: Leak-Parse-1\n      API_TOKEN: \"Leak-Parse-2\n",
    );
    write(
        dir.path(),
        "df/Dockerfile",
        "FROM alpine:3.20\nARG TOKEN=Leak-Df-1\nRUN curl -u admin:Leak-Df-2 https://example.com\nBOGUS x\n",
    );
    let output = dhlint()
        .arg(dir.path())
        .args(["--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("DH003"), "{stdout}");
    assert!(stdout.contains("DH001"), "{stdout}");
    assert!(
        !stdout.contains("Leak-"),
        "a secret reached the output:\n{stdout}"
    );
}

#[test]
fn password_mask_keeps_user_names() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM debian:12-slim\nRUN useradd -m --password=Leak-Pw-1 app3\n\
         RUN useradd -mpLeak-Pw-2 app4\nRUN usermod --password \"Leak Pw 3\" app5\n\
         RUN [\"sh\", \"-c\", \"useradd --password=Leak-Pw-4 app6\"]\nUSER 10001:10001\n",
    );
    let output = dhlint()
        .arg(dir.path())
        .args(["--color", "never", "--select", "DH213"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        !stdout.contains("Leak"),
        "a password reached the output:\n{stdout}"
    );
    for masked_line in [
        "--password=********* app3",
        "-mp********* app4",
        "--password *********** app5",
        "--password=********* app6",
    ] {
        assert!(
            stdout.contains(masked_line),
            "`{masked_line}` is not in the output:\n{stdout}"
        );
    }
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    // A hardened service without `user:` gets only an info finding.
    write(
        dir.path(),
        "compose.yaml",
        &HARDENED.replace("    user: \"101\"\n", ""),
    );
    dhlint()
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DH106"));
    dhlint()
        .arg(dir.path())
        .args(["--fail-on", "warning"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("DH106"));
    dhlint()
        .arg(dir.path())
        .args(["--fail-on", "fatal"])
        .assert()
        .code(2);
}

#[test]
fn empty_tree_warns_that_nothing_was_found() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# nothing here\n");
    dhlint()
        .arg(dir.path())
        .env("RUST_LOG", "warn")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "no Compose files, Dockerfiles or daemon.json files found",
        ));
}

/// Collects the DH107 findings of a JSON report as (severity, message) pairs.
fn dh107(output: &[u8]) -> Vec<(String, String)> {
    json_findings(output)
        .iter()
        .filter(|f| f["code"] == "DH107")
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const NO_PRIVILEGE_GAIN: &str = "{\n  \"no-new-privileges\": true\n}\n";
const PLAIN_SERVICE: &str = "services:\n  api:\n    image: nginx:1.27\n";

#[test]
fn daemon_json_satisfies_no_new_privileges() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "daemon.json", NO_PRIVILEGE_GAIN);
    write(dir.path(), "compose.yaml", PLAIN_SERVICE);
    let output = dhlint()
        .current_dir(dir.path())
        .args(["--no-config", "--format", "json", "."])
        .output()
        .unwrap();
    let found = dh107(&output.stdout);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "info");
    assert!(found[0].1.contains("`daemon.json`"), "{}", found[0].1);
    let daemon_findings: Vec<Value> = json_findings(&output.stdout)
        .into_iter()
        .filter(|f| f["path"] == "daemon.json")
        .collect();
    assert!(
        daemon_findings.iter().all(|f| f["code"] != "DH303"),
        "{daemon_findings:?}"
    );
}

#[test]
fn daemon_json_satisfies_log_rotation_and_port_binding() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = "{\n  \"ip\": \"127.0.0.1\",\n  \"log-opts\": {\"max-size\": \"10m\"}\n}\n";
    let compose = "services:\n  api:\n    image: nginx:1.27\n    ports: [\"8080:80\", \"0.0.0.0:8443:443\"]\n";
    write(dir.path(), "daemon.json", daemon);
    write(dir.path(), "compose.yaml", compose);
    let findings = |dir: &Path| {
        let output = dhlint()
            .current_dir(dir)
            .args([
                "--no-config",
                "--format",
                "json",
                "--select",
                "DH123,DH126",
                ".",
            ])
            .output()
            .unwrap();
        json_findings(&output.stdout)
            .iter()
            .map(|f| {
                let code = f["code"].as_str().unwrap();
                let severity = f["severity"].as_str().unwrap();
                format!("{code} {severity} {}", f["message"].as_str().unwrap())
            })
            .collect::<Vec<String>>()
    };
    let with_daemon = findings(dir.path());
    assert_eq!(with_daemon.len(), 3, "{with_daemon:?}");
    // The port without a host IP and the missing logging become notes naming the file. The
    // explicit wildcard address stays a warning, because the daemon's default does not apply.
    // Findings come in position order: the service's name, then its two ports.
    assert!(with_daemon[0].starts_with("DH126 info"), "{with_daemon:?}");
    assert!(with_daemon[0].contains("`daemon.json`"), "{with_daemon:?}");
    assert!(with_daemon[1].starts_with("DH123 info"), "{with_daemon:?}");
    assert!(with_daemon[1].contains("`daemon.json`"), "{with_daemon:?}");
    assert!(
        with_daemon[2].starts_with("DH123 warning"),
        "{with_daemon:?}"
    );

    fs::remove_file(dir.path().join("daemon.json")).unwrap();
    let alone = findings(dir.path());
    assert_eq!(alone.len(), 3, "{alone:?}");
    assert!(alone.iter().all(|f| f.contains(" warning ")), "{alone:?}");
}

#[test]
fn invalid_daemon_json_always_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "daemon.json",
        "{\n  // comment\n  \"icc\": false\n}\n",
    );
    for selection in [["--select", "DH304"], ["--ignore", "DH320"]] {
        let output = dhlint()
            .current_dir(dir.path())
            .args(["--no-config", "--format", "json"])
            .args(selection)
            .arg("daemon.json")
            .output()
            .unwrap();
        // Like a Compose file that is not YAML, the file was not checked: exit 2.
        assert_eq!(output.status.code(), Some(2), "{selection:?}");
        let findings = json_findings(&output.stdout);
        assert_eq!(findings.len(), 1, "{selection:?}: {findings:?}");
        assert_eq!(findings[0]["code"], "DH320");
        assert_eq!(findings[0]["line"], 2);
    }
}

#[test]
fn daemon_config_option_adds_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "hosts/prod.json", NO_PRIVILEGE_GAIN);
    write(dir.path(), "app/compose.yaml", PLAIN_SERVICE);
    let with_option = dhlint()
        .current_dir(dir.path())
        .args(["--no-config", "--format", "json", "app"])
        .args(["--daemon-config", "hosts/prod.json"])
        .output()
        .unwrap();
    let found = dh107(&with_option.stdout);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "info");
    assert!(found[0].1.contains("hosts/prod.json"), "{}", found[0].1);
    let kinds: Vec<Value> = json_findings(&with_option.stdout)
        .iter()
        .filter(|f| f["path"] == "hosts/prod.json")
        .map(|f| f["code"].clone())
        .collect();
    assert!(!kinds.is_empty(), "the daemon configuration is linted too");
    let without_option = dhlint()
        .current_dir(dir.path())
        .args(["--no-config", "--format", "json", "app"])
        .output()
        .unwrap();
    let found = dh107(&without_option.stdout);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "warning");
}

#[test]
fn daemon_json_that_does_not_load_satisfies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "daemon.json",
        "{\n  \"no-new-privileges\": true,\n}\n",
    );
    write(dir.path(), "compose.yaml", PLAIN_SERVICE);
    let output = dhlint()
        .current_dir(dir.path())
        .args(["--no-config", "--format", "json", "."])
        .output()
        .unwrap();
    let found = dh107(&output.stdout);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "warning");
}

#[test]
fn missing_daemon_config_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    dhlint()
        .current_dir(dir.path())
        .args(["--no-config", "--daemon-config", "absent.json", "."])
        .assert()
        .code(2);
}

#[test]
fn one_file_reached_twice_is_linted_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/Dockerfile", "FROM alpine:3.20\n");
    let again = dir.path().join("app/../app");
    let output = dhlint()
        .arg(dir.path().join("app"))
        .arg(&again)
        .args(["--format", "json"])
        .output();
    assert_eq!(json_findings(&output.unwrap().stdout).len(), 1);
}

#[test]
fn broken_symlink_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("Dockerfile");
    std::os::unix::fs::symlink(dir.path().join("missing"), &link).unwrap();
    dhlint()
        .arg(&link)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken symlink"));
}

#[test]
fn override_file_reports_only_what_it_sets() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", HARDENED);
    write(
        dir.path(),
        "compose.override.yaml",
        "services:\n  web:\n    ports: [\"127.0.0.1:8080:80\"]\n",
    );
    dhlint().arg(dir.path()).assert().code(0);
    dhlint().arg(dir.path()).arg("--fix").assert().code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("compose.override.yaml")).unwrap(),
        "services:\n  web:\n    ports: [\"127.0.0.1:8080:80\"]\n"
    );
}

#[test]
fn kind_daemon_reads_any_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "engine.conf", "{\n  \"icc\": true\n}\n");
    write(dir.path(), "engine.json", "{\n  \"icc\": true\n}\n");
    for (file, kind) in [("engine.conf", Some("daemon")), ("engine.json", None)] {
        let mut command = dhlint();
        command
            .current_dir(dir.path())
            .args(["--no-config", "--format", "json", file]);
        if let Some(kind) = kind {
            command.args(["--kind", kind]);
        }
        let output = command.output().unwrap();
        let codes: Vec<Value> = json_findings(&output.stdout)
            .iter()
            .map(|f| f["code"].clone())
            .collect();
        assert!(codes.contains(&Value::from("DH305")), "{file}: {codes:?}");
    }
}

#[test]
fn rules_lists_daemon_rules() {
    let output = dhlint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules = json_findings(&output.stdout);
    let dh320 = rules.iter().find(|r| r["code"] == "DH320").unwrap();
    assert_eq!(dh320["target"], "daemon");
    let dh314 = rules.iter().find(|r| r["code"] == "DH314").unwrap();
    assert_eq!(dh314["enabled"], false);
}

#[test]
fn missing_env_file_option_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", HARDENED);
    dhlint()
        .current_dir(dir.path())
        .args(["--env-file", "missing.env", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--env-file missing.env"));
}

#[test]
fn env_file_fix_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# dhlint: ignore[DH105] nothing to hide here\nLOG_LEVEL=info\n";
    write(dir.path(), "app.env", text);
    dhlint()
        .current_dir(dir.path())
        .args(["--fix", "--kind", "env", "app.env"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DH002"))
        .stderr(predicate::str::contains("bug").not());
    assert_eq!(
        fs::read_to_string(dir.path().join("app.env")).unwrap(),
        text
    );
}

#[cfg(unix)]
#[test]
fn fifo_env_file_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    env_file: fifo.env\n",
    );
    let status = Command::new("mkfifo")
        .arg(dir.path().join("fifo.env"))
        .status()
        .unwrap();
    assert!(status.success());
    // Reading the FIFO would block until a writer opens it, which never happens here.
    dhlint()
        .current_dir(dir.path())
        .args(["--select", "DH004", "."])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not a regular file"));
}

#[test]
fn doubling_env_values_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = String::from("K0=abcdefgh\n");
    for i in 1..64 {
        env.push_str(&format!("K{i}=${{K{}}}${{K{}}}\n", i - 1, i - 1));
    }
    write(dir.path(), ".env", &env);
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    read_only: ${K63}\n",
    );
    // Each variable doubles the one before, so the last would take 2^66 bytes if expanded.
    dhlint()
        .current_dir(dir.path())
        .args(["--select", "DH101", "--format", "json", "."])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("K63"));
}

#[test]
fn statistics_separate_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    );
    dhlint()
        .current_dir(dir.path())
        .args(["--statistics", "--select", "DH101,DH108", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "DH101  read-only-rootfs (1 fixable)",
        ))
        .stdout(predicate::str::contains(
            "DH108  privileged (1 fixable with --unsafe-fixes)",
        ));
}
