//! The difference of two packages, `A - B`, as heapy's `Stat.__sub__` makes it (what
//! `A.diff(B)` prints): rows matched by label, B's rows missing from A negated, rows whose
//! count and size differences are both 0 dropped, stable sort by |size| descending.

use super::{DumpFormat, Package, StatRow};
use std::collections::HashMap;

/// `a - b` as a `DiffFormat` package made at `timemade`, or why the tables cannot be
/// compared (heapy refuses tables with different kind headers).
pub fn diff(a: &Package, b: &Package, timemade: f64) -> Result<Package, String> {
    if a.kindheader != b.kindheader {
        return Err(format!("mismatching table kind header, {:?} vs {:?}", a.kindheader, b.kindheader));
    }
    // B's rows by label (a label seen twice adds up), remembering the first index
    let mut other: HashMap<&str, (i64, i64, usize)> = HashMap::new();
    for (i, r) in b.rows.iter().enumerate() {
        let e = other.entry(&r.label).or_insert((0, 0, i));
        e.0 += r.count;
        e.1 += r.size;
    }
    let mut rows: Vec<StatRow> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for r in &a.rows {
        let (count, size) = match other.remove(r.label.as_str()) {
            Some((c, s, _)) => (r.count - c, r.size - s),
            None => (r.count, r.size),
        };
        if count == 0 && size == 0 {
            continue;
        }
        match at.get(r.label.as_str()) {
            Some(&i) => {
                rows[i].count += count;
                rows[i].size += size;
            }
            None => {
                at.insert(&r.label, rows.len());
                rows.push(StatRow { count, size, label: r.label.clone() });
            }
        }
    }
    let mut only_b: Vec<(&str, (i64, i64, usize))> = other.into_iter().collect();
    only_b.sort_by_key(|(_, (_, _, i))| *i);
    rows.extend(only_b.into_iter().map(|(label, (c, s, _))| StatRow { count: -c, size: -s, label: label.to_owned() }));
    rows.sort_by_key(|r| std::cmp::Reverse(r.size.abs()));
    Ok(Package {
        format: DumpFormat::Diff,
        timemade,
        count: rows.iter().map(|r| r.count).sum(),
        size: rows.iter().map(|r| r.size).sum(),
        kindname: a.kindname.clone(),
        kindheader: a.kindheader.clone(),
        b_count: Some(b.count),
        b_size: Some(b.size),
        rows,
        line: 0,
    })
}
