//! A series of tables over time (heapy's profile browser, `hp.pb()`): each sample a table
//! (a package of a dump file, or a snapshot partitioned by a relation), and the top K kinds
//! across all samples by size or count, with everything else in one `<Other>` kind.

use crate::heapydump::{partition_package, Package};
use crate::partition::{partition, Relation};
use crate::Heap;
use std::collections::HashMap;

/// What the kinds are ranked and stacked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Size,
    Count,
}

impl Measure {
    pub fn parse(name: &str) -> Option<Measure> {
        match name {
            "size" => Some(Measure::Size),
            "count" => Some(Measure::Count),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Measure::Size => "size",
            Measure::Count => "count",
        }
    }
}

/// The label heapy's profile browser gives the rest of the kinds.
pub const OTHER: &str = "<Other>";

/// The top kinds of a series: `kinds[j]` is a label (the last may be [`OTHER`]) and
/// `values[i][j]` its (count, size) in sample `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopKinds {
    pub kinds: Vec<String>,
    pub values: Vec<Vec<(i64, i64)>>,
}

/// A snapshot's heap partitioned by `relation` as one sample (a `SetFormat` package made
/// at the capture time).
pub fn heap_sample(heap: &Heap, relation: Relation) -> Package {
    let set = heap.heap();
    partition_package(heap, set, &partition(heap, set, relation), heap.snap.meta.time)
}

/// The `k` kinds whose largest value over the samples is largest (ties by label), with
/// their (count, size) per sample; the rest of each sample's totals in `<Other>` when any
/// sample has some.
pub fn top_kinds(samples: &[&Package], measure: Measure, k: usize) -> TopKinds {
    let pick = |c: i64, s: i64| if measure == Measure::Size { s } else { c };
    let mut peak: HashMap<&str, i64> = HashMap::new();
    for p in samples {
        for r in &p.rows {
            let v = peak.entry(&r.label).or_insert(i64::MIN);
            *v = (*v).max(pick(r.count, r.size));
        }
    }
    let mut ranked: Vec<(&str, i64)> = peak.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let shown = ranked.len().min(k);
    let column: HashMap<&str, usize> = ranked[..shown].iter().enumerate().map(|(j, (l, _))| (*l, j)).collect();
    let mut values: Vec<Vec<(i64, i64)>> = samples
        .iter()
        .map(|p| {
            let mut row = vec![(0, 0); shown + 1];
            for r in &p.rows {
                if let Some(&j) = column.get(r.label.as_str()) {
                    row[j].0 += r.count;
                    row[j].1 += r.size;
                }
            }
            let (c, s) = row[..shown].iter().fold((0, 0), |acc, v| (acc.0 + v.0, acc.1 + v.1));
            row[shown] = (p.count - c, p.size - s);
            row
        })
        .collect();
    let mut kinds: Vec<String> = ranked[..shown].iter().map(|(l, _)| (*l).to_owned()).collect();
    if values.iter().any(|row| row[shown] != (0, 0)) {
        kinds.push(OTHER.to_owned());
    } else {
        values.iter_mut().for_each(|row| {
            row.pop();
        });
    }
    TopKinds { kinds, values }
}

/// What snapshots of one process share: host, pid and the process's start time (when the
/// capture recorded it; else the command line, so a reused pid rarely joins two processes).
pub fn process_key(meta: &crate::Meta) -> String {
    match meta.process_start {
        Some(t) => format!("{}:{}:{:.2}", meta.hostname, meta.pid, t),
        None => format!("{}:{}:{}:{}", meta.hostname, meta.pid, meta.executable, meta.argv.join("\u{1f}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heapydump::{DumpFormat, StatRow};

    fn sample(rows: &[(&str, i64, i64)]) -> Package {
        Package {
            format: DumpFormat::Set,
            timemade: 0.0,
            count: rows.iter().map(|r| r.1).sum(),
            size: rows.iter().map(|r| r.2).sum(),
            kindname: String::new(),
            kindheader: "Type".into(),
            b_count: None,
            b_size: None,
            rows: rows.iter().map(|&(l, c, s)| StatRow { count: c, size: s, label: l.into() }).collect(),
            line: 0,
        }
    }

    #[test]
    fn top_kinds_rank_by_peak_and_keep_totals_in_other() {
        let a = sample(&[("str", 10, 500), ("dict", 2, 400), ("list", 1, 60)]);
        let b = sample(&[("dict", 5, 1000), ("tuple", 9, 450)]);
        let t = top_kinds(&[&a, &b], Measure::Size, 2);
        assert_eq!(t.kinds, ["dict", "str", OTHER]);
        assert_eq!(t.values[0], [(2, 400), (10, 500), (1, 60)]);
        assert_eq!(t.values[1], [(5, 1000), (0, 0), (9, 450)]);
        let by_count = top_kinds(&[&a, &b], Measure::Count, 9);
        assert_eq!(by_count.kinds, ["str", "tuple", "dict", "list"]);
        // every sample's values add up to its totals
        for (row, p) in t.values.iter().zip([&a, &b]) {
            assert_eq!(row.iter().map(|v| v.1).sum::<i64>(), p.size);
        }
    }
}
