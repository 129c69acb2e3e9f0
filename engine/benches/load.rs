//! Load benchmark: bytes per object, read speed and index time of snapshots.
//!
//! `cargo bench -p heaplens-engine --bench load [-- N_OBJECTS] [FILES...]`: generates a
//! synthetic heap of N objects (default 1,000,000), times reading and indexing it, and
//! does the same for every real snapshot file given. Prints one table.

use heaplens_engine::partition::partition;
use heaplens_engine::{read_snapshot, Heap, Relation};
use std::time::Instant;

fn measure(name: &str, bytes: &[u8]) {
    let t = Instant::now();
    let snap = read_snapshot(bytes).expect("valid snapshot");
    let read = t.elapsed().as_secs_f64();
    let n = snap.object_count() as f64;
    let edges = snap.edge_count();
    let t = Instant::now();
    let heap = Heap::new(snap);
    let index = t.elapsed().as_secs_f64();
    let mut parts = String::new();
    for rel in Relation::ALL {
        let t = Instant::now();
        let p = partition(&heap, heap.heap(), rel);
        parts.push_str(&format!(" {:>6}:{:>7.1}ms", rel.name(), t.elapsed().as_secs_f64() * 1e3));
        std::hint::black_box(p);
    }
    println!(
        "| {name:<28} | {:>10} | {:>10} | {:>7.1} | {:>9.2} | {:>8.3} | {:>8.3} |{parts}",
        n as u64,
        edges,
        bytes.len() as f64 / n,
        n / read / 1e6,
        read,
        index,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let n: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    println!("| snapshot                     |    objects |      edges | B/obj   | Mobj/s rd | read s   | index s  | whole-heap partitions");
    println!("|---|---|---|---|---|---|---|---|");
    let bytes = heaplens_engine::synth::write_synthetic(Vec::new(), n, 42).expect("generate");
    measure(&format!("synthetic {n}"), &bytes);
    for path in args.iter().filter(|a| a.parse::<u64>().is_err()) {
        // cargo runs benches in engine/: paths are taken from the workspace root too
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
        let bytes = std::fs::read(path).or_else(|_| std::fs::read(&root)).expect("read snapshot file");
        measure(path, &bytes);
    }
}
