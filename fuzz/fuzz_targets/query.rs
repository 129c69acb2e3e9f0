//! Arbitrary text as a query: parsed (an error names the byte), and when it parses,
//! evaluated on the engine's small fixed heap (`testing::small_snapshot_seen`, with a
//! reference point so `heapnew`/`heapref` mean something) and its set partitioned by the
//! query's relation (or clodo), never a panic or a hang; its text prints back to itself.
#![no_main]

use heaplens_engine::partition::partition;
use heaplens_engine::{read_snapshot, Heap, Query, Relation};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn heap() -> &'static Heap {
    static HEAP: OnceLock<Heap> = OnceLock::new();
    HEAP.get_or_init(|| {
        let bytes = heaplens_engine::testing::small_snapshot_seen(&[(4, 5), (5, 5)], Some(3));
        Heap::new(read_snapshot(&bytes).unwrap())
    })
}

fuzz_target!(|data: &[u8]| {
    heaplens_fuzz::link();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(q) = Query::parse(text) else { return };
    // a query prints as text that parses back to the same query (links carry the text)
    let printed = q.to_string();
    let again = Query::parse(&printed).unwrap_or_else(|e| panic!("{printed:?} does not parse back: {e}"));
    assert_eq!(again.to_string(), printed, "{text:?} printed as {printed:?}");
    let heap = heap();
    let Ok(sel) = heap.select(&q) else { return };
    let p = partition(heap, &sel.set, q.view.unwrap_or(Relation::Clodo));
    let _ = p.rows(heap).count();
});
