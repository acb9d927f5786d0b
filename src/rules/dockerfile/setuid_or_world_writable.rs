//! DH212 setuid-or-world-writable: `chmod` or `--chmod=` modes that set the setuid or setgid
//! bit, or make files writable by everyone.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{Command, Dockerfile, program_name};
use crate::rules::{RuleMeta, Target, rule_doc};
use crate::source::Span;

use super::instructions::{RunCommands, with_triggers};

/// DH212 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH212",
    name: "setuid-or-world-writable",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.8"),
    doc: rule_doc!("DH212"),
};

/// The risky permissions a file mode grants.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Grants {
    /// The setuid or setgid bit.
    pub setid: bool,
    /// Write permission for others, without the sticky bit that `/tmp` uses.
    pub world_writable: bool,
}

/// Reads a `chmod` mode: octal (`4755`, `0777`) or symbolic (`u+s,o+w`). The sticky bit
/// (`1777`, `+t`) makes a world-writable directory the usual shared temporary folder, which
/// is not reported.
pub fn mode_grants(mode: &str) -> Grants {
    if !mode.is_empty() && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let Ok(bits) = u32::from_str_radix(mode, 8) else {
            return Grants::default();
        };
        return Grants {
            setid: bits & 0o6000 != 0,
            world_writable: bits & 0o002 != 0 && bits & 0o1000 == 0,
        };
    }
    let mut grants = Grants::default();
    let mut sticky = false;
    for clause in mode.split(',') {
        let Some(op_at) = clause.find(['+', '=', '-']) else {
            return Grants::default();
        };
        let who = &clause[..op_at];
        if !who.chars().all(|c| matches!(c, 'u' | 'g' | 'o' | 'a')) {
            return Grants::default();
        }
        // A clause can hold several operations, such as `u+x-w`.
        let mut rest = &clause[op_at..];
        while let Some(op) = rest.chars().next() {
            let end = rest[1..]
                .find(['+', '=', '-'])
                .map_or(rest.len(), |i| i + 1);
            let perms = &rest[1..end];
            rest = &rest[end..];
            if op == '-' {
                continue;
            }
            let all = who.is_empty() || who.contains('a');
            if perms.contains('s') && (all || who.contains('u') || who.contains('g')) {
                grants.setid = true;
            }
            // Without `who`, `+w` follows the umask, which normally keeps others out.
            if perms.contains('w') && (who.contains('a') || who.contains('o')) {
                grants.world_writable = true;
            }
            if perms.contains('t') {
                sticky = true;
            }
        }
    }
    grants.world_writable &= !sticky;
    grants
}

fn describe(grants: Grants) -> &'static str {
    match (grants.setid, grants.world_writable) {
        (true, true) => "sets the setuid or setgid bit and makes files writable by everyone",
        (true, false) => "sets the setuid or setgid bit",
        _ => "makes files writable by everyone",
    }
}

fn diagnostic(span: Span, subject: String, grants: Grants) -> Diagnostic {
    Diagnostic::new(&META, span, format!("{subject} {}", describe(grants)))
        .with_label("risky mode")
        .with_help(
            "Grant only what the program needs, such as `755` for programs and `644` for data; \
             give a writable folder to the runtime user with `chown` instead of `777`",
        )
}

/// DH212: flags `chmod` in `RUN` (also run by a wrapper such as `sudo` or `xargs`, or by
/// `find -exec`) and `--chmod=` on `COPY`/`ADD` with setuid, setgid or world-writable modes.
pub fn check(file: &Dockerfile, runs: &RunCommands, out: &mut Vec<Diagnostic>) {
    for instruction in with_triggers(file) {
        if !instruction.is("COPY") && !instruction.is("ADD") {
            continue;
        }
        let Some(flag) = instruction.flag("chmod") else {
            continue;
        };
        let grants = mode_grants(flag.value.as_deref().unwrap_or(""));
        if grants != Grants::default() {
            let subject = format!(
                "`{} --chmod={}`",
                instruction.keyword,
                flag.value.as_deref().unwrap_or("")
            );
            out.push(diagnostic(flag.span, subject, grants));
        }
    }
    let chmods = runs
        .commands()
        .flat_map(Command::final_commands)
        .filter(|words| program_name(&words[0].text) == "chmod");
    for words in chmods {
        let args = &words[1..];
        // The mode is the first argument that is not an option; `-w` alone is a mode too.
        let Some(mode) = args.iter().find(|word| {
            !word.text.starts_with("--")
                && !matches!(
                    word.text.as_str(),
                    "-R" | "-v" | "-c" | "-f" | "-h" | "-H" | "-L" | "-P"
                )
        }) else {
            continue;
        };
        let grants = mode_grants(&mode.text);
        if grants != Grants::default() {
            out.push(diagnostic(
                mode.span,
                format!("`chmod {}`", mode.text),
                grants,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(setid: bool, world_writable: bool) -> Grants {
        Grants {
            setid,
            world_writable,
        }
    }

    #[test]
    fn octal_modes() {
        assert_eq!(mode_grants("4755"), grants(true, false));
        assert_eq!(mode_grants("2755"), grants(true, false));
        assert_eq!(mode_grants("6755"), grants(true, false));
        assert_eq!(mode_grants("777"), grants(false, true));
        assert_eq!(mode_grants("0777"), grants(false, true));
        assert_eq!(mode_grants("666"), grants(false, true));
        assert_eq!(mode_grants("1777"), grants(false, false));
        assert_eq!(mode_grants("755"), grants(false, false));
        assert_eq!(mode_grants("0755"), grants(false, false));
    }

    #[test]
    fn symbolic_modes() {
        assert_eq!(mode_grants("u+s"), grants(true, false));
        assert_eq!(mode_grants("g+s"), grants(true, false));
        assert_eq!(mode_grants("+s"), grants(true, false));
        assert_eq!(mode_grants("o+w"), grants(false, true));
        assert_eq!(mode_grants("a+rwx"), grants(false, true));
        assert_eq!(mode_grants("u+x,o+w"), grants(false, true));
        assert_eq!(mode_grants("a+w,+t"), grants(false, false));
        assert_eq!(mode_grants("u-s"), grants(false, false));
        assert_eq!(mode_grants("+x"), grants(false, false));
        assert_eq!(mode_grants("+w"), grants(false, false));
        assert_eq!(mode_grants("o-w"), grants(false, false));
        assert_eq!(mode_grants("$MODE"), grants(false, false));
    }
}
