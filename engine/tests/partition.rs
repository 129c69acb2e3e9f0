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
    let rows: Vec<_> = p.rows(&h).collect();
    let labels: Vec<(&str, u64, u64)> = rows.iter().map(|r| (r.label.as_str(), r.count, r.size)).collect();
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
    let labels: Vec<String> = p.rows(&h).map(|r| r.label).collect();
    assert_eq!(labels, vec!["      640", "      360", "      104", "       64"]);
    assert_eq!(p.count_size(&h, 2), (2, 208));
}

#[test]
fn module_relation_names_modules_only() {
    let h = heap();
    let p = partition(&h, h.heap(), Relation::Module);
    let labels: Vec<String> = p.rows(&h).map(|r| r.label).collect();
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
    assert_eq!(by_index.crumbs[0].label, "heap");
    assert_eq!(by_index.crumbs[1].label, "dict of m.A");
    let last = h.select(&Query::parse("heap.byclodo[-1]").unwrap()).unwrap();
    assert_eq!(last.crumbs[1].label, "module");
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
    let text = render(&h, &p, false);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Partition of a set of 12 objects. Total size = 1697 bytes.");
    assert_eq!(lines[1], " Index  Count   %     Size   % Cumulative  % Kind (class / dict of class)");
    assert_eq!(lines[2], "     0      2  17      704  41       704  41 dict (no owner)");
    assert_eq!(lines.len(), 9);
}

fn labels(h: &Heap, q: &str, rel: Relation) -> Vec<(String, u64)> {
    let set = h.select(&Query::parse(q).unwrap()).unwrap().set;
    partition(h, &set, rel).rows(h).map(|r| (r.label, r.count)).collect()
}

#[test]
fn rcs_names_the_kinds_of_referrers() {
    let h = heap();
    // the strs: two are held by a dict of m.A and the list, one by the list only
    let rows = labels(&h, "heap.bytype[\"str\"]", Relation::Rcs);
    assert_eq!(rows, vec![("dict of m.A, list".to_owned(), 2), ("list".to_owned(), 1)]);
    // sys.modules-like dict 1 is held by the root only
    let rows = labels(&h, "heap.bysize[\"      640\"]", Relation::Rcs);
    assert_eq!(rows, vec![("guppy.heapy.heapyc.RootStateType".to_owned(), 1)]);
}

#[test]
fn via_names_the_edges_in_python_repr() {
    let h = heap();
    let rows = labels(&h, "heap.byclodo[\"dict of m.A\"]", Relation::Via);
    assert_eq!(rows, vec![("'.__dict__'".to_owned(), 2)]);
    let rows = labels(&h, "heap.bytype[\"str\"]", Relation::Via);
    // rows by size: the strs are 52, 51 and 50 bytes
    assert_eq!(
        rows,
        vec![("'[2]'".to_owned(), 1), ("\"['x']\", '[1]'".to_owned(), 1), ("\"['x']\", '[0]'".to_owned(), 1)]
    );
}

#[test]
fn referrers_referents_and_set_operators() {
    let h = heap();
    let sel = |q: &str| h.select(&Query::parse(q).unwrap()).unwrap().set;
    let strs = sel("heap.bytype[\"str\"]");
    // referrers of the strs: the list and the two dicts of m.A
    assert_eq!(sel("heap.bytype[\"str\"].referrers").as_slice(), &[5, 7, 8]);
    assert_eq!(sel("heap.bytype[\"list\"].referents"), strs);
    assert_eq!(sel("heap.bytype[\"list\"].referents - heap.bysize[\"       50\"]").as_slice(), &[10, 11]);
    assert_eq!(sel("heap.bytype[\"str\"] & heap.bytype[\"list\"]").len(), 0);
    assert_eq!(sel("heap.bytype[\"str\"] | heap.bytype[\"list\"]").as_slice(), &[8, 9, 10, 11]);
    assert_eq!(sel("(heap.bytype[\"str\"] ^ heap.bysize[\"       50\"]).bytype[0]").as_slice(), &[10, 11]);
    // - binds tighter than |, as in Python
    assert_eq!(sel("heap.bytype[\"list\"] | heap.bytype[\"str\"] - heap.bytype[\"str\"]").as_slice(), &[8]);
    assert_eq!(sel("heap - heap").len(), 0);
}

#[test]
fn unity_idset_and_prod_without_tracing() {
    let h = heap();
    assert_eq!(labels(&h, "heap", Relation::Unity), vec![("<Anything>".to_owned(), 12)]);
    assert_eq!(labels(&h, "heap", Relation::Prod), vec![("unknown".to_owned(), 12)]);
    let ids = labels(&h, "heap.bytype[\"list\"]", Relation::Idset);
    assert_eq!(ids, vec![("<1 list: 0x8000*3>".to_owned(), 1)]);
}

#[test]
fn expression_queries_print_back_and_errors_point_at_the_problem() {
    for q in [
        "heap.byclodo[\"dict of m.A\"].referrers.byvia",
        "(heap.bytype[0] | heap.bytype[1]).bysize[0]",
        "heap - heap.bytype[0] & heap.byclodo[1]",
        "(heap - heap.bytype[0]).byrcs",
        "heapu.bytype",
    ] {
        let parsed = Query::parse(q).unwrap();
        assert_eq!(Query::parse(&parsed.to_string()).unwrap(), parsed, "{q}");
    }
    assert_eq!(
        Query::parse("heap.byclodo[0].referrers.bytype").unwrap().to_string(),
        "heap.byclodo[0].referrers.bytype"
    );
    let e = Query::parse("heap.byclodo & heap").unwrap_err();
    assert_eq!(e.position, 13);
    let e = Query::parse("(heap | heap").unwrap_err();
    assert_eq!((e.position, e.message.as_str()), (12, "expected `)`"));
    let e = Query::parse("heap.referers").unwrap_err();
    assert_eq!(e.position, 5);
    assert!(e.message.contains("unknown operation `.referers`"));
    assert_eq!(Query::parse("heap & hoop").unwrap_err().position, 7);
}

#[test]
fn dominos_is_a_query_step() {
    let h = heap();
    let q = Query::parse("(heap.bytype[\"dict\"]).dominos.bysize").unwrap();
    assert_eq!(q.to_string(), "heap.bytype[\"dict\"].dominos.bysize");
    let sel = h.select(&q).unwrap();
    let dicts = h.select(&Query::parse("heap.bytype[\"dict\"]").unwrap()).unwrap().set;
    assert_eq!(sel.set, heaplens_engine::retained::dominos(&h, &dicts));
    assert!(sel.set.len() > dicts.len(), "the dicts hold more than themselves");
    assert_eq!(sel.crumbs.last().unwrap().label, ".dominos");
    let e = Query::parse("heap.dominoes").unwrap_err();
    assert!(e.message.contains("`.dominos`"), "{}", e.message);
}
