//! Command-line options of a simple command, read the way getopt reads them, so that the value
//! of an option (`curl -d -k`, `sudo -u app`) is not mistaken for an option or an operand.

use super::shell::ShellWord;

/// The option syntax of a program.
#[derive(Debug, Clone, Copy)]
pub struct OptionSyntax {
    /// Short option letters that take a value, attached (`-ofile`) or in the next word.
    pub short_with_value: &'static str,
    /// Long option names, without `--`, that take a value as `--name=value` or in the next word.
    pub long_with_value: &'static [&'static str],
    /// Whether the first operand ends the options, as POSIX getopt does (`sudo -u app ls -l`).
    /// Otherwise options may follow operands, as with GNU getopt_long (`curl https://x -k`).
    pub operand_ends_options: bool,
}

/// An option on a command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandOption<'a> {
    /// The name without dashes: a letter for a short option, such as `k` in `-fsSLk`.
    pub name: &'a str,
    /// Whether the option was written with two dashes.
    pub long: bool,
    /// The word that contains the option.
    pub word: &'a ShellWord,
    /// The value, if the option takes one.
    pub value: Option<OptionValue<'a>>,
}

/// The value of an option: the end of the option's own word (`-ofile`, `--output=file`) or the
/// whole next word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionValue<'a> {
    /// The value's text.
    pub text: &'a str,
    /// The word that contains the value.
    pub word: &'a ShellWord,
    /// The byte offset of the value in the word's text, 0 when the value is the whole word.
    pub offset: usize,
}

/// The options and operands of a command's arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedArguments<'a> {
    /// The options, in order.
    pub options: Vec<CommandOption<'a>>,
    /// Indices into the arguments of the operands, in order. With
    /// [`OptionSyntax::operand_ends_options`], they run from the first operand to the end.
    pub operands: Vec<usize>,
}

/// Splits `args` (the words after the program name) into options and operands. `--` ends the
/// options, and a lone `-` is an operand. A value-taking option at the end of the arguments has
/// no value.
pub fn parse_options<'a>(args: &'a [ShellWord], syntax: &OptionSyntax) -> ParsedArguments<'a> {
    let mut parsed = ParsedArguments::default();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        let text = word.text.as_str();
        if text == "--" {
            parsed.operands.extend(i + 1..args.len());
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            let value = match attached {
                Some(value) => Some(OptionValue {
                    text: value,
                    word,
                    offset: name.len() + 3,
                }),
                None if syntax.long_with_value.contains(&name) => {
                    let next = args.get(i + 1);
                    i += 1;
                    next.map(whole_word)
                }
                None => None,
            };
            parsed.options.push(CommandOption {
                name,
                long: true,
                word,
                value,
            });
        } else if let Some(letters) = text.strip_prefix('-').filter(|rest| !rest.is_empty()) {
            for (at, letter) in letters.char_indices() {
                let end = at + letter.len_utf8();
                let name = &letters[at..end];
                if !syntax.short_with_value.contains(letter) {
                    parsed.options.push(CommandOption {
                        name,
                        long: false,
                        word,
                        value: None,
                    });
                    continue;
                }
                let value = if end < letters.len() {
                    Some(OptionValue {
                        text: &letters[end..],
                        word,
                        offset: end + 1,
                    })
                } else {
                    let next = args.get(i + 1);
                    i += 1;
                    next.map(whole_word)
                };
                parsed.options.push(CommandOption {
                    name,
                    long: false,
                    word,
                    value,
                });
                break;
            }
        } else if syntax.operand_ends_options {
            parsed.operands.extend(i..args.len());
            break;
        } else {
            parsed.operands.push(i);
        }
        i += 1;
    }
    parsed
}

fn whole_word(word: &ShellWord) -> OptionValue<'_> {
    OptionValue {
        text: &word.text,
        word,
        offset: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::first_command_words;

    const CURL_LIKE: OptionSyntax = OptionSyntax {
        short_with_value: "do",
        long_with_value: &["data-urlencode", "output"],
        operand_ends_options: false,
    };

    fn names_and_values(text: &str, syntax: &OptionSyntax) -> Vec<(String, Option<String>)> {
        let words = first_command_words(text);
        parse_options(&words[1..], syntax)
            .options
            .iter()
            .map(|option| {
                (
                    option.name.to_string(),
                    option.value.map(|value| value.text.to_string()),
                )
            })
            .collect()
    }

    fn pair(name: &str, value: Option<&str>) -> (String, Option<String>) {
        (name.to_string(), value.map(str::to_string))
    }

    #[test]
    fn parse_options_reads_values() {
        assert_eq!(
            names_and_values(
                "curl -fsSk -o out --data-urlencode -k x --output=-k",
                &CURL_LIKE
            ),
            [
                pair("f", None),
                pair("s", None),
                pair("S", None),
                pair("k", None),
                pair("o", Some("out")),
                pair("data-urlencode", Some("-k")),
                pair("output", Some("-k")),
            ]
        );
        assert_eq!(
            names_and_values("curl -dk -o", &CURL_LIKE),
            [pair("d", Some("k")), pair("o", None)]
        );
    }

    #[test]
    fn parse_options_finds_operands() {
        let words = first_command_words("curl https://x -k -- -o - y");
        let parsed = parse_options(&words[1..], &CURL_LIKE);
        assert_eq!(parsed.operands, [0, 3, 4, 5]);
        assert_eq!(parsed.options.len(), 1);
        let posix = OptionSyntax {
            short_with_value: "u",
            long_with_value: &["user"],
            operand_ends_options: true,
        };
        let words = first_command_words("sudo -u app --user app ls -l");
        let parsed = parse_options(&words[1..], &posix);
        assert_eq!(parsed.operands, [4, 5]);
    }

    #[test]
    fn parse_options_gives_value_offsets() {
        let words = first_command_words("useradd -mpxyz --password=abc -p def");
        let syntax = OptionSyntax {
            short_with_value: "p",
            long_with_value: &["password"],
            operand_ends_options: false,
        };
        let parsed = parse_options(&words[1..], &syntax);
        let offsets: Vec<_> = parsed
            .options
            .iter()
            .filter_map(|option| option.value)
            .map(|value| (value.text, value.offset))
            .collect();
        assert_eq!(offsets, [("xyz", 3), ("abc", 11), ("def", 0)]);
    }
}
