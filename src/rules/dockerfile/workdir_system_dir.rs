//! DH216 workdir-system-dir: `WORKDIR` in a folder the system owns, such as `/proc` or `/etc`.

use crate::compose::volumes::{clean_path, is_under};
use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Dockerfile, Stage};
use crate::rules::{RuleMeta, Target, rule_doc};

/// DH216 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH216",
    name: "workdir-system-dir",
    target: Target::Dockerfile,
    severity: Severity::Info,
    enabled: true,
    cis: None,
    doc: rule_doc!("DH216"),
};

/// Folders that belong to the kernel or the system configuration.
const SYSTEM_DIRS: &[&str] = &[
    "/proc",
    "/boot",
    "/dev",
    "/initrd",
    "/lost+found",
    "/sys",
    "/etc",
];

/// Returns the system folder that `path` is or is under, after removing repeated and trailing
/// slashes and `.` components.
pub fn system_dir(path: &str) -> Option<&'static str> {
    if !path.starts_with('/') {
        return None;
    }
    let path = clean_path(path);
    SYSTEM_DIRS.iter().copied().find(|dir| is_under(&path, dir))
}

/// DH216: flags a `WORKDIR` equal to or under a system folder, with variables expanded.
pub fn check(file: &Dockerfile, stages: &[Stage], out: &mut Vec<Diagnostic>) {
    for stage in stages {
        for index in stage.instructions.clone() {
            let instruction = &file.instructions[index];
            if !instruction.is("WORKDIR") {
                continue;
            }
            let Some(text) = instruction.args.shell() else {
                continue;
            };
            let raw = text.text.trim();
            let Some(path) = file.expand_at(stages, stage.index, index, raw) else {
                continue;
            };
            if let Some(dir) = system_dir(&path) {
                out.push(
                    Diagnostic::new(
                        &META,
                        text.span(),
                        format!("`WORKDIR {raw}` is in the system folder `{dir}`"),
                    )
                    .with_label("system folder")
                    .with_help("Use a folder of the application, such as `/app` or `/srv/app`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_paths() {
        assert_eq!(system_dir("/etc"), Some("/etc"));
        assert_eq!(system_dir("/etc/nginx/"), Some("/etc"));
        assert_eq!(system_dir("//proc/1"), Some("/proc"));
        assert_eq!(system_dir("/app/../dev"), Some("/dev"));
        assert_eq!(system_dir("/lost+found"), Some("/lost+found"));
        assert_eq!(system_dir("/etcetera"), None);
        assert_eq!(system_dir("/app"), None);
        assert_eq!(system_dir("etc"), None);
        assert_eq!(system_dir("/"), None);
    }
}
