//! heapy's text for a partition: title, header, rows, and the `_.more` paging line.

use crate::partition::{percent, Partition};
use crate::textwrap::wrap;

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
pub fn row_stats(p: &Partition) -> Vec<RowStats> {
    let mut cumulative = 0;
    p.rows
        .iter()
        .map(|r| {
            cumulative += r.size;
            RowStats {
                count_pct: percent(r.count, p.count),
                size_pct: percent(r.size, p.size),
                cumulative,
                cumulative_pct: percent(cumulative, p.size),
            }
        })
        .collect()
}

/// The text heapy prints for `str(partition)`; with `all`, every row (heapy's `.all`).
pub fn render(p: &Partition, all: bool) -> String {
    let mut lines = vec![title(p.count, p.size)];
    if p.rows.is_empty() {
        return lines.remove(0);
    }
    let indent = " ".repeat(STAT_HEADER.len());
    lines.extend(wrap(&format!("{STAT_HEADER}{}", p.relation.header()), LINE_LENGTH, "", &indent));
    let shown = if all || p.rows.len() <= MAX_MORE_LINES + 1 { p.rows.len() } else { MAX_MORE_LINES };
    for (i, (row, st)) in p.rows.iter().zip(row_stats(p)).take(shown).enumerate() {
        let fr = format!(
            "{:6} {:6} {:3} {:8} {:3} {:9} {:3} ",
            i, row.count, st.count_pct, row.size, st.size_pct, st.cumulative, st.cumulative_pct
        );
        let pad = " ".repeat(fr.len());
        let mut parts = row.label.split('\n');
        lines.extend(wrap(&format!("{fr}{}", parts.next().unwrap_or("")), LINE_LENGTH, "", &pad));
        for more in parts {
            lines.extend(wrap(more, LINE_LENGTH, &pad, &pad));
        }
    }
    if shown < p.rows.len() {
        lines.push(format!("<{} more rows. Type e.g. '_.more' to view.>", p.rows.len() - shown));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::partition::{Partition, Relation, Row};

    fn partition_of(n: usize) -> Partition {
        let rows: Vec<Row> = (0..n).map(|i| Row::new(1, 100 - i as u64, format!("k{i:02}"))).collect();
        let size = rows.iter().map(|r| r.size).sum();
        Partition { relation: Relation::Type, count: n as u64, size, rows }
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
        let mut p = partition_of(1);
        p.rows[0].label = format!("{} {}", "a".repeat(40), "b".repeat(40));
        let text = render(&p, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2].len(), 45 + 40);
        assert_eq!(lines[3], format!("{}{}", " ".repeat(45), "b".repeat(40)));
    }
}
