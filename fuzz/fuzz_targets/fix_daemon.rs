//! Fixes arbitrary text as a daemon configuration (`daemon.json`) with every fix, safe and
//! unsafe. The fixer's own check must accept the result (it is strict JSON and keeps every
//! original key and value except those a fix changes), and a second fix must change nothing.
#![no_main]

use dhlint::discovery::FileKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| dhlint_fuzz::fix_twice(FileKind::Daemon, data));
