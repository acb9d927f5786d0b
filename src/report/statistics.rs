//! `--statistics`: the number of findings per rule, most frequent first.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::lint::FileReport;
use crate::rules::RuleMeta;

/// The findings of one rule: the rule, the count, and how many have a safe fix and how many
/// an unsafe one.
pub type Row = (&'static RuleMeta, usize, usize, usize);

/// Counts the findings of one file per rule.
pub fn count(report: &FileReport) -> Vec<Row> {
    let mut counts: BTreeMap<&'static str, Row> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        let entry = counts
            .entry(diagnostic.rule.code)
            .or_insert((diagnostic.rule, 0, 0, 0));
        entry.1 += 1;
        match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
            Some(crate::fix::Applicability::Safe) => entry.2 += 1,
            Some(crate::fix::Applicability::Unsafe) => entry.3 += 1,
            None => {}
        }
    }
    counts.into_values().collect()
}

/// Writes one line per rule with findings: count, code, name, and how many `--fix` and
/// `--fix --unsafe-fixes` would fix.
pub fn write(out: &mut dyn Write, mut rows: Vec<Row>) -> io::Result<()> {
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.code.cmp(b.0.code)));
    for (rule, count, safe, unsafe_fixes) in rows {
        let fixable = match (safe, unsafe_fixes) {
            (0, 0) => String::new(),
            (safe, 0) => format!(" ({safe} fixable)"),
            (0, unsafe_fixes) => format!(" ({unsafe_fixes} fixable with --unsafe-fixes)"),
            (safe, unsafe_fixes) => {
                format!(" ({safe} fixable, {unsafe_fixes} more with --unsafe-fixes)")
            }
        };
        writeln!(out, "{count:>6}  {}  {}{fixable}", rule.code, rule.name)?;
    }
    Ok(())
}
