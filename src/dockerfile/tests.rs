//! Tests of the Dockerfile parser and model against BuildKit's rules, with spans checked by
//! slicing the source.

use super::*;
use crate::source::{LineIndex, Span};

fn parse_ok(text: &str) -> Dockerfile {
    parse(text).unwrap_or_else(|error| panic!("{error} at {:?}", error.span))
}

fn parse_err(text: &str) -> ParseError {
    match parse(text) {
        Ok(dockerfile) => panic!("parsed: {:?}", dockerfile.instructions),
        Err(error) => error,
    }
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn line(text: &str, offset: usize) -> usize {
    LineIndex::new(text).position(text, offset).line
}

fn shell(instruction: &Instruction) -> &str {
    instruction.args.shell().map_or("<exec>", Text::as_str)
}

fn keywords(dockerfile: &Dockerfile) -> Vec<&str> {
    dockerfile
        .instructions
        .iter()
        .map(|instruction| instruction.keyword.as_str())
        .collect()
}

fn word_texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(|word| word.text.as_str()).collect()
}

#[test]
fn bom_is_skipped_but_counted_in_spans() {
    let text = "\u{feff}FROM alpine\nUSER app\n";
    let dockerfile = parse_ok(text);
    let from = &dockerfile.instructions[0];
    assert_eq!(from.keyword_span, Span::new(3, 7));
    assert_eq!(slice(text, from.span), "FROM alpine");
    assert_eq!(line(text, dockerfile.instructions[1].span.start), 2);
}

#[test]
fn crlf_keeps_carriage_returns_out_of_values() {
    let text = "FROM alpine\r\nRUN a \\\r\n  b\r\nUSER root\r\n";
    let dockerfile = parse_ok(text);
    assert_eq!(shell(&dockerfile.instructions[1]), "a   b");
    assert_eq!(
        slice(text, dockerfile.instructions[1].span),
        "RUN a \\\r\n  b"
    );
    let user = &dockerfile.instructions[2];
    assert_eq!(shell(user), "root");
    assert_eq!(line(text, user.span.start), 4);
    assert_eq!(
        dockerfile.effective_user(0).unwrap().resolved.as_deref(),
        Some("root")
    );
}

#[test]
fn directives_in_leading_block() {
    let text = "# Syntax = docker/dockerfile:1\n#ESCAPE=`\n# check=skip=all\nFROM a\n";
    let dockerfile = parse_ok(text);
    let found: Vec<_> = dockerfile
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("syntax", "docker/dockerfile:1"),
            ("escape", "`"),
            ("check", "skip=all")
        ]
    );
    assert_eq!(dockerfile.escape, '`');
    assert_eq!(
        slice(text, dockerfile.directives[0].span),
        "# Syntax = docker/dockerfile:1"
    );
    assert_eq!(
        slice(text, dockerfile.directives[0].value_span),
        "docker/dockerfile:1"
    );
}

#[test]
fn directives_end_at_first_other_line() {
    for text in [
        "# a comment\n# escape=`\nFROM a\n",
        "\n# escape=`\nFROM a\n",
        "# unknown=1\n# escape=`\nFROM a\n",
        "FROM a\n# escape=`\n",
    ] {
        let dockerfile = parse_ok(text);
        assert_eq!(dockerfile.escape, '\\', "{text:?}");
        assert!(
            dockerfile.directives.iter().all(|d| d.name != "escape"),
            "{text:?}"
        );
    }
}

#[test]
fn repeated_directive_is_an_error() {
    let text = "# syntax=a\n# SYNTAX=b\nFROM a\n";
    let error = parse_err(text);
    assert_eq!(
        error.message,
        "repeated parser directive `syntax` (only one is allowed)"
    );
    assert_eq!(slice(text, error.span), "# SYNTAX=b");
}

#[test]
fn invalid_escape_directive_is_an_error() {
    let text = "# escape=x\nFROM a\n";
    let error = parse_err(text);
    assert_eq!(slice(text, error.span), "x");
}

#[test]
fn backtick_escape_keeps_windows_paths() {
    let text =
        "# escape=`\nFROM windows\nCOPY app.exe C:\\app\\\nRUN dir C:\\ `\n    && echo done\n";
    let dockerfile = parse_ok(text);
    let copy = &dockerfile.instructions[1];
    assert_eq!(word_texts(&copy.words()), ["app.exe", "C:\\app\\"]);
    assert_eq!(line(text, copy.span.end), 3);
    let run = &dockerfile.instructions[2];
    assert_eq!(shell(run), "dir C:\\     && echo done");
    assert_eq!(line(text, run.span.end), 5);
}

#[test]
fn escaped_escape_does_not_continue() {
    let text = "FROM a\nENV C trailing\\\\\nENV D next\n";
    let dockerfile = parse_ok(text);
    assert_eq!(keywords(&dockerfile), ["FROM", "ENV", "ENV"]);
    assert_eq!(
        dockerfile.instructions[1].key_values()[0]
            .raw_value
            .as_deref(),
        Some("trailing\\\\")
    );
}

#[test]
fn continuation_allows_trailing_blanks_and_lone_escape() {
    let text = "FROM a\nRUN echo hello \\  \t\n\\\n world\n";
    let dockerfile = parse_ok(text);
    assert_eq!(shell(&dockerfile.instructions[1]), "echo hello  world");
    assert!(dockerfile.warnings.is_empty());
}

#[test]
fn comment_lines_inside_continuation_are_dropped() {
    let text = "FROM a\nRUN one \\\n  # USER root \\\n  && two\n# trailing \\\nUSER app\n";
    let dockerfile = parse_ok(text);
    assert_eq!(keywords(&dockerfile), ["FROM", "RUN", "USER"]);
    let run = &dockerfile.instructions[1];
    assert_eq!(shell(run), "one   && two");
    assert_eq!(line(text, run.span.end), 4);
    assert_eq!(line(text, dockerfile.instructions[2].span.start), 6);
}

#[test]
fn empty_continuation_line_joins_next_line_and_warns() {
    let text = "FROM a\nRUN apt-get update \\\n    && true \\\n\n\nUSER app\n";
    let dockerfile = parse_ok(text);
    assert_eq!(keywords(&dockerfile), ["FROM", "RUN"]);
    assert_eq!(
        shell(&dockerfile.instructions[1]),
        "apt-get update     && true USER app"
    );
    assert_eq!(dockerfile.warnings.len(), 1);
    let warning = &dockerfile.warnings[0];
    assert_eq!(line(text, warning.span.start), 4);
    assert_eq!(
        warning.message,
        "empty continuation line: the next line is joined to the instruction that starts on line 2"
    );
}

#[test]
fn continuation_at_end_of_file_ends_instruction() {
    let text = "FROM a\nRUN something \\";
    let dockerfile = parse_ok(text);
    let run = &dockerfile.instructions[1];
    assert_eq!(shell(run), "something");
    assert_eq!(run.span.end, text.len());
    assert!(parse_ok("FROM a\nRUN x \\\n\n").warnings.is_empty());
}

#[test]
fn keywords_are_case_insensitive() {
    let text = "from alpine AS Build\nRun echo\nuSeR app\n";
    let dockerfile = parse_ok(text);
    assert_eq!(keywords(&dockerfile), ["FROM", "RUN", "USER"]);
    assert_eq!(slice(text, dockerfile.instructions[2].keyword_span), "uSeR");
}

#[test]
fn unknown_instruction_is_an_error() {
    let text = "FROM a\nFOO bar\n";
    let error = parse_err(text);
    assert_eq!(error.message, "unknown instruction `FOO`");
    assert_eq!(slice(text, error.span), "FOO");
    assert_eq!(keywords(&parse_syntax(text).unwrap()), ["FROM", "FOO"]);
}

#[test]
fn only_arg_before_first_from() {
    let dockerfile = parse_ok("ARG BASE=alpine\n# comment\nFROM $BASE\n");
    assert_eq!(dockerfile.global_args(), 0..1);
    let text = "ARG A\nRUN echo\nFROM a\n";
    let error = parse_err(text);
    assert_eq!(error.message, "instruction `RUN` before the first FROM");
    assert_eq!(slice(text, error.span), "RUN");
}

#[test]
fn file_without_instructions_is_an_error() {
    for text in ["", "\u{feff}", "# only\n\n# comments\n", "  \n\t\n"] {
        assert_eq!(
            parse_err(text).message,
            "file contains no instructions",
            "{text:?}"
        );
    }
}

#[test]
fn from_must_be_image_and_optional_name() {
    assert!(parse_err("FROM\n").message.contains("missing the image"));
    assert!(parse_err("FROM a b\n").message.contains("has 2 arguments"));
    assert!(
        parse_err("FROM a IS b\n")
            .message
            .contains("has `IS` where `AS`")
    );
}

#[test]
fn copy_flags_with_spans() {
    let text = "FROM a\nCOPY --link --from=x a b\nCOPY --chmod=755 --link src /dst/\n";
    let dockerfile = parse_ok(text);
    let first = &dockerfile.instructions[1];
    let flags: Vec<_> = first
        .flags
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_deref()))
        .collect();
    assert_eq!(flags, [("link", None), ("from", Some("x"))]);
    assert_eq!(slice(text, first.flag("from").unwrap().span), "--from=x");
    assert_eq!(word_texts(&first.words()), ["a", "b"]);
    let second = &dockerfile.instructions[2];
    assert_eq!(second.flag("chmod").unwrap().value.as_deref(), Some("755"));
    assert!(second.flag("link").is_some());
    assert_eq!(
        slice(text, second.args.shell().unwrap().span()),
        "src /dst/"
    );
}

#[test]
fn run_mount_flags_may_repeat_and_cross_lines() {
    let text = "FROM a\nRUN --mount=type=cache,target=/root/.cache \\\n    \
                --mount=type=secret,id=npm npm ci\n";
    let dockerfile = parse_ok(text);
    let run = &dockerfile.instructions[1];
    assert_eq!(run.flags_named("mount").count(), 2);
    assert_eq!(slice(text, run.flags[1].span), "--mount=type=secret,id=npm");
    assert_eq!(shell(run), "npm ci");
}

#[test]
fn exec_form_elements_with_spans() {
    let text = "FROM a\nCMD [\"nginx\", \"-g\", \\\n  \"daemon off;\"]\n";
    let dockerfile = parse_ok(text);
    let elements = dockerfile.instructions[1].args.exec().unwrap();
    assert_eq!(word_texts(elements), ["nginx", "-g", "daemon off;"]);
    assert_eq!(slice(text, elements[0].span), "\"nginx\"");
    assert_eq!(slice(text, elements[2].span), "\"daemon off;\"");
    assert_eq!(line(text, elements[2].span.start), 3);
}

#[test]
fn brackets_without_json_are_shell_form() {
    let dockerfile = parse_ok("FROM a\nRUN [ -f x ] && echo\nCMD ['sh']\n");
    assert_eq!(shell(&dockerfile.instructions[1]), "[ -f x ] && echo");
    assert_eq!(shell(&dockerfile.instructions[2]), "['sh']");
}

#[test]
fn json_array_of_non_strings_is_an_error() {
    let text = "FROM a\nENTRYPOINT [\"a\", 1]\n";
    let error = parse_err(text);
    assert!(error.message.contains("not a string"), "{}", error.message);
    assert_eq!(slice(text, error.span), "[\"a\", 1]");
}

#[test]
fn healthcheck_exec_and_shell_forms() {
    let text = "FROM a\nHEALTHCHECK --interval=5s CMD [\"probe\", \"-q\"]\nHEALTHCHECK NONE\n";
    let dockerfile = parse_ok(text);
    let exec = &dockerfile.instructions[1];
    assert_eq!(exec.flag("interval").unwrap().value.as_deref(), Some("5s"));
    assert_eq!(word_texts(exec.args.exec().unwrap()), ["probe", "-q"]);
    assert_eq!(shell(&dockerfile.instructions[2]), "NONE");
}

#[test]
fn heredocs_several_on_one_line() {
    let text = "FROM a\nCOPY <<one <<\"two\" /dst/\nfirst\none\nsecond\ntwo\nUSER app\n";
    let dockerfile = parse_ok(text);
    let copy = &dockerfile.instructions[1];
    let docs: Vec<_> = copy
        .heredocs
        .iter()
        .map(|h| (h.delimiter.as_str(), h.quoted, h.body.as_str()))
        .collect();
    assert_eq!(docs, [("one", false, "first\n"), ("two", true, "second\n")]);
    assert_eq!(slice(text, copy.heredocs[1].marker_span), "<<\"two\"");
    assert_eq!(slice(text, copy.heredocs[1].body_span), "second\n");
    assert_eq!(
        slice(text, copy.span),
        "COPY <<one <<\"two\" /dst/\nfirst\none\nsecond\ntwo"
    );
    assert_eq!(line(text, dockerfile.instructions[2].span.start), 7);
}

#[test]
fn heredoc_with_tab_stripping() {
    let text = "FROM a\nRUN <<-EOT\n\techo one\n\t\techo two\n\tEOT\n";
    let dockerfile = parse_ok(text);
    let heredoc = &dockerfile.instructions[1].heredocs[0];
    assert!(heredoc.strip_tabs);
    assert_eq!(heredoc.body, "echo one\necho two\n");
    assert_eq!(
        slice(text, heredoc.span),
        "<<-EOT\n\techo one\n\t\techo two\n\tEOT"
    );
}

#[test]
fn heredoc_terminator_without_final_newline() {
    let text = "FROM a\nRUN <<EOF\nUSER root\nFROM scratch\nEOF";
    let dockerfile = parse_ok(text);
    assert_eq!(keywords(&dockerfile), ["FROM", "RUN"]);
    let run = &dockerfile.instructions[1];
    assert_eq!(run.heredocs[0].body, "USER root\nFROM scratch\n");
    assert_eq!(run.span.end, text.len());
    assert_eq!(dockerfile.stages().len(), 1);
}

#[test]
fn heredoc_crlf_body() {
    let text = "FROM a\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n";
    let heredoc = &parse_ok(text).instructions[1].heredocs[0];
    assert_eq!(heredoc.body, "echo hi\n");
    assert_eq!(slice(text, heredoc.body_span), "echo hi\r\n");
}

#[test]
fn comment_after_heredoc_terminator() {
    let text = "FROM a\nCOPY <<EOF /x\nbody\nEOF\n# a comment\nUSER app\n";
    let dockerfile = parse_ok(text);
    assert_eq!(keywords(&dockerfile), ["FROM", "COPY", "USER"]);
}

#[test]
fn unterminated_heredoc_points_at_marker() {
    let text = "FROM a\nRUN cat <<EOF > /x\nbody\nEO\n";
    let error = parse_err(text);
    assert!(
        error.message.starts_with("unterminated heredoc"),
        "{}",
        error.message
    );
    assert_eq!(slice(text, error.span), "<<EOF");
}

#[test]
fn heredoc_only_on_run_copy_add() {
    let dockerfile = parse_ok("FROM a\nCMD cat <<EOF\nUSER app\n");
    assert_eq!(keywords(&dockerfile), ["FROM", "CMD", "USER"]);
    let dockerfile = parse_ok("FROM a\nRUN [\"cat\", \"<<EOF\"]\nUSER app\n");
    assert!(dockerfile.instructions[1].heredocs.is_empty());
}

#[test]
fn onbuild_trigger_is_parsed() {
    let text = "FROM a\nONBUILD COPY --chown=app . /src\nONBUILD RUN <<EOF\nmake\nEOF\n";
    let dockerfile = parse_ok(text);
    let trigger = dockerfile.instructions[1].trigger.as_deref().unwrap();
    assert_eq!(trigger.keyword, "COPY");
    assert_eq!(slice(text, trigger.flags[0].span), "--chown=app");
    assert_eq!(dockerfile.instructions[2].heredocs[0].body, "make\n");
    assert!(
        parse_err("FROM a\nONBUILD ONBUILD RUN x\n")
            .message
            .contains("ONBUILD ONBUILD")
    );
    assert!(
        parse_err("FROM a\nONBUILD FROM b\n")
            .message
            .contains("not allowed")
    );
}

#[test]
fn env_needs_a_value() {
    let text = "FROM a\nENV PATH\n";
    let error = parse_err(text);
    assert_eq!(
        error.message,
        "ENV `PATH` is missing a value (expected `ENV PATH=value`)"
    );
    assert_eq!(slice(text, error.span), "PATH");
    assert!(parse_err("FROM a\nENV\n").message.contains("no arguments"));
    assert!(
        parse_err("FROM a\nENV a=1 b\n")
            .message
            .contains("`b` is missing `=`")
    );
    assert!(parse_err("FROM a\nENV =x\n").message.contains("empty name"));
}

#[test]
fn env_pairs_and_legacy_form() {
    let text = "FROM a\nENV a=1 b=\"x y\" c=x\\ y\nENV name value with  spaces\n";
    let dockerfile = parse_ok(text);
    let pairs = dockerfile.instructions[1].key_values();
    let found: Vec<_> = pairs
        .iter()
        .map(|p| (p.key.as_str(), p.value.as_deref()))
        .collect();
    assert_eq!(
        found,
        [("a", Some("1")), ("b", Some("x y")), ("c", Some("x y"))]
    );
    assert_eq!(slice(text, pairs[1].key_span), "b");
    assert_eq!(slice(text, pairs[1].value_span.unwrap()), "\"x y\"");
    let legacy = &dockerfile.instructions[2].key_values()[0];
    assert_eq!(legacy.key, "name");
    assert_eq!(legacy.value.as_deref(), Some("value with  spaces"));
    assert_eq!(
        slice(text, legacy.value_span.unwrap()),
        "value with  spaces"
    );
}

#[test]
fn arg_forms() {
    let text = "ARG a\nARG b=1 c='x y' d=\nFROM s\n";
    let dockerfile = parse_ok(text);
    let first = dockerfile.instructions[0].key_values();
    assert_eq!(
        (first[0].key.as_str(), first[0].value.as_deref()),
        ("a", None)
    );
    let second = dockerfile.instructions[1].key_values();
    let found: Vec<_> = second
        .iter()
        .map(|p| (p.key.as_str(), p.value.as_deref()))
        .collect();
    assert_eq!(
        found,
        [("b", Some("1")), ("c", Some("x y")), ("d", Some(""))]
    );
    assert_eq!(
        second[2].value_span.unwrap(),
        Span::empty(text.find("d=").unwrap() + 2)
    );
}

#[test]
fn label_pairs_span_continuations() {
    let text = "FROM a\nLABEL org.opencontainers.image.title=\"svc\" \\\n      version=1.2\n";
    let dockerfile = parse_ok(text);
    let pairs = dockerfile.instructions[1].key_values();
    assert_eq!(pairs[1].key, "version");
    assert_eq!(line(text, pairs[1].key_span.start), 3);
    assert_eq!(pairs[0].value.as_deref(), Some("svc"));
}

#[test]
fn words_unquote_and_span_lines() {
    let text = "FROM a\nCOPY \"my file\" 'b c' \\\n  /dst/\n";
    let dockerfile = parse_ok(text);
    let words = dockerfile.instructions[1].words();
    assert_eq!(word_texts(&words), ["my file", "b c", "/dst/"]);
    assert_eq!(slice(text, words[0].span), "\"my file\"");
    assert_eq!(words[1].raw, "'b c'");
    assert_eq!(line(text, words[2].span.start), 3);
}

#[test]
fn text_maps_offsets_across_continuations() {
    let text = "FROM a\nRUN ab\\\ncd\n";
    let dockerfile = parse_ok(text);
    let args = dockerfile.instructions[1].args.shell().unwrap();
    assert_eq!(args.as_str(), "abcd");
    assert_eq!(args.source_offset(1), text.find('b').unwrap());
    assert_eq!(args.source_offset(2), text.find('c').unwrap());
    assert_eq!(slice(text, args.span()), "ab\\\ncd");
    assert_eq!(slice(text, args.span_of(0..2)), "ab");
}

#[test]
fn stages_names_and_parents() {
    let text = "ARG BASE=Builder\nFROM golang:1.22 AS builder\nFROM $BASE AS test\n\
                FROM builder\nFROM 0\n";
    let dockerfile = parse_ok(text);
    let stages = dockerfile.stages();
    assert_eq!(stages.len(), 4);
    assert_eq!(stages[0].name.as_ref().unwrap().text, "builder");
    assert_eq!(slice(text, stages[1].image.span), "$BASE");
    let parents: Vec<_> = stages.iter().map(|stage| stage.parent).collect();
    assert_eq!(parents, [None, Some(0), Some(0), None]);
    assert_eq!(stages[2].instructions, 3..4);
    assert_eq!(Stage::find(&stages, "BUILDER", 3), Some(0));
    assert_eq!(Stage::find(&stages, "1", 3), Some(1));
    assert_eq!(Stage::find(&stages, "3", 3), None);
}

#[test]
fn effective_user_inherits_from_parent_stage() {
    let text = "FROM a AS base\nUSER app\nFROM base AS child\nRUN x\nFROM b\n";
    let dockerfile = parse_ok(text);
    let user = dockerfile.effective_user(1).unwrap();
    assert_eq!(user.instruction, 1);
    assert_eq!(slice(text, user.span), "app");
    assert_eq!(dockerfile.effective_user(2), None);
    assert_eq!(dockerfile.effective_user(9), None);
}

#[test]
fn effective_user_resolves_variables_in_scope() {
    let cases = [
        ("FROM a\nARG UID=0\nUSER $UID\n", Some("0")),
        ("FROM a\nUSER ${UID:-0}:0\n", Some("0:0")),
        ("ARG UID=5\nFROM a\nUSER $UID\n", None),
        ("ARG UID=5\nFROM a\nARG UID\nUSER $UID\n", Some("5")),
        ("ARG UID=5\nFROM a\nARG UID=7\nUSER $UID\n", Some("7")),
        ("FROM a\nUSER $UID\nARG UID=1\n", None),
        ("FROM a\nENV U=svc\nARG U=root\nUSER $U\n", Some("svc")),
        ("FROM a\nENV A=1\nENV A=2 B=$A\nUSER $B\n", Some("1")),
        ("FROM a AS p\nENV U=svc\nFROM p\nUSER $U\n", Some("svc")),
        ("FROM a AS p\nARG U=svc\nFROM p\nUSER $U\n", None),
        ("FROM a\nUSER \"app\"\n", Some("app")),
    ];
    for (text, expected) in cases {
        let dockerfile = parse_ok(text);
        let last = dockerfile.stages().len() - 1;
        let user = dockerfile.effective_user(last).unwrap();
        assert_eq!(user.resolved.as_deref(), expected, "{text:?}");
    }
}
