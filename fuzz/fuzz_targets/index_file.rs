//! The saved-index loader on arbitrary bytes against a fixed valid snapshot (the hostile
//! corpus's `base.hls`, keyed by its SHA-256): an error or a heap, never a panic; a heap it
//! accepts is used everywhere (every relation's partition, retained sizes, reverse edges).
//! Each input is loaded twice: as it is, and with its last four bytes made the right
//! checksum, so the fuzzer reaches the checks behind the CRC (wrong values under a right one).
#![no_main]

use heaplens_engine::format::index_file::load;
use heaplens_engine::partition::partition;
use heaplens_engine::{read_snapshot, Relation};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| heaplens_fuzz::key(heaplens_fuzz::BASE_HLS))
}

fn load_and_use(bytes: &[u8]) {
    let snap = read_snapshot(heaplens_fuzz::BASE_HLS).unwrap();
    let Ok(h) = load(snap, key(), bytes) else { return };
    for rel in Relation::ALL {
        let p = partition(&h, h.heap(), rel);
        let _ = p.rows(&h).count();
    }
    for o in h.heap().iter() {
        let _ = h.rev.sources(o);
        let _ = h.dominators().retained(o);
    }
}

fuzz_target!(|data: &[u8]| {
    load_and_use(data);
    if data.len() >= 12 {
        let mut v = data.to_vec();
        let n = v.len() - 4;
        let crc = crc32fast::hash(&v[..n]);
        v[n..].copy_from_slice(&crc.to_le_bytes());
        load_and_use(&v);
    }
});
