//! Checks shared by the fuzz targets.

use dhlint::discovery::FileKind;
use dhlint::fix::{FixMode, fix_text};
use dhlint::lint::LintOptions;

/// Fixes arbitrary bytes as a file of `kind` with every fix, safe and unsafe, and panics when the
/// fixer's own check rejects the result or when a second fix changes the text again.
pub fn fix_twice(kind: FileKind, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = LintOptions::default();
    // A fix that fails its own check writes nothing, which keeps the file safe, but it is still
    // a bug: the edit should have been right or rejected.
    // The first fix remembers parsed trees, as a run of `dhlint --fix` does; the second does not.
    let first = {
        let _remember = dhlint::yaml::RememberTrees::start();
        fix_text(kind, text, FixMode::Unsafe, &options)
    };
    let fixed = match first {
        Ok(fixed) => fixed,
        Err(error) => panic!("the fixed text failed the fixer's check: {error}"),
    };
    if fixed.fixed == 0 {
        return;
    }
    let again =
        fix_text(kind, &fixed.text, FixMode::Unsafe, &options).expect("a fixed text fixes again");
    assert_eq!(again.text, fixed.text, "a second fix changed the text");
}
