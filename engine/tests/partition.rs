//! Kinds, partitions, queries and heapy's text on a small hand-built heap.

use heaplens_engine::partition::{partition, percent};
use heaplens_engine::render::render;
use heaplens_engine::testing as common;
use heaplens_engine::{read_snapshot, Heap, Query, Relation};

fn heap() -> Heap {
    Heap::new(read_snapshot(&common::small_snapshot()).unwrap())
}

#[test]
fn heap_is_everything_reachable_except_the_root() {
    let h = heap();
    assert_eq!(h.heap().len(), 12);
    assert_eq!(h.total_size(), 640 + 72 + 360 + 56 + 104 + 56 + 104 + 88 + 50 + 51 + 52 + 64);
}

#[test]
fn dict_kinds_follow_their_owner() {
    let h = heap();
    let p = partition(&h, h.heap(), Relation::Clodo);
    let labels: Vec<(&str, u64, u64)> = p.rows.iter().map(|r| (r.label.as_str(), r.count, r.size)).collect();
    assert_eq!(
        labels,
        vec![
            ("dict (no owner)", 2, 704),
            ("dict of module", 1, 360),
            ("dict of m.A", 2, 208),
            ("str", 3, 153),
            ("m.A", 2, 112),
            ("list", 1, 88),
            ("module", 1, 72),
        ]
    );
}

#[test]
fn rows_with_equal_size_sort_by_label() {
    let h = heap();
    let set = h.select(&Query::parse("heap.bytype[\"dict\"]").unwrap()).unwrap().set;
    let p = partition(&h, &set, Relation::Size);
    let labels: Vec<&str> = p.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, vec!["      640", "      360", "      104", "       64"]);
    assert_eq!(p.rows[2].count, 2);
}

#[test]
fn module_relation_names_modules_only() {
    let h = heap();
    let p = partition(&h, h.heap(), Relation::Module);
    let labels: Vec<&str> = p.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, vec!["~module", "m"]);
}

#[test]
fn percentages_round_half_to_even_like_python() {
    assert_eq!(percent(1, 40), 2); // 2.5
    assert_eq!(percent(7, 200), 4); // 3.5
    assert_eq!(percent(1, 200), 0); // 0.5
    assert_eq!(percent(3, 3), 100);
    assert_eq!(percent(0, 0), 0);
}

#[test]
fn queries_select_rows_by_index_and_label() {
    let h = heap();
    let by_index = h.select(&Query::parse("heap.byclodo[2]").unwrap()).unwrap();
    let by_label = h.select(&Query::parse("heap.byclodo[\"dict of m.A\"]").unwrap()).unwrap();
    assert_eq!(by_index.set, by_label.set);
    assert_eq!(by_index.set.len(), 2);
    assert_eq!(by_index.crumbs[0].label, "dict of m.A");
    let last = h.select(&Query::parse("heap.byclodo[-1]").unwrap()).unwrap();
    assert_eq!(last.crumbs[0].label, "module");
}

#[test]
fn query_errors_point_at_the_problem() {
    let e = Query::parse("heap.byclodo[2].bykind").unwrap_err();
    assert_eq!(e.position, 16);
    assert!(e.message.contains("unknown relation `bykind`"), "{}", e.message);
    assert_eq!(Query::parse("heep").unwrap_err().position, 0);
    assert_eq!(Query::parse("heap.byclodo[\"x").unwrap_err().position, 13);
    let h = heap();
    let e = h.select(&Query::parse("heap.byclodo[99]").unwrap()).unwrap_err();
    assert_eq!(e.position, 13);
    assert!(e.message.contains("has 7 rows"), "{}", e.message);
}

#[test]
fn normalised_query_text_parses_back() {
    let q = Query::parse("heap.byclodo[\"dict of m.A\"].bytype[0].bysize").unwrap();
    assert_eq!(q.to_string(), "heap.byclodo[\"dict of m.A\"].bytype[0].bysize");
    assert_eq!(Query::parse(&q.to_string()).unwrap(), q);
}

#[test]
fn text_matches_heapy_layout() {
    let h = heap();
    let p = partition(&h, h.heap(), Relation::Clodo);
    let text = render(&p, false);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Partition of a set of 12 objects. Total size = 1697 bytes.");
    assert_eq!(lines[1], " Index  Count   %     Size   % Cumulative  % Kind (class / dict of class)");
    assert_eq!(lines[2], "     0      2  17      704  41       704  41 dict (no owner)");
    assert_eq!(lines.len(), 9);
}
