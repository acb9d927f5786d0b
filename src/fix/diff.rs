//! Unified diffs for `--diff`, with `a/` and `b/` headers so `git apply` and `patch -p1`
//! accept them.

use similar::TextDiff;

/// Returns the unified diff turning `old` into `new` for the file at `path` (a relative path
/// with `/` separators), or an empty string when they are equal.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let mut unified = diff.unified_diff();
    unified
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&header("a", path), &header("b", path));
    unified.to_string()
}

/// A diff header path. A path with whitespace ends with a tab, which `patch` needs to tell
/// where the name ends; `git apply` accepts it too.
fn header(side: &str, path: &str) -> String {
    if path.contains(char::is_whitespace) {
        format!("{side}/{path}\t")
    } else {
        format!("{side}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_hunk() {
        let diff = unified("app/compose.yaml", "a\nb\n", "a\nx\nb\n");
        assert!(diff.starts_with("--- a/app/compose.yaml\n+++ b/app/compose.yaml\n"));
        assert!(diff.contains("@@ -1,2 +1,3 @@\n a\n+x\n b\n"));
    }

    #[test]
    fn equal_texts_give_no_diff() {
        assert_eq!(unified("f", "a\n", "a\n"), "");
    }

    #[test]
    fn crlf_is_kept() {
        let diff = unified("f", "a\r\n", "a\r\nb\r\n");
        assert!(diff.contains("+b\r\n"));
    }
}
