//! Fixes arbitrary text as a daemon configuration (`daemon.json`) with every fix, safe and
//! unsafe. The fixer's own check must accept the result (it is strict JSON and keeps every
//! original key and value except those a fix changes), and a second fix must change nothing.
#![no_main]

use dhlint::discovery::FileKind;
use dhlint::fix::{FixMode, fix_text};
use dhlint::lint::LintOptions;
use libfuzzer_sys::fuzz_target;

const KIND: FileKind = FileKind::Daemon;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = LintOptions::default();
    // A fix that fails its own check writes nothing, which keeps the file safe, but it is still
    // a bug: the edit should have been right or refused.
    let fixed = match fix_text(KIND, text, FixMode::Unsafe, &options) {
        Ok(fixed) => fixed,
        Err(error) => panic!("the fixed text failed the fixer's check: {error}"),
    };
    if fixed.fixed == 0 {
        return;
    }
    let again = fix_text(KIND, &fixed.text, FixMode::Unsafe, &options).expect("a fixed text fixes again");
    assert_eq!(again.text, fixed.text, "a second fix changed the text");
});
