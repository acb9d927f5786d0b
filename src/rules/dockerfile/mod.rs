//! Dockerfile rules.
//!
//! The image's user is decided by the final stage alone: `USER` does not carry across `FROM`,
//! except that a stage built `FROM` an earlier stage starts with that stage's user.

pub mod empty_continuation;
pub mod final_user_missing;
pub mod final_user_root;
pub mod secret_in_env_arg;

use crate::diagnostic::Diagnostic;
use crate::dockerfile::Dockerfile;

/// Runs every Dockerfile rule on `file`, whose text is `text`.
pub fn check(file: &Dockerfile, text: &str, out: &mut Vec<Diagnostic>) {
    let stages = file.stages();
    if let Some(last) = stages.last() {
        match file.effective_user(last.index) {
            Some(user) => final_user_root::check(file, &stages, &user, out),
            None => final_user_missing::check(file, last, out),
        }
    }
    secret_in_env_arg::check(file, text, out);
    empty_continuation::check(file, out);
}
