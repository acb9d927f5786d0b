//! Commands that run another command given in their arguments: wrappers such as `sudo -u app
//! make` or `xargs -0 chmod 644`, and the `-exec` actions of `find`.

use super::options::{OptionSyntax, parse_options};
use super::shell::{ShellWord, is_assignment, program_name};

/// A command that runs the command in its arguments.
struct Wrapper {
    name: &'static str,
    options: OptionSyntax,
    /// Operands before the command, such as the duration in `timeout 10 make`.
    leading_operands: usize,
}

const fn wrapper(
    name: &'static str,
    short_with_value: &'static str,
    long_with_value: &'static [&'static str],
) -> Wrapper {
    Wrapper {
        name,
        options: OptionSyntax {
            short_with_value,
            long_with_value,
            operand_ends_options: true,
        },
        leading_operands: 0,
    }
}

/// The wrappers and the options of each that take a value (sudo 1.9, OpenBSD doas, GNU
/// coreutils 9, GNU findutils `xargs`, GNU time, bash `exec` and `command`).
/// NOTE: the option lists follow the manual pages and were not checked against the sources, so a
/// missing option makes its value read as the command.
const WRAPPERS: &[Wrapper] = &[
    wrapper(
        "sudo",
        "CDgpRrtTUu",
        &[
            "close-from",
            "chdir",
            "group",
            "host",
            "prompt",
            "chroot",
            "role",
            "type",
            "command-timeout",
            "other-user",
            "user",
        ],
    ),
    wrapper("doas", "Cu", &[]),
    wrapper("env", "CSu", &["chdir", "split-string", "unset"]),
    wrapper("exec", "a", &[]),
    wrapper("command", "", &[]),
    wrapper("nohup", "", &[]),
    wrapper("nice", "n", &["adjustment"]),
    wrapper("time", "fo", &["format", "output"]),
    wrapper(
        "xargs",
        "adEILnPs",
        &[
            "arg-file",
            "delimiter",
            "max-args",
            "max-procs",
            "max-chars",
            "process-slot-var",
        ],
    ),
    wrapper("stdbuf", "eio", &["error", "input", "output"]),
    wrapper("setsid", "", &[]),
    Wrapper {
        leading_operands: 1,
        ..wrapper("timeout", "ks", &["kill-after", "signal"])
    },
];

/// Returns the words of the command that a wrapper runs, given the words from the wrapper's
/// name on. These are the words after the wrapper's options and leading operands, and for `env`
/// after its `NAME=value` assignments too. They are empty when no command is given, although
/// `xargs` then runs `echo`. Returns `None` for any other program, and for `command -v` and
/// `command -V`, which look the name up without running it.
pub fn wrapped_command(words: &[ShellWord]) -> Option<&[ShellWord]> {
    let (program, args) = words.split_first()?;
    let name = program_name(&program.text);
    let wrapper = WRAPPERS.iter().find(|wrapper| wrapper.name == name)?;
    let parsed = parse_options(args, &wrapper.options);
    if name == "command"
        && parsed
            .options
            .iter()
            .any(|option| matches!(option.name, "v" | "V"))
    {
        return None;
    }
    let mut rest = parsed
        .operands
        .first()
        .map_or(&args[args.len()..], |&first| &args[first..]);
    rest = rest.get(wrapper.leading_operands..).unwrap_or(&[]);
    if name == "env" {
        // `env -` is `env -i`, and `NAME=value` words come before the command.
        let skipped = rest
            .iter()
            .take_while(|word| word.text == "-" || is_assignment(word))
            .count();
        rest = &rest[skipped..];
    }
    Some(rest)
}

/// Actions of `find` that run a command for the files found.
const FIND_EXEC_ACTIONS: &[&str] = &["-exec", "-execdir", "-ok", "-okdir"];

/// Returns the commands that the `-exec`, `-execdir`, `-ok` and `-okdir` actions of a `find`
/// command run, given the words from its name on. Returns an empty list for any other program.
/// Each command runs up to a `;` word (written `\;` or `';'` in shell) or a `+` after `{}`. An
/// action with neither runs to the end of the words.
pub fn find_exec_commands(words: &[ShellWord]) -> Vec<&[ShellWord]> {
    let mut commands = Vec::new();
    let Some((program, args)) = words.split_first() else {
        return commands;
    };
    if program_name(&program.text) != "find" {
        return commands;
    }
    let mut i = 0;
    while i < args.len() {
        if !FIND_EXEC_ACTIONS.contains(&args[i].text.as_str()) {
            i += 1;
            continue;
        }
        let start = i + 1;
        let end = (start..args.len())
            .find(|&j| {
                args[j].text == ";"
                    || (args[j].text == "+" && j > start && args[j - 1].text == "{}")
            })
            .unwrap_or(args.len());
        commands.push(&args[start..end]);
        i = end + 1;
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::first_command_words;

    fn wrapped(text: &str) -> Option<Vec<String>> {
        let words = first_command_words(text);
        wrapped_command(&words).map(|rest| rest.iter().map(|word| word.text.clone()).collect())
    }

    #[test]
    fn wrapped_command_skips_options_with_values() {
        assert_eq!(
            wrapped("sudo -n apt-get update").unwrap(),
            ["apt-get", "update"]
        );
        assert_eq!(wrapped("sudo -u app -E ls -l").unwrap(), ["ls", "-l"]);
        assert_eq!(wrapped("sudo --user=app ls").unwrap(), ["ls"]);
        assert_eq!(wrapped("env -u HOME - A=1 B=2 make").unwrap(), ["make"]);
        assert_eq!(wrapped("nice -n 10 make").unwrap(), ["make"]);
        assert_eq!(
            wrapped("timeout -s KILL 10 make -j").unwrap(),
            ["make", "-j"]
        );
        assert_eq!(
            wrapped("xargs -0 -n 1 chmod 777").unwrap(),
            ["chmod", "777"]
        );
        assert_eq!(
            wrapped("xargs -I {} chmod 777 {}").unwrap(),
            ["chmod", "777", "{}"]
        );
        assert_eq!(
            wrapped("xargs -I{} -r chmod 777 {}").unwrap(),
            ["chmod", "777", "{}"]
        );
        assert_eq!(wrapped("command sudo ls").unwrap(), ["sudo", "ls"]);
        assert!(wrapped("xargs").unwrap().is_empty());
    }

    #[test]
    fn wrapped_command_rejects_lookups_and_other_programs() {
        assert_eq!(wrapped("command -v sudo"), None);
        assert_eq!(wrapped("command -V sudo"), None);
        assert_eq!(wrapped("which sudo"), None);
        assert_eq!(wrapped("chmod 777 x"), None);
    }

    fn exec_commands(text: &str) -> Vec<Vec<String>> {
        let words = first_command_words(text);
        find_exec_commands(&words)
            .iter()
            .map(|command| command.iter().map(|word| word.text.clone()).collect())
            .collect()
    }

    #[test]
    fn find_exec_commands_end_at_semicolon_or_plus() {
        assert_eq!(
            exec_commands(r"find /srv -type d -exec chmod 777 {} \; -execdir chown app {} +"),
            [vec!["chmod", "777", "{}"], vec!["chown", "app", "{}"]]
        );
        assert_eq!(
            exec_commands("find . -ok rm -f '{}' ';' -print"),
            [vec!["rm", "-f", "{}"]]
        );
        assert_eq!(
            exec_commands("find . -exec echo + {} +"),
            [vec!["echo", "+", "{}"]]
        );
        assert_eq!(
            exec_commands("find . -exec chmod 777"),
            [vec!["chmod", "777"]]
        );
        assert!(exec_commands("xargs -exec chmod 777 ;").is_empty());
    }
}
