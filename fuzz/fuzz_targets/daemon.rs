//! Parses and lints arbitrary text as a daemon configuration (`daemon.json`): nothing may
//! panic, and every finding's span must lie inside the text on character boundaries.
#![no_main]

use dhlint::discovery::FileKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for diagnostic in dhlint::lint::lint_text(FileKind::Daemon, text) {
        let span = diagnostic.span;
        assert!(span.start <= span.end, "span ends before it starts");
        assert!(span.end <= text.len(), "span out of bounds");
        assert!(text.is_char_boundary(span.start), "span starts inside a character");
        assert!(text.is_char_boundary(span.end), "span ends inside a character");
    }
});
