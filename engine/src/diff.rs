//! heapy's `A.diff(B)` between two sets (of two heaps, or of one), and `A.disjoint(B)`.
//!
//! `A.diff(B)` is guppy3's `A.stat - B.by(A.er).stat` (`Stat.__sub__`): both sets are
//! partitioned by the same relation and rows are matched by label (B's rows with one label
//! summed). A's rows come first, in A's order, with A minus B; then the labels only B has,
//! negated, in B's order; rows whose count and size differences are both 0 are dropped; then
//! a stable sort by absolute size difference, largest first. One pass over each partition
//! with hash maps by label: no quadratic work. [`render_diff`] prints heapy's `DiffFormat`.

use crate::heap::set::ObjSet;
use crate::heap::Heap;
use crate::partition::{partition, Partition, Relation, Row};
use crate::render::{formatted_row, LINE_LENGTH, MAX_MORE_LINES};
use crate::textwrap::wrap;
use std::collections::HashMap;

/// One row of a diff: a label and A's minus B's count and size for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub label: String,
    /// A's count minus B's count.
    pub count: i64,
    /// A's size minus B's size.
    pub size: i64,
    /// The label's count and size in A's partition (all rows with this label).
    pub count_a: u64,
    pub size_a: u64,
    /// The label's count and size in B's partition.
    pub count_b: u64,
    pub size_b: u64,
    /// The sum of the size differences of this row and the rows above it.
    pub cumulative: i64,
}

impl DiffRow {
    /// Whether A's partition has a row with this label.
    pub fn in_a(&self) -> bool {
        self.count_a > 0 || self.size_a > 0
    }

    /// Whether B's partition has a row with this label.
    pub fn in_b(&self) -> bool {
        self.count_b > 0 || self.size_b > 0
    }
}

/// heapy's `A.diff(B)`: the totals of both sets and the rows of differences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub relation: Relation,
    /// heapy's kind header of the relation (A's table's), printed after the stat columns.
    pub header: String,
    pub a_count: u64,
    pub a_size: u64,
    pub b_count: u64,
    pub b_size: u64,
    pub rows: Vec<DiffRow>,
}

impl Diff {
    /// A's count minus B's (heapy's `A-B` count).
    pub fn count(&self) -> i64 {
        self.a_count as i64 - self.b_count as i64
    }

    /// A's size minus B's.
    pub fn size(&self) -> i64 {
        self.a_size as i64 - self.b_size as i64
    }
}

/// Why two sets cannot be diffed (heapy's `ValueError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DiffError(pub String);

/// heapy's `A.diff(B)` for `set_a` of `heap_a` and `set_b` of `heap_b` (which may be the
/// same heap) by `relation`. Fails only when the kind headers differ (a `byid` diff of sets
/// of different kinds), as heapy does.
pub fn diff(
    heap_a: &Heap,
    set_a: &ObjSet,
    heap_b: &Heap,
    set_b: &ObjSet,
    relation: Relation,
) -> Result<Diff, DiffError> {
    let header_of = |heap: &Heap, set: &ObjSet| match relation {
        Relation::Id => crate::heap::brief::id_header(heap, set),
        _ => relation.header().to_owned(),
    };
    let header = header_of(heap_a, set_a);
    let header_b = header_of(heap_b, set_b);
    if header != header_b {
        return Err(DiffError(format!("mismatching table kind header, {header:?} vs {header_b:?}")));
    }
    let ((pa, rows_a), (pb, rows_b)) =
        rayon::join(|| labelled(heap_a, set_a, relation), || labelled(heap_b, set_b, relation));
    Ok(Diff {
        relation,
        header,
        a_count: pa.count,
        a_size: pa.size,
        b_count: pb.count,
        b_size: pb.size,
        rows: diff_rows(&rows_a, &rows_b),
    })
}

/// A set's partition and its rows with their labels (per-object rows are labelled in parallel).
fn labelled(heap: &Heap, set: &ObjSet, relation: Relation) -> (Partition, Vec<Row>) {
    use rayon::prelude::*;
    let p = partition(heap, set, relation);
    let rows = (0..p.len()).into_par_iter().map(|i| p.row(heap, i)).collect();
    (p, rows)
}

/// What one label has on each side, and where the diff put it.
#[derive(Default)]
struct Entry {
    count_a: u64,
    size_a: u64,
    count_b: u64,
    size_b: u64,
    /// Whether B's rows of this label still wait for A's (heapy's `otab` still holds it).
    b_open: bool,
    /// The label's output row, once it has one (heapy's `stab`).
    out: Option<usize>,
}

/// The rows of `A - B` from both partitions' rows (each in heapy's row order), exactly as
/// guppy3's `Stat.__sub__` makes them. Each label is hashed once per row of each side.
pub fn diff_rows(a: &[Row], b: &[Row]) -> Vec<DiffRow> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(a.len().max(b.len()));
    // B's labels first, in the order of their first row: B-only rows come out in that order
    let mut entries: Vec<Entry> = Vec::with_capacity(b.len());
    let mut labels_b: Vec<&str> = Vec::new();
    for r in b {
        let k = *index.entry(r.label.as_str()).or_insert_with(|| {
            entries.push(Entry { b_open: true, ..Entry::default() });
            labels_b.push(r.label.as_str());
            entries.len() - 1
        });
        entries[k].count_b += r.count;
        entries[k].size_b += r.size;
    }
    let nb = entries.len();
    // (entry, label, count, size) of each output row
    let mut rows: Vec<(usize, &str, i64, i64)> = Vec::new();
    for r in a {
        let k = *index.entry(r.label.as_str()).or_insert_with(|| {
            entries.push(Entry::default());
            entries.len() - 1
        });
        let e = &mut entries[k];
        e.count_a += r.count;
        e.size_a += r.size;
        let (mut count, mut size) = (r.count as i64, r.size as i64);
        if e.b_open {
            e.b_open = false;
            count -= e.count_b as i64;
            size -= e.size_b as i64;
        }
        if count == 0 && size == 0 {
            continue;
        }
        match e.out {
            Some(o) => {
                rows[o].2 += count;
                rows[o].3 += size;
            }
            None => {
                e.out = Some(rows.len());
                rows.push((k, r.label.as_str(), count, size));
            }
        }
    }
    // the labels B has and A has not, negated, in B's order (entries 0..nb are B's labels)
    for (k, e) in entries[..nb].iter().enumerate().filter(|(_, e)| e.b_open) {
        rows.push((k, labels_b[k], -(e.count_b as i64), -(e.size_b as i64)));
    }
    // Python's sort(key=abs(size), reverse=True) is stable
    rows.sort_by_key(|r| std::cmp::Reverse(r.3.unsigned_abs()));
    let mut cumulative = 0;
    rows.into_iter()
        .map(|(k, label, count, size)| {
            cumulative += size;
            let e = &entries[k];
            DiffRow {
                label: label.to_owned(),
                count,
                size,
                count_a: e.count_a,
                size_a: e.size_a,
                count_b: e.count_b,
                size_b: e.size_b,
                cumulative,
            }
        })
        .collect()
}

/// heapy's `% of B` column: `'%9.3g' % (size * 100.0 / b_size)`, or `   (n.a.)` when B's
/// size is 0.
pub fn percent_of_b(size: i64, b_size: u64) -> String {
    if b_size == 0 {
        return "   (n.a.)".to_owned();
    }
    format!("{:>9}", format_g(size as f64 * 100.0 / b_size as f64, 3))
}

/// Python's `'%.{precision}g' % v` for a finite `v`.
pub fn format_g(v: f64, precision: usize) -> String {
    let p = precision.max(1);
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    let sci = format!("{:.*e}", p - 1, v);
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let strip = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s.to_owned()
        }
    };
    if exp < -4 || exp >= p as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", strip(mantissa), exp.unsigned_abs())
    } else {
        strip(&format!("{:.*}", (p as i32 - 1 - exp) as usize, v))
    }
}

const DIFF_STAT_HEADER: &str = " Index  Count     Size  Cumulative  % of B ";

/// The text heapy prints for `str(A.diff(B))`; with `all`, every row (heapy's `.all`).
pub fn render_diff(d: &Diff, all: bool) -> String {
    let (count, size) = (d.count(), d.size());
    // heapy prints with print(): each piece, then a newline; the whole is rstripped at the end
    let mut out = String::new();
    let mut print = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    let mut label = format!(
        "Summary of difference operation (A-B).\n        Count     Size\n  A    {:6} {:8}\n  B    {:6} {:8}\n  A-B  {:6} {:8}  = {} % of B\n",
        d.a_count,
        d.a_size,
        d.b_count,
        d.b_size,
        count,
        size,
        percent_of_b(size, d.b_size)
    );
    if count != 0 || size != 0 {
        label.push_str("\nDifferences by kind, largest absolute size diffs first.");
    }
    print(&label);
    if !d.rows.is_empty() {
        if count != 0 || size != 0 {
            let indent = " ".repeat(DIFF_STAT_HEADER.len());
            print(&wrap(&format!("{DIFF_STAT_HEADER}{}", d.header), LINE_LENGTH, "", &indent).join("\n"));
        } else {
            print("");
        }
        let n = d.rows.len();
        let shown = if all || n <= MAX_MORE_LINES + 1 { n } else { MAX_MORE_LINES };
        for (i, r) in d.rows.iter().take(shown).enumerate() {
            let fr = format!(
                "{:6} {:6} {:8} {:9} {} ",
                i,
                r.count,
                r.size,
                r.cumulative,
                percent_of_b(r.cumulative, d.b_size)
            );
            print(&formatted_row(&fr, &r.label).join("\n"));
        }
        if shown < n {
            print(&format!("<{} more rows. Type e.g. '_.more' to view.>", n - shown));
        }
    }
    // Python's str.rstrip(): whitespace, and the separators \x1c-\x1f
    out.trim_end_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)).to_owned()
}

/// heapy's `A.disjoint(B)` for two sets of one heap: whether they share no object.
pub fn disjoint(a: &ObjSet, b: &ObjSet) -> bool {
    let (a, b) = (a.as_slice(), b.as_slice());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_snapshot, Query};

    fn row(count: u64, size: u64, label: &str) -> Row {
        Row::new(count, size, label.to_owned())
    }

    fn brief(rows: &[DiffRow]) -> Vec<(&str, i64, i64, i64)> {
        rows.iter().map(|r| (r.label.as_str(), r.count, r.size, r.cumulative)).collect()
    }

    #[test]
    fn rows_match_by_label_then_b_only_negated_then_sorted_by_absolute_size() {
        let a = [row(3, 300, "x"), row(2, 200, "y"), row(1, 10, "same"), row(1, 5, "a only")];
        let b = [row(1, 100, "x"), row(9, 900, "b only"), row(1, 10, "same"), row(4, 250, "y"), row(1, 5, "b2")];
        let rows = diff_rows(&a, &b);
        assert_eq!(
            brief(&rows),
            [
                ("b only", -9, -900, -900),
                ("x", 2, 200, -700),
                ("y", -2, -50, -750),
                ("a only", 1, 5, -745),
                ("b2", -1, -5, -750)
            ]
        );
        assert_eq!((rows[2].count_a, rows[2].size_a, rows[2].count_b, rows[2].size_b), (2, 200, 4, 250));
        assert!(!rows[0].in_a() && rows[0].in_b());
    }

    #[test]
    fn repeated_labels_sum_as_heapy_does() {
        // B's rows with one label are summed; A's second row of a label adds to the first's
        let a = [row(2, 100, "k"), row(1, 40, "k")];
        let b = [row(1, 30, "k"), row(1, 20, "k")];
        assert_eq!(brief(&diff_rows(&a, &b)), [("k", 1, 90, 90)]);
        // the first row cancels B exactly and is dropped: the second stands alone
        let a = [row(2, 50, "k"), row(1, 40, "k")];
        assert_eq!(brief(&diff_rows(&a, &b)), [("k", 1, 40, 40)]);
    }

    #[test]
    fn percent_of_b_is_pythons_9_3g() {
        let cases = [
            (-1834, 116340, "    -1.58"),
            (0, 5, "        0"),
            (5, 5, "      100"),
            (123456, 100, " 1.23e+05"),
            (1, 10_000_000, "    1e-05"),
            (1, 1_000_000, "   0.0001"),
            (-999, 1000, "    -99.9"),
            (9995, 1000, "    1e+03"),
            (1, 8, "     12.5"),
            (9, 800, "     1.12"),
            (2675, 100000, "     2.67"),
        ];
        for (size, b, want) in cases {
            assert_eq!(format!("{:>9}", percent_of_b(size, b)), format!("{want:>9}"), "{size}/{b}");
        }
        assert_eq!(percent_of_b(3, 0), "   (n.a.)");
    }

    #[test]
    fn text_has_heapys_title_block_columns_and_paging() {
        let heap = Heap::new(read_snapshot(&crate::testing::small_snapshot()[..]).unwrap());
        let all = heap.select(&Query::parse("heap").unwrap()).unwrap().set;
        let strs = heap.select(&Query::parse("heap.bytype[\"str\"]").unwrap()).unwrap().set;
        let d = diff(&heap, &all, &heap, &strs, Relation::Type).unwrap();
        let text = render_diff(&d, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Summary of difference operation (A-B).");
        assert_eq!(lines[1], "        Count     Size");
        assert_eq!(lines[2], format!("  A    {:6} {:8}", 12, heap.total_size()));
        assert_eq!(lines[3], "  B         3      153");
        assert_eq!(lines[6], "Differences by kind, largest absolute size diffs first.");
        assert_eq!(lines[7], " Index  Count     Size  Cumulative  % of B Type");
        assert!(lines[8].starts_with("     0      5     1272      1272       831 dict"), "{}", lines[8]);
        assert!(!d.rows.iter().any(|r| r.label == "str"), "equal rows are dropped");
        // the same set: no differences, no header, and no row
        let same = diff(&heap, &all, &heap, &all, Relation::Clodo).unwrap();
        assert!(same.rows.is_empty());
        assert!(render_diff(&same, false).ends_with("  A-B       0        0  =         0 % of B"));
    }

    #[test]
    fn more_than_eleven_rows_print_ten_and_the_more_line() {
        let a: Vec<Row> = (0..12).map(|i| row(1, 10 + i, &format!("k{i}"))).collect();
        let d = Diff {
            relation: Relation::Size,
            header: "Individual Size".into(),
            a_count: 12,
            a_size: a.iter().map(|r| r.size).sum(),
            b_count: 0,
            b_size: 0,
            rows: diff_rows(&a, &[]),
        };
        let text = render_diff(&d, false);
        assert!(text.ends_with("<2 more rows. Type e.g. '_.more' to view.>"), "{text}");
        assert!(text.contains("     0      1       21        21    (n.a.) k11"), "{text}");
        assert_eq!(render_diff(&d, true).lines().count(), 8 + 12);
    }

    #[test]
    fn disjoint_sets_share_no_object() {
        let a = ObjSet::from_unsorted(vec![1, 5, 9]);
        assert!(disjoint(&a, &ObjSet::from_unsorted(vec![2, 6, 10])));
        assert!(!disjoint(&a, &ObjSet::from_unsorted(vec![0, 9])));
        assert!(disjoint(&a, &ObjSet::default()));
    }
}
