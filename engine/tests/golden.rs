//! Golden tests on real snapshots captured by the agent (`testdata/`), against guppy3's
//! own tables printed in the same process right after the capture (`*.guppy.json`).
//!
//! The capture and heapy's `heap()` cannot be byte-identical: between the dump and
//! heapy's walk the process changes a little (heapy's call frames, the result objects of
//! the dump), so whole-heap totals are compared within 2% and rows by label; rows made of
//! objects the capture script created must be exactly equal.

use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::partition::partition;
use heaplens_engine::render::render;
use heaplens_engine::{Heap, Relation};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Deserialize)]
struct GuppyRow {
    label: String,
    count: u64,
    size: u64,
}

#[derive(Deserialize)]
struct Guppy {
    count: u64,
    size: u64,
    partitions: HashMap<String, Vec<GuppyRow>>,
}

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata").join(name)
}

fn load(name: &str) -> (Heap, Guppy) {
    let heap = Heap::new(read_snapshot_file(&testdata(&format!("{name}.hls"))).expect("testdata snapshot loads"));
    let guppy: Guppy =
        serde_json::from_slice(&std::fs::read(testdata(&format!("{name}.guppy.json"))).unwrap()).unwrap();
    (heap, guppy)
}

fn within(a: u64, b: u64, pct: f64) -> bool {
    (a as f64 - b as f64).abs() <= b as f64 * pct / 100.0
}

const RELATIONS: [(Relation, &str); 4] =
    [(Relation::Clodo, "heap"), (Relation::Type, "bytype"), (Relation::Size, "bysize"), (Relation::Module, "bymodule")];

#[test]
fn small_heap_agrees_with_guppy() {
    let (heap, guppy) = load("small");
    assert!(within(heap.heap().len() as u64, guppy.count, 2.0), "count {} vs guppy {}", heap.heap().len(), guppy.count);
    assert!(within(heap.total_size(), guppy.size, 2.0), "size {} vs guppy {}", heap.total_size(), guppy.size);
    for (rel, key) in RELATIONS {
        let ours = partition(&heap, heap.heap(), rel);
        let ours: HashMap<String, (u64, u64)> = ours.rows(&heap).map(|r| (r.label, (r.count, r.size))).collect();
        let theirs = &guppy.partitions[key];
        // Rows matched by label must cover nearly all of guppy's bytes.
        let matched: u64 = theirs.iter().filter(|r| ours.contains_key(r.label.as_str())).map(|r| r.size).sum();
        let total: u64 = theirs.iter().map(|r| r.size).sum();
        assert!(
            matched as f64 >= 0.98 * total as f64,
            "{key}: rows matching guppy's labels hold {matched} of {total} bytes"
        );
        for r in theirs {
            let user_made = r.label.contains("__main__.");
            if let Some(&(count, size)) = ours.get(r.label.as_str()) {
                if user_made {
                    assert_eq!((count, size), (r.count, r.size), "{key} row {:?}", r.label);
                }
            } else {
                assert!(!user_made, "{key}: guppy's row {:?} is missing", r.label);
            }
        }
    }
}

#[test]
fn small_heap_user_kinds_are_exact() {
    let (heap, guppy) = load("small");
    let clodo = partition(&heap, heap.heap(), Relation::Clodo);
    let find = |label: &str| clodo.rows(&heap).find(|r| r.label == label).map(|r| (r.count, r.size));
    for label in ["__main__.Small", "dict of __main__.Small", "__main__.Tiny"] {
        let theirs = guppy.partitions["heap"].iter().find(|r| r.label == label).expect("guppy has the row");
        assert_eq!(find(label), Some((theirs.count, theirs.size)), "{label}");
    }
}

#[test]
fn small_heap_tables_golden() {
    let (heap, _) = load("small");
    for (rel, _) in RELATIONS {
        let text = render(&heap, &partition(&heap, heap.heap(), rel), true);
        insta::assert_snapshot!(format!("small_{}", rel.name()), text);
    }
}
