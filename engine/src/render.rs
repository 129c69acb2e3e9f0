//! heapy's text for a partition: title, header, rows, and the `_.more` paging line.

use crate::partition::{percent, Partition};
use crate::textwrap::wrap;
use crate::Heap;

/// heapy's line length for tables.
pub const LINE_LENGTH: usize = 100;
/// Rows heapy prints before `<N more rows...>` (all rows print when there are at most 11).
pub const MAX_MORE_LINES: usize = 10;

const STAT_HEADER: &str = " Index  Count   %     Size   % Cumulative  % ";

/// `Partition of a set of N objects. Total size = S bytes.`
pub fn title(count: u64, size: u64) -> String {
    let s = if count == 1 { "" } else { "s" };
    format!("Partition of a set of {count} object{s}. Total size = {size} bytes.")
}

/// A row's numeric columns with heapy's cumulative size, computed once for the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowStats {
    pub count_pct: u32,
    pub size_pct: u32,
    pub cumulative: u64,
    pub cumulative_pct: u32,
}

/// The percentage columns and cumulative size of every row.
pub fn row_stats(heap: &Heap, p: &Partition) -> Vec<RowStats> {
    row_stats_upto(heap, p, p.len())
}

/// The percentage columns and cumulative size of the first `n` rows (no labels are made).
pub fn row_stats_upto(heap: &Heap, p: &Partition, n: usize) -> Vec<RowStats> {
    let mut cumulative = 0;
    (0..n.min(p.len()))
        .map(|i| {
            let (count, size) = p.count_size(heap, i);
            cumulative += size;
            RowStats {
                count_pct: percent(count, p.count),
                size_pct: percent(size, p.size),
                cumulative,
                cumulative_pct: percent(cumulative, p.size),
            }
        })
        .collect()
}

/// `Set of N <kind> objects. Total size = S bytes.` (heapy's byid title).
pub fn id_title(count: u64, kind: &str, size: u64) -> String {
    let s = if count == 1 { "" } else { "s" };
    format!("Set of {count} <{kind}> object{s}. Total size = {size} bytes.")
}

const ID_STAT_HEADER: &str = " Index     Size   %   Cumulative  %   ";

/// Python's `'%5.1f' % v` (round half to even on the binary value, like `%.0f`).
fn pct1(part: u64, whole: u64) -> String {
    let v = if whole == 0 { 0.0 } else { part as f64 * 100.0 / whole as f64 };
    format!("{v:5.1}")
}

/// heapy's byid table: `kind` is the set's kind name (`mixed` or a kind label) and
/// `header` the last column's header (`Brief`, `Address`, ...).
pub fn render_id(heap: &Heap, p: &Partition, kind: &str, header: &str, all: bool) -> String {
    let mut lines = vec![id_title(p.count, kind, p.size)];
    if p.is_empty() {
        return lines.remove(0);
    }
    let indent = " ".repeat(ID_STAT_HEADER.len());
    lines.extend(wrap(&format!("{ID_STAT_HEADER}{header}"), LINE_LENGTH, "", &indent));
    push_rows(heap, &mut lines, p, all, |i, row, cumulative| {
        format!("{:6} {:8} {} {:9} {} ", i, row.size, pct1(row.size, p.size), cumulative, pct1(cumulative, p.size))
    });
    lines.join("\n")
}

/// Appends the (paged) rows: the stat columns from `stats`, then the wrapped label.
fn push_rows(
    heap: &Heap,
    lines: &mut Vec<String>,
    p: &Partition,
    all: bool,
    stats: impl Fn(usize, &crate::Row, u64) -> String,
) {
    let shown = if all || p.len() <= MAX_MORE_LINES + 1 { p.len() } else { MAX_MORE_LINES };
    let mut cumulative = 0;
    for (i, row) in p.rows(heap).take(shown).enumerate() {
        cumulative += row.size;
        lines.extend(formatted_row(&stats(i, &row, cumulative), &row.label));
    }
    if shown < p.len() {
        lines.push(format!("<{} more rows. Type e.g. '_.more' to view.>", p.len() - shown));
    }
}

/// One row's lines as heapy's `Format.get_formatted_row` makes them: the stat columns `fr`,
/// then the label, each of its lines wrapped at [`LINE_LENGTH`] under the label column.
pub fn formatted_row(fr: &str, label: &str) -> Vec<String> {
    let pad = " ".repeat(fr.len());
    let mut parts = label.split('\n');
    let mut lines = wrap(&format!("{fr}{}", parts.next().unwrap_or("")), LINE_LENGTH, "", &pad);
    for more in parts {
        lines.extend(wrap(more, LINE_LENGTH, &pad, &pad));
    }
    lines
}

/// The text heapy prints for `str(partition)`; with `all`, every row (heapy's `.all`).
/// A byid partition needs [`render_id`] (its title and header depend on the set).
pub fn render(heap: &Heap, p: &Partition, all: bool) -> String {
    let mut lines = vec![title(p.count, p.size)];
    if p.is_empty() {
        return lines.remove(0);
    }
    let indent = " ".repeat(STAT_HEADER.len());
    lines.extend(wrap(&format!("{STAT_HEADER}{}", p.relation.header()), LINE_LENGTH, "", &indent));
    let stats = row_stats_upto(heap, p, if all { p.len() } else { MAX_MORE_LINES + 1 });
    push_rows(heap, &mut lines, p, all, |i, row, _| {
        let st = stats[i];
        format!(
            "{:6} {:6} {:3} {:8} {:3} {:9} {:3} ",
            i, row.count, st.count_pct, row.size, st.size_pct, st.cumulative, st.cumulative_pct
        )
    });
    lines.join("\n")
}

/// heapy's text for a partition of `set`, in the format its relation uses.
pub fn render_table(heap: &Heap, set: &crate::ObjSet, p: &Partition, all: bool) -> String {
    if p.relation == crate::Relation::Id {
        let kind = crate::heap::brief::id_kind_name(heap, set);
        render_id(heap, p, &kind, &crate::heap::brief::id_header(heap, set), all)
    } else {
        render(heap, p, all)
    }
}

#[cfg(test)]
mod tests {
    use crate::partition::{Partition, Relation, Row};
    use crate::{read_snapshot, Heap};

    fn partition_of(n: usize) -> Partition {
        partition_labelled(n, |i| format!("k{i:02}"))
    }

    fn partition_labelled(n: usize, label: impl Fn(usize) -> String) -> Partition {
        let rows: Vec<Row> = (0..n).map(|i| Row::new(1, 100 - i as u64, label(i))).collect();
        let size = rows.iter().map(|r| r.size).sum();
        Partition::from_rows(Relation::Type, n as u64, size, rows)
    }

    /// Rows made by hand need no heap; `render` takes one for per-object rows.
    fn render(p: &Partition, all: bool) -> String {
        let heap = Heap::new(read_snapshot(&crate::testing::small_snapshot()[..]).unwrap());
        super::render(&heap, p, all)
    }

    #[test]
    fn eleven_rows_print_whole() {
        let text = render(&partition_of(11), false);
        assert_eq!(text.lines().count(), 13);
        assert!(!text.contains("more rows"));
    }

    #[test]
    fn twelve_rows_print_ten_and_the_more_line() {
        let text = render(&partition_of(12), false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 13);
        assert_eq!(lines[11], "     9      1   8       91   8       955  84 k09");
        assert_eq!(lines[12], "<2 more rows. Type e.g. '_.more' to view.>");
        assert_eq!(render(&partition_of(12), true).lines().count(), 14);
    }

    #[test]
    fn long_labels_wrap_under_the_label_column() {
        let p = partition_labelled(1, |_| format!("{} {}", "a".repeat(40), "b".repeat(40)));
        let text = render(&p, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2].len(), 45 + 40);
        assert_eq!(lines[3], format!("{}{}", " ".repeat(45), "b".repeat(40)));
    }
}
