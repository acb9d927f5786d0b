//! `--statistics`: the number of findings per rule, most frequent first.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::lint::FileReport;
use crate::rules::RuleMeta;

/// Writes one line per rule with findings: count, code, name, and how many have a fix.
pub fn write(out: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    let mut counts: BTreeMap<&'static str, (&'static RuleMeta, usize, usize)> = BTreeMap::new();
    for diagnostic in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = counts
            .entry(diagnostic.rule.code)
            .or_insert((diagnostic.rule, 0, 0));
        entry.1 += 1;
        entry.2 += usize::from(diagnostic.fix.is_some());
    }
    let mut rows: Vec<_> = counts.into_values().collect();
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
