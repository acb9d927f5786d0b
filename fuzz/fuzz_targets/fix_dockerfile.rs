//! Fixes arbitrary text as a Dockerfile with every fix, safe and unsafe. The fixer's own
//! check must accept the result (it parses and keeps every original key and value), and a
//! second fix must change nothing.
#![no_main]

use dhlint::discovery::FileKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| dhlint_fuzz::fix_twice(FileKind::Dockerfile, data));
