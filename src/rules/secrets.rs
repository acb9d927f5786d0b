//! Deciding whether a variable contains a secret, shared by the Compose and Dockerfile rules.
//!
//! A name is secret-looking when its last word is a secret word (`POSTGRES_PASSWORD`,
//! `githubToken`, `SIGNING_KEY`): names that only mention a secret, such as
//! `PASSWORD_MIN_LENGTH` or `API_KEY_HEADER`, are settings about a secret, not the secret.
//! A value is a literal unless it is empty, a pure interpolation, a path under `/run/secrets/`
//! or a boolean. Some values are credentials whatever the name: AWS access key ids, GitHub and
//! Slack tokens, private key blocks, and passwords in URLs.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::compose::interpolate::references;
use crate::config::SecretPolicy;
use crate::source::Span;

/// Words that make a name secret when they end it.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "key",
    "apikey",
    "credential",
    "credentials",
];

/// Words that, right before a final `key`, describe something that is not a secret. GPG and
/// PGP "keys" in Dockerfiles are public key fingerprints used to verify downloads.
const NON_SECRET_KEY_QUALIFIERS: &[&str] = &[
    "public",
    "primary",
    "foreign",
    "sort",
    "partition",
    "cache",
    "routing",
    "idempotency",
    "gpg",
    "pgp",
];

/// Secret names whose last word is not a secret word, split into words.
const KNOWN_SECRET_NAMES: &[&[&str]] = &[
    &["secret", "key", "base"],
    &["aws", "secret", "access", "key"],
    &["aws", "session", "token"],
    &["github", "token"],
    &["npm", "token"],
    &["pypi", "token"],
    &["docker", "password"],
    &["registry", "password"],
    &["database", "password"],
    &["db", "pass"],
    &["pgpassword"],
    &["rabbitmq", "default", "pass"],
    &["mysql", "root", "password"],
    &["azure", "client", "secret"],
    &["google", "application", "credentials", "json"],
    &["slack", "webhook", "url"],
    &["basic", "auth"],
    &["http", "auth"],
];

/// Parts that every secret name contains, ignoring case: each word of [`SECRET_WORDS`] and a
/// word of each name in [`KNOWN_SECRET_NAMES`]. A name without any of them is not looked at
/// further, which makes the common case fast.
static SECRET_HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "pass",
            "pwd",
            "secret",
            "token",
            "key",
            "credential",
            "webhook",
            "auth",
        ])
        .unwrap_or_else(|e| panic!("{e}"))
});
/// Splits a variable name into words on `_`, `-`, `.` and camelCase boundaries, keeping each
/// word's case.
fn name_words(name: &str) -> Vec<&str> {
    let mut words = Vec::with_capacity(8);
    let mut start = 0;
    let mut previous: Option<char> = None;
    let mut chars = name.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '_' | '-' | '.') {
            if start < i {
                words.push(&name[start..i]);
            }
            start = i + c.len_utf8();
            previous = None;
            continue;
        }
        let next = chars.peek().map(|&(_, n)| n);
        let starts_word = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || p.is_uppercase() && next.is_some_and(char::is_lowercase)
            });
        if starts_word && start < i {
            words.push(&name[start..i]);
            start = i;
        }
        previous = Some(c);
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

/// Returns whether a word of a name is `lower` (an ASCII lowercase word), ignoring case.
fn word_is(word: &str, lower: &str) -> bool {
    word.eq_ignore_ascii_case(lower) || !word.is_ascii() && word.to_lowercase() == lower
}

/// Returns whether a word of a name is one of `list`, ignoring case.
fn word_in(word: &str, list: &[&str]) -> bool {
    list.iter().any(|item| word_is(word, item))
}

/// Returns whether `name` looks like a secret's name under `policy`: an allowed name never
/// is, a name matching an extra pattern always is, and other names follow [`is_secret_name`].
pub fn is_secret_name_in(name: &str, policy: &SecretPolicy) -> bool {
    if policy.allowed.contains(name) {
        return false;
    }
    policy.extra.iter().any(|pattern| pattern.is_match(name)) || is_secret_name(name)
}

/// Returns whether `name` looks like the name of a variable that contains a secret.
pub fn is_secret_name(name: &str) -> bool {
    if name.is_ascii() && !SECRET_HINTS.is_match(name) {
        return false;
    }
    let words = name_words(name);
    let Some(&last) = words.last() else {
        return false;
    };
    if words.iter().any(|w| word_is(w, "public")) {
        return false;
    }
    let known = KNOWN_SECRET_NAMES.iter().any(|known| {
        known.len() == words.len() && known.iter().zip(&words).all(|(k, w)| word_is(w, k))
    });
    if known {
        return true;
    }
    if !word_in(last, SECRET_WORDS) {
        return false;
    }
    if word_is(last, "key") && words.len() >= 2 {
        return !word_in(words[words.len() - 2], NON_SECRET_KEY_QUALIFIERS);
    }
    // `PASS` alone is too ambiguous (`BYPASS`, `SKIP_PASS`) unless it follows a user or db word.
    if word_is(last, "pass") {
        return words.len() >= 2
            && word_in(
                words[words.len() - 2],
                &[
                    "db", "user", "admin", "root", "smtp", "mail", "redis", "mysql", "postgres",
                ],
            );
    }
    true
}

/// Whether `value`, assigned to a secret-looking name, is a literal secret.
///
/// Interpolations are judged on what they would produce with no variable set: a literal
/// default (`${PASSWORD:-changeme}`) is a literal, a required or empty reference is not.
pub fn is_literal_secret_value(value: &str) -> bool {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.starts_with("/run/secrets/") {
        return false;
    }
    let Some(literal) = literal_text(trimmed) else {
        return false;
    };
    let literal = literal.trim();
    !literal.is_empty() && !is_setting_word(literal) && !looks_like_path(literal)
}

/// Whether `value` is a switch or placeholder rather than a credential: `true`, `yes`, `1`,
/// `none` and the like (`MYSQL_RANDOM_ROOT_PASSWORD: '1'`, `ALLOW_EMPTY_PASSWORD: yes`).
fn is_setting_word(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "1" | "0" | "none" | "null" | "nil"
    )
}

/// File extensions of key and credential files, whose paths are not secrets themselves.
const KEY_FILE_EXTENSIONS: &[&str] = &[
    ".key", ".pem", ".crt", ".cer", ".json", ".p12", ".pfx", ".jks", ".txt", ".asc", ".gpg",
];

/// Whether `value` is a file path (`/certs/tls.key`, `certs/es-key.pem`) rather than a secret.
fn looks_like_path(value: &str) -> bool {
    if value.contains(char::is_whitespace) || value.contains("://") {
        return false;
    }
    let rooted = ["/", "./", "../", "~/"]
        .iter()
        .any(|prefix| value.starts_with(prefix));
    let lower = value.to_ascii_lowercase();
    rooted || (value.contains('/') && KEY_FILE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext)))
}

/// The literal part of `value` once every interpolation is replaced by its default (or removed
/// when it has none), or `None` when a default is itself under `/run/secrets/`.
fn literal_text(value: &str) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    for reference in references(value) {
        out.push_str(&value[last..reference.range.start]);
        last = reference.range.end;
        if let (Some(":-" | "-"), Some(default)) = (reference.operator, &reference.argument) {
            if default.starts_with("/run/secrets/") {
                return None;
            }
            out.push_str(&literal_text(default)?);
        }
    }
    out.push_str(&value[last..]);
    Some(out.replace("$$", "$"))
}

/// A credential recognised by its format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnownCredential {
    /// `AKIA…` / `ASIA…` access key id.
    AwsAccessKeyId,
    /// `ghp_…`, `gho_…`, `ghs_…`, `github_pat_…`.
    GitHubToken,
    /// `xoxb-…`, `xoxp-…`.
    SlackToken,
    /// `-----BEGIN … PRIVATE KEY-----`.
    PrivateKey,
    /// `scheme://user:password@host` with a literal password.
    UrlPassword,
}

impl KnownCredential {
    /// A short description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            KnownCredential::AwsAccessKeyId => "an AWS access key id",
            KnownCredential::GitHubToken => "a GitHub token",
            KnownCredential::SlackToken => "a Slack token",
            KnownCredential::PrivateKey => "a private key",
            KnownCredential::UrlPassword => "a URL with a password",
        }
    }
}

static TOKEN_FORMATS: LazyLock<[(KnownCredential, Regex); 4]> = LazyLock::new(|| {
    let build = |pattern: &str| Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    [
        (
            KnownCredential::AwsAccessKeyId,
            build(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        ),
        (
            KnownCredential::GitHubToken,
            build(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
        ),
        (
            KnownCredential::SlackToken,
            build(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        ),
        (
            KnownCredential::PrivateKey,
            build(r"-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----"),
        ),
    ]
});

static URL_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    // scheme://[user]:password@host, where the password has no `@`, `/` or whitespace.
    Regex::new(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:]*:([^\s/@]+)@").unwrap_or_else(|e| panic!("{e}"))
});

/// Recognises a credential in `value` by its format, whatever the variable's name.
pub fn known_credential(value: &str) -> Option<KnownCredential> {
    // Every format is at least 15 bytes long (an `xox` token), and a shorter value can only be
    // a URL with a password, which has `://`.
    let has_url = value.contains("://");
    if value.len() < 15 && !has_url {
        return None;
    }
    for (kind, pattern) in TOKEN_FORMATS.iter() {
        if pattern.is_match(value) {
            return Some(*kind);
        }
    }
    if !has_url {
        return None;
    }
    for captures in URL_USERINFO.captures_iter(value) {
        let password = captures.get(1).map_or("", |m| m.as_str());
        if is_literal_secret_value(password) && !password.starts_with('$') {
            return Some(KnownCredential::UrlPassword);
        }
    }
    None
}

/// The value of an assignment, right after its key: a quoted string, or words
/// separated by blanks up to the end of the line, a comment or a flow bracket.
static ASSIGNMENT_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,{}\[\]#]+(?:[ \t]+[^\s,{}\[\]#]+)*)"#)
        .unwrap_or_else(|e| panic!("{e}"))
});

/// The value of a command-line option such as `--password=value`: one shell word, which ends at
/// the first blank outside quotes.
static OPTION_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"'])+"#).unwrap_or_else(|e| panic!("{e}"))
});

/// The legacy `ENV KEY value` form of a Dockerfile.
static LEGACY_ENV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)^[ \t]*ENV[ \t]+(?P<key>[A-Za-z_][A-Za-z0-9_]*)[ \t]+(?P<value>[^=\n][^\n]*)$",
    )
    .unwrap_or_else(|e| panic!("{e}"))
});

/// A password given to `curl -u user:password` or `--user user:password`.
static USER_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\s)(?:-u|--user|--proxy-user)[ =]+['\x22]?[^\s:'\x22]*:(?P<value>[^\s'\x22]+)",
    )
    .unwrap_or_else(|e| panic!("{e}"))
});

/// Finds secret values anywhere in a file's text, whether or not a rule reported them, so that
/// reporters can hide them in every excerpt they show, including excerpts of files that failed
/// to parse. The scan is textual and errs towards hiding too much.
pub fn secret_value_spans(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut add = |key: &str, start: usize, raw: &str| {
        let unquoted = raw.trim_matches(|c| c == '"' || c == '\'');
        if is_secret_name(key) && (is_literal_secret_value(unquoted) || is_block_indicator(raw)) {
            let end = start + raw.len();
            spans.push(Span::new(start, end));
            if is_block_indicator(raw) {
                spans.extend(block_body(text, end));
            }
        }
    };
    // Every secret name contains a hint word, so the keys around hint words are the only ones
    // to read, and most of a file is never looked at twice.
    let mut searched_to = 0;
    for hint in SECRET_HINTS.find_iter(text) {
        if hint.start() < searched_to {
            continue;
        }
        // The rest of the word is skipped even when it is not a key, so that a long word full
        // of hint words costs time linear in its length.
        let (word_end, key) = assignment_key_around(text, hint.start());
        searched_to = word_end;
        let Some(key) = key else { continue };
        let name = &text[key.name.start..key.name.end];
        if !is_secret_name(name) {
            continue;
        }
        // A key right after `-` is an option (`--password=value`), whose value is one word.
        let is_option = text[..key.name.start].ends_with('-');
        let pattern = if is_option {
            &OPTION_VALUE
        } else {
            &ASSIGNMENT_VALUE
        };
        if let Some(value) = pattern.find(&text[key.value_start..]) {
            add(name, key.value_start, value.as_str());
        }
    }
    if has_legacy_env_line(text) {
        for captures in LEGACY_ENV.captures_iter(text) {
            if let (Some(key), Some(value)) = (captures.name("key"), captures.name("value")) {
                add(key.as_str(), value.start(), value.as_str());
            }
        }
    }
    for (_, pattern) in TOKEN_FORMATS.iter() {
        spans.extend(
            pattern
                .find_iter(text)
                .map(|m| Span::new(m.start(), m.end())),
        );
    }
    if text.contains("://") {
        for captures in URL_USERINFO.captures_iter(text) {
            if let Some(password) = captures.get(1) {
                spans.push(Span::new(password.start(), password.end()));
            }
        }
    }
    // `-u` is part of every option that `USER_OPTION` looks for.
    if text.contains("-u") {
        for captures in USER_OPTION.captures_iter(text) {
            if let Some(password) = captures.name("value") {
                spans.push(Span::new(password.start(), password.end()));
            }
        }
    }
    spans
}

/// A key of a `KEY: value`, `KEY=value` or `"KEY": value` assignment.
struct AssignmentKey {
    /// The key's name, without quotes.
    name: Span,
    /// The value's start: after `=`, or after `:` and the blanks that follow it.
    value_start: usize,
}

/// Returns whether a byte can be part of an assignment key: letters, digits, `_`, `.` and `-`.
fn is_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-')
}

/// Returns the end of the run of key bytes around `inside`, and the assignment key there if
/// the run is one. The key's name starts at the run's first letter or `_`. An optional closing
/// quote, blanks, and `=` or `:` with at least one blank follow the name.
fn assignment_key_around(text: &str, inside: usize) -> (usize, Option<AssignmentKey>) {
    let bytes = text.as_bytes();
    let run_start = bytes[..inside]
        .iter()
        .rposition(|&b| !is_key_byte(b))
        .map_or(0, |i| i + 1);
    let run_end = bytes[inside..]
        .iter()
        .position(|&b| !is_key_byte(b))
        .map_or(bytes.len(), |i| inside + i);
    let key = bytes[run_start..run_end]
        .iter()
        .position(|&b| b.is_ascii_alphabetic() || b == b'_')
        .and_then(|i| value_start(bytes, run_end).map(|start| (run_start + i, start)))
        .map(|(name_start, value_start)| AssignmentKey {
            name: Span::new(name_start, run_end),
            value_start,
        });
    (run_end, key)
}

/// Returns where the value may start after a key name that ends at `name_end`, or `None` when
/// no `=` or `:` and a blank follow the name.
fn value_start(bytes: &[u8], name_end: usize) -> Option<usize> {
    let mut end = name_end;
    if matches!(bytes.get(end), Some(b'"' | b'\'')) {
        end += 1;
    }
    while matches!(bytes.get(end), Some(b' ' | b'\t')) {
        end += 1;
    }
    match bytes.get(end) {
        Some(b'=') => end += 1,
        Some(b':') if matches!(bytes.get(end + 1), Some(b' ' | b'\t')) => {
            end += 1;
            while matches!(bytes.get(end), Some(b' ' | b'\t')) {
                end += 1;
            }
        }
        _ => return None,
    }
    Some(end)
}

/// Returns whether a line starts, after blanks, with `ENV` in any case and a blank. Only such
/// lines can match [`LEGACY_ENV`], and this check is cheaper than running it.
fn has_legacy_env_line(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut line_starts =
        std::iter::once(0).chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    line_starts.any(|start| {
        let line = &bytes[start..];
        let blanks = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let word = line.get(blanks..blanks + 4).unwrap_or_default();
        word.len() == 4 && word[..3].eq_ignore_ascii_case(b"env") && matches!(word[3], b' ' | b'\t')
    })
}

/// Whether a value is a block scalar header such as `|`, `>-` or `|+2`.
fn is_block_indicator(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| matches!(c, '+' | '-') || c.is_ascii_digit())
}

/// The lines of a block scalar whose header ends at `header_end`: the following lines indented
/// deeper than the header's line, or blank.
fn block_body(text: &str, header_end: usize) -> Vec<Span> {
    let line_start = text[..header_end].rfind('\n').map_or(0, |i| i + 1);
    let header_indent = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len();
    let mut spans = Vec::new();
    let mut at = match text[header_end..].find('\n') {
        Some(i) => header_end + i + 1,
        None => return spans,
    };
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[at..end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if !line.trim().is_empty() && indent <= header_indent {
            break;
        }
        spans.push(Span::new(at + indent.min(line.len()), end));
        at = end + 1;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hints_cover_secret_words_and_known_names() {
        for word in SECRET_WORDS {
            assert!(SECRET_HINTS.is_match(word), "{word}");
        }
        for name in KNOWN_SECRET_NAMES {
            assert!(SECRET_HINTS.is_match(&name.join("_")), "{name:?}");
            assert!(is_secret_name(&name.join("_").to_uppercase()), "{name:?}");
        }
    }

    #[test]
    fn secret_names() {
        for name in [
            "POSTGRES_PASSWORD",
            "githubToken",
            "SIGNING_KEY",
            "API_KEY",
            "apiKey",
            "SECRET",
            "JWT_SECRET",
            "AWS_SECRET_ACCESS_KEY",
            "SECRET_KEY_BASE",
            "DB_PASS",
            "MYSQL_ROOT_PASSWORD",
            "CLIENT_CREDENTIALS",
            "BASIC_AUTH",
        ] {
            assert!(is_secret_name(name), "{name} should be a secret name");
        }
    }

    #[test]
    fn names_that_only_mention_a_secret() {
        for name in [
            "PASSWORD_MIN_LENGTH",
            "SEARCH_TOKEN_TTL",
            "API_KEY_HEADER",
            "PUBLIC_KEY",
            "DB_PASSWORD_FILE",
            "KEYBOARD_LAYOUT",
            "SMTP_HOST",
            "CACHE_KEY",
            "BYPASS",
            "TOKEN_URL",
            "REGISTRY_AUTH",
            "GPG_KEY",
        ] {
            assert!(!is_secret_name(name), "{name} should not be a secret name");
        }
    }

    #[test]
    fn literal_values() {
        assert!(is_literal_secret_value("changeme"));
        assert!(is_literal_secret_value("${ADMIN_PASSWORD:-changeme}"));
        assert!(is_literal_secret_value("12345"));
        assert!(!is_literal_secret_value(""));
        assert!(!is_literal_secret_value("${DB_PASSWORD}"));
        assert!(!is_literal_secret_value("$DB_PASSWORD"));
        assert!(!is_literal_secret_value("${DB_PASSWORD:?must be set}"));
        assert!(!is_literal_secret_value("${SESSION_SECRET:-}"));
        assert!(!is_literal_secret_value("/run/secrets/db_password"));
        assert!(!is_literal_secret_value("true"));
        assert!(!is_literal_secret_value("1"));
        assert!(!is_literal_secret_value("${ALLOW_EMPTY_PASSWORD:-yes}"));
        assert!(!is_literal_secret_value("none"));
        assert!(!is_literal_secret_value("/certs/registry.key"));
        assert!(!is_literal_secret_value("certs/elasticsearch-key.pem"));
        assert!(is_literal_secret_value("a/b+c=="));
    }

    #[test]
    fn secret_values_found_in_text() {
        let text = "environment: {DB_PASSWORD: LEAK_1, DB_PASSWORD: LEAK_2}\n  - API_TOKEN=LEAK_3\nENV SIGNING_KEY LEAK 4\nARG NPM_TOKEN=LEAK_5\n  JWT_SECRET: |\n    LEAK_6\n  next: 1\nURL: redis://:LEAK_7@cache\nRUN curl -u admin:LEAK_8 https://x\n";
        let spans = secret_value_spans(text);
        let mut masked = text.to_owned();
        for span in &spans {
            masked.replace_range(span.start..span.end, &"*".repeat(span.len()));
        }
        assert!(!masked.contains("LEAK"), "{masked}");
        assert!(masked.contains("next: 1"));
        assert!(masked.contains("DB_PASSWORD"));
    }

    #[test]
    fn option_values_end_at_blank() {
        let text = "RUN useradd -m --password=LEAK_1 app3 && x --db-password=\"LEAK 2\" app4\n";
        let spans = secret_value_spans(text);
        let mut masked = text.to_owned();
        for span in &spans {
            masked.replace_range(span.start..span.end, &"*".repeat(span.len()));
        }
        assert!(!masked.contains("LEAK"), "{masked}");
        assert!(masked.contains("--password=****** app3"), "{masked}");
        assert!(masked.contains(" app4"), "{masked}");
    }

    #[test]
    fn assignment_keys_around_hints() {
        fn key(text: &str) -> Option<(&str, &str)> {
            let hint = SECRET_HINTS.find(text).unwrap().start();
            let (_, key) = assignment_key_around(text, hint);
            key.map(|key| {
                (
                    &text[key.name.start..key.name.end],
                    &text[key.value_start..],
                )
            })
        }
        assert_eq!(key("DB_PASSWORD: x"), Some(("DB_PASSWORD", "x")));
        assert_eq!(key("  - API_TOKEN=x"), Some(("API_TOKEN", "x")));
        assert_eq!(key("{\"api.key\" :\tx}"), Some(("api.key", "x}")));
        assert_eq!(key("--db-password=x"), Some(("db-password", "x")));
        assert_eq!(key("9.SECRET=x"), Some(("SECRET", "x")));
        assert_eq!(key("PASSWORD:x"), None);
        assert_eq!(key("PASSWORD:\n  x"), None);
        assert_eq!(key("PASSWORD x"), None);
    }

    #[test]
    fn legacy_env_lines() {
        assert!(has_legacy_env_line("FROM x\n  env\tKEY value\n"));
        assert!(has_legacy_env_line("ENV KEY value"));
        assert!(!has_legacy_env_line("environment:\n  ENV: 1\n"));
        assert!(!has_legacy_env_line("RUN ENV x\nENV"));
    }

    #[test]
    fn secret_values_in_long_words() {
        // Every hint word in a word that is not a key is skipped with the whole word.
        let word = "key".repeat(200_000);
        assert!(secret_value_spans(&word).is_empty());
        let text = format!("{word}_TOKEN=LEAK\n");
        let spans = secret_value_spans(&text);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].start..spans[0].end], "LEAK");
    }

    #[test]
    fn credentials_by_format() {
        assert_eq!(
            known_credential("AKIAABCDEFGHIJKLMNOP"),
            Some(KnownCredential::AwsAccessKeyId)
        );
        assert_eq!(
            known_credential("postgres://app:s3cret@db/app"),
            Some(KnownCredential::UrlPassword)
        );
        assert_eq!(
            known_credential("redis://:pw@cache:6379/0"),
            Some(KnownCredential::UrlPassword)
        );
        assert_eq!(
            known_credential("postgres://app:${DB_PASSWORD}@db/app"),
            None
        );
        assert_eq!(known_credential("https://example.com/a:b@c"), None);
        assert_eq!(known_credential("X-Api-Key"), None);
        assert_eq!(
            known_credential("xoxb-123456789a"),
            Some(KnownCredential::SlackToken)
        );
        assert_eq!(
            known_credential("a://:pw@h"),
            Some(KnownCredential::UrlPassword)
        );
        assert_eq!(
            known_credential("-----BEGIN RSA PRIVATE KEY-----"),
            Some(KnownCredential::PrivateKey)
        );
    }
}
