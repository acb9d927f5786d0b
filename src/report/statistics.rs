//! `--statistics`: the number of findings per rule, most frequent first.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::lint::FileReport;
use crate::rules::RuleMeta;

/// Counts the findings of one file per rule: the rule, the count, and how many have a fix.
pub fn count(report: &FileReport) -> Vec<(&'static RuleMeta, usize, usize)> {
    let mut counts: BTreeMap<&'static str, (&'static RuleMeta, usize, usize)> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        let entry = counts
            .entry(diagnostic.rule.code)
            .or_insert((diagnostic.rule, 0, 0));
        entry.1 += 1;
        entry.2 += usize::from(diagnostic.fix.is_some());
    }
    counts.into_values().collect()
}

/// Writes one line per rule with findings: count, code, name, and how many have a fix.
pub fn write(
    out: &mut dyn Write,
    mut rows: Vec<(&'static RuleMeta, usize, usize)>,
) -> io::Result<()> {
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.code.cmp(b.0.code)));
    for (rule, count, fixable) in rows {
        let fixable = if fixable > 0 {
            format!(" ({fixable} fixable)")
        } else {
            String::new()
        };
        writeln!(out, "{count:>6}  {}  {}{fixable}", rule.code, rule.name)?;
    }
    Ok(())
}
