//! DH211 remote-script-pipe: a download piped straight into an interpreter.

use crate::diagnostic::{Diagnostic, Severity};
use crate::dockerfile::{ShellWord, program_name};
use crate::rules::{RuleMeta, Target, rule_doc};

use super::instructions::RunCommands;

/// DH211 metadata.
pub static META: RuleMeta = RuleMeta {
    code: "DH211",
    name: "remote-script-pipe",
    target: Target::Dockerfile,
    severity: Severity::Warning,
    enabled: true,
    cis: Some("4.11"),
    doc: rule_doc!("DH211"),
};

/// Programs that run the script they read from standard input.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby",
    "node", "php",
];

/// Returns whether a `curl` or `wget` command writes the download to standard output.
fn downloads_to_stdout(words: &[ShellWord]) -> bool {
    let Some((program, args)) = words.split_first() else {
        return false;
    };
    match program_name(&program.text) {
        // curl writes to standard output unless an option names an output file.
        "curl" => !args.iter().any(|word| {
            let text = word.text.as_str();
            text == "--output"
                || text.starts_with("--output=")
                || text == "--remote-name"
                || text == "--remote-name-all"
                || (text.starts_with('-')
                    && !text.starts_with("--")
                    && text.contains(['o', 'O'])
                    && !text.ends_with("o-"))
        }),
        // wget writes to a file unless `-O -` (or `-O-`, `-qO-`, `--output-document=-`).
        "wget" => args.iter().enumerate().any(|(i, word)| {
            let text = word.text.as_str();
            let value = if let Some(value) = text.strip_prefix("--output-document=") {
                Some(value)
            } else if text.starts_with('-') && !text.starts_with("--") && text.ends_with('O') {
                args.get(i + 1).map(|next| next.text.as_str())
            } else if text.starts_with('-') && !text.starts_with("--") {
                text.split_once('O').map(|(_, value)| value)
            } else {
                None
            };
            matches!(value, Some("-" | "/dev/stdout"))
        }),
        _ => false,
    }
}

/// DH211: flags `curl` or `wget` writing to standard output, piped into a shell or another
/// interpreter in the same `RUN`.
pub fn check(runs: &RunCommands, out: &mut Vec<Diagnostic>) {
    for (_, commands) in runs.runs() {
        for pair in commands.windows(2) {
            let [download, next] = pair else { continue };
            if !download.piped_to_next || !downloads_to_stdout(download.unwrapped()) {
                continue;
            }
            let Some(interpreter) = next.unwrapped().first() else {
                continue;
            };
            let name = program_name(&interpreter.text);
            if !INTERPRETERS.contains(&name) {
                continue;
            }
            let fetcher = download.unwrapped()[0].text.clone();
            out.push(
                Diagnostic::new(
                    &META,
                    download.unwrapped()[0].span.cover(interpreter.span),
                    format!(
                        "`RUN` pipes a download from `{}` into `{name}`, running remote code \
                         without checking it",
                        program_name(&fetcher)
                    ),
                )
                .with_label("remote script piped to an interpreter")
                .with_help(
                    "Download the script to a file, verify its checksum (`sha256sum -c`), then \
                     run it; or install the tool from a package with a verified signature",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<ShellWord> {
        crate::dockerfile::first_command_words(text)
    }

    #[test]
    fn stdout_downloads() {
        for command in [
            "curl -fsSL https://x",
            "curl https://x -o-",
            "wget -qO- https://x",
            "wget -O - https://x",
            "wget --output-document=- https://x",
            "wget -O /dev/stdout https://x",
        ] {
            assert!(downloads_to_stdout(&words(command)), "{command}");
        }
        for command in [
            "curl -fsSLo /tmp/x https://x",
            "curl -O https://x",
            "curl --output /tmp/x https://x",
            "wget https://x",
            "wget -O /tmp/x https://x",
        ] {
            assert!(!downloads_to_stdout(&words(command)), "{command}");
        }
    }
}
