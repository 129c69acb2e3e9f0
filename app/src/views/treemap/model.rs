//! The treemap's model: the server's rows and their children as cells numbered in layout order,
//! and the numbers-only JSON tree d3 lays out (pure, host-tested).

use heaplens_wire::{TreemapCell, TreemapView};

use crate::ui::format::grouped;

/// Relations that split a set into single objects (a cell is then one object).
pub(super) const PER_OBJECT: [&str; 2] = ["id", "idset"];

/// One rectangle's data, by the number `k` the layout refers to.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub(super) label: String,
    pub(super) count: u64,
    pub(super) size: u64,
    /// The query selecting it; `None` for an aggregate of the rows left out.
    pub(super) query: Option<String>,
    /// Rows aggregated (for "other" cells).
    pub(super) other_rows: u64,
    /// The parent's number, for a cell of the second level.
    pub(super) parent: Option<usize>,
    /// Whether it is one object (a `byid`/`byidset` row).
    pub(super) single: bool,
    /// Top-level position (colour).
    pub(super) hue_index: usize,
    /// The row's retained size, when the areas show it.
    pub(super) retained: Option<u64>,
}

/// The cells of `view` in layout order (parents before their children), and the JSON tree
/// d3 lays out (numbers only: `k` the cell number, `v` bytes).
pub(super) fn flatten(view: &TreemapView) -> (Vec<Cell>, String) {
    let per_object = PER_OBJECT.contains(&view.relation.as_str());
    let mut cells: Vec<Cell> = Vec::new();
    let mut json = String::from("{\"k\":-1,\"v\":0,\"children\":[");
    let mut first = true;
    let push_other = |cells: &mut Vec<Cell>,
                      json: &mut String,
                      first: &mut bool,
                      o: &heaplens_wire::TreemapOther,
                      parent: Option<usize>,
                      hue: usize| {
        let k = cells.len();
        cells.push(Cell {
            label: format!("{} more rows", grouped(o.rows)),
            count: o.count,
            size: o.size,
            query: None,
            other_rows: o.rows,
            parent,
            single: false,
            hue_index: hue,
            retained: None,
        });
        if !*first {
            json.push(',');
        }
        *first = false;
        json.push_str(&format!("{{\"k\":{k},\"v\":{}}}", o.size));
    };
    for (i, c) in view.cells.iter().enumerate() {
        let k = cells.len();
        cells.push(cell(c, None, i, per_object));
        if !first {
            json.push(',');
        }
        first = false;
        if c.children.is_empty() {
            json.push_str(&format!("{{\"k\":{k},\"v\":{}}}", c.retained.unwrap_or(c.size)));
            continue;
        }
        json.push_str(&format!("{{\"k\":{k},\"v\":0,\"children\":["));
        let mut inner_first = true;
        for ch in &c.children {
            let kc = cells.len();
            cells.push(cell(ch, Some(k), i, false));
            if !inner_first {
                json.push(',');
            }
            inner_first = false;
            json.push_str(&format!("{{\"k\":{kc},\"v\":{}}}", ch.size));
        }
        if let Some(o) = &c.other {
            push_other(&mut cells, &mut json, &mut inner_first, o, Some(k), i);
        }
        json.push_str("]}");
    }
    // sized by retained size, the rows left out are not drawn: their sizes are another measure
    let by_retained = view.cells.first().is_some_and(|c| c.retained.is_some());
    if let Some(o) = view.other.as_ref().filter(|_| !by_retained) {
        let hue = view.cells.len();
        push_other(&mut cells, &mut json, &mut first, o, None, hue);
    }
    json.push_str("]}");
    (cells, json)
}

pub(super) fn cell(c: &TreemapCell, parent: Option<usize>, hue_index: usize, per_object: bool) -> Cell {
    Cell {
        label: c.label.clone(),
        count: c.count,
        size: c.size,
        query: Some(c.query.clone()),
        other_rows: 0,
        parent,
        single: per_object && c.count == 1,
        hue_index,
        retained: c.retained,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heaplens_wire::TreemapOther;

    fn c(label: &str, size: u64, children: Vec<TreemapCell>) -> TreemapCell {
        TreemapCell {
            label: label.into(),
            count: 1,
            size,
            index: 0,
            query: format!("q.{label}"),
            children,
            other: None,
            retained: None,
        }
    }

    #[test]
    fn flattening_numbers_parents_before_children_and_keeps_labels_out_of_the_json() {
        let v = TreemapView {
            snapshot: "s".into(),
            query: "heap".into(),
            relation: "clodo".into(),
            then: Some("type".into()),
            count: 3,
            size: 60,
            cells: vec![
                c("<img src=x onerror=alert(1)>", 50, vec![c("a", 30, vec![]), c("b", 15, vec![])]),
                c("d\"}", 10, vec![]),
            ],
            other: Some(TreemapOther { rows: 4, count: 4, size: 5 }),
        };
        let mut v2 = v.clone();
        v2.cells[0].other = Some(TreemapOther { rows: 2, count: 2, size: 5 });
        let (cells, json) = flatten(&v2);
        assert_eq!(cells.len(), 6);
        assert_eq!(cells[1].parent, Some(0));
        assert_eq!(cells[3].query, None); // the first row's other children
        assert_eq!(cells[5].label, "4 more rows");
        assert!(!json.contains("img") && !json.contains("d\\\""));
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["children"][0]["children"][2]["v"], 5);
        assert_eq!(parsed["children"][2]["k"], 5);
    }
}
