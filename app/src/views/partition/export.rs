//! The table's files: CSV and JSON of a whole partition, their names, and the label filter
//! (pure functions, host-tested).

use heaplens_wire::{PartitionRow, PartitionView};

/// What a spreadsheet takes as the start of a formula (OWASP's "CSV injection").
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The CSV's columns, in order.
pub const CSV_HEADER: [&str; 9] =
    ["index", "count", "count_pct", "size", "size_pct", "cumulative", "cumulative_pct", "label", "query"];

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or
/// surrounding spaces, with quotes doubled. A field a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return: heap strings are the
/// program's data, anyone's) gets a leading `'`, as OWASP advises; the rest stays exactly as is.
pub fn csv_field(s: &str) -> String {
    let neutralised;
    let s = if s.starts_with(FORMULA_STARTS) {
        neutralised = format!("'{s}");
        neutralised.as_str()
    } else {
        s
    };
    let needs_quotes = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A CSV file of rows: a header line, then one line per row, lines ended by CRLF.
pub fn csv(rows: &[PartitionRow]) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str(&CSV_HEADER.join(","));
    out.push_str("\r\n");
    for r in rows {
        let fields = [
            r.index.to_string(),
            r.count.to_string(),
            r.count_pct.to_string(),
            r.size.to_string(),
            r.size_pct.to_string(),
            r.cumulative.to_string(),
            r.cumulative_pct.to_string(),
            csv_field(&r.label),
            csv_field(&r.query),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The JSON file: the server's partition view with every row (`offset` 0), exactly as
/// `/api/snapshots/{id}/partition?offset=0&limit=ALL` answers it.
pub fn json(head: &PartitionView, rows: Vec<PartitionRow>) -> String {
    let view = PartitionView { offset: 0, rows, ..head.clone() };
    serde_json::to_string(&view).unwrap_or_default()
}

/// A file name for a partition: `heaplens-demo-heap.byclodo_0_-by-type.csv`, made of
/// characters every file system accepts, at most about 120 characters.
pub fn file_name(snapshot: &str, query: &str, relation: &str, ext: &str) -> String {
    let clean = |s: &str, max: usize| -> String {
        let mut out: String = s
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' })
            .take(max)
            .collect();
        while out.contains("__") {
            out = out.replace("__", "_");
        }
        out.trim_matches(|c| c == '_' || c == '.').to_owned()
    };
    format!("heaplens-{}-{}-by-{}.{ext}", clean(snapshot, 40), clean(query, 60), clean(relation, 20))
}

/// The filter's needle: lower case, surrounding spaces dropped; `None` for no filter.
pub fn needle(filter: &str) -> Option<String> {
    let t = filter.trim();
    (!t.is_empty()).then(|| t.to_lowercase())
}

/// Whether `label` contains `needle` (already lower case), ignoring case.
pub fn label_matches(label: &str, needle: &str) -> bool {
    if label.is_ascii() && needle.is_ascii() {
        let (h, n) = (label.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        label.to_lowercase().contains(needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: u32, label: &str) -> PartitionRow {
        PartitionRow {
            index: i,
            count: 3,
            count_pct: 50,
            size: 1024,
            size_pct: 20,
            cumulative: 2048,
            cumulative_pct: 40,
            label: label.into(),
            query: format!("heap.byvia[{i}]"),
            addr: None,
        }
    }

    /// A small RFC 4180 reader, to check that what we write reads back exactly.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = vec![];
        let mut row = vec![];
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => field.push(c),
            }
        }
        rows
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_reads_back() {
        let labels = [
            "plain",
            "'.__dict__', '.__globals__'",
            "\"['session']\", '.token'",
            "line\nbreak",
            "cr\rlf\r\n",
            "<img src=x onerror=alert(1)>",
            "</text><script>alert(1)</script>",
            "      184",
            "=HYPERLINK(\"x\")",
            "",
            "ünïcödé \u{202e}",
        ];
        let rows: Vec<PartitionRow> = labels.iter().enumerate().map(|(i, l)| row(i as u32, l)).collect();
        let text = csv(&rows);
        assert!(text.starts_with("index,count,count_pct,size,size_pct,cumulative,cumulative_pct,label,query\r\n"));
        let parsed = parse_csv(&text);
        assert_eq!(parsed.len(), rows.len() + 1);
        for (r, p) in rows.iter().zip(&parsed[1..]) {
            assert_eq!(p.len(), 9);
            assert_eq!(p[0], r.index.to_string());
            assert_eq!(p[3], "1024");
            let formula = r.label.starts_with(FORMULA_STARTS);
            assert_eq!(p[7], if formula { format!("'{}", r.label) } else { r.label.clone() });
            assert_eq!(p[8], r.query);
        }
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("x"), "x");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            ("=1+1", "'=1+1"),
            ("+41 22", "'+41 22"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "\"'\r=1\""),
            ("a=1", "a=1"),
            ("dict of x", "dict of x"),
            (" =1", "\" =1\""),
        ] {
            assert_eq!(csv_field(cell), want, "{cell:?}");
        }
        let text = csv(&[row(0, "=cmd|' /C calc'!A0")]);
        let line = text.lines().nth(1).unwrap();
        assert!(line.contains(",'=cmd|' /C calc'!A0,"), "{line}");
    }

    #[test]
    fn json_is_the_whole_partition() {
        let head = PartitionView {
            snapshot: "demo".into(),
            query: "heap".into(),
            relation: "via".into(),
            title: "Partition of a set of 6 objects. Total size = 2048 bytes.".into(),
            header: "Referred Via:".into(),
            count: 6,
            size: 2048,
            total_rows: 2,
            matched_rows: None,
            offset: 0,
            rows: vec![],
            breadcrumbs: vec![],
        };
        let text = json(&head, vec![row(0, "a\"<b>"), row(1, "c")]);
        let back: PartitionView = serde_json::from_str(&text).unwrap();
        assert_eq!(back.rows.len(), 2);
        assert_eq!(back.rows[0].label, "a\"<b>");
        assert_eq!(back.title, head.title);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("demo", "heap", "clodo", "csv"), "heaplens-demo-heap-by-clodo.csv");
        assert_eq!(
            file_name("demo", "heap.byclodo[\"dict of a.B\"]", "type", "json"),
            "heaplens-demo-heap.byclodo_dict_of_a.B-by-type.json"
        );
        let n = file_name("../../etc/passwd", "</script>", "a/b", "csv");
        assert!(!n.contains('/') && !n.contains('<'), "{n}");
        assert!(file_name("s", &"q".repeat(1000), "r", "csv").len() < 130);
    }

    #[test]
    fn filter_ignores_case() {
        let n = needle("  Dict Of ").unwrap();
        assert!(label_matches("dict of __main__.Node", &n));
        assert!(label_matches("DICT OF X", &n));
        assert!(!label_matches("dict (no owner)", &n));
        assert_eq!(needle("   "), None);
        assert!(label_matches("ÜBER straße", &needle("über").unwrap()));
        assert!(label_matches("<img src=x onerror=alert(1)>", &needle("<IMG").unwrap()));
    }
}
