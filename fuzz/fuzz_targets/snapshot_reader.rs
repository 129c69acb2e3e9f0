//! The snapshot reader on arbitrary bytes: an error or a snapshot, never a panic, an abort
//! or a huge allocation; a snapshot it accepts is indexed (`Heap::new`), partitioned by every
//! relation, and its dominator tree built. Each input is read twice: as it is, and with the
//! `ENDS` checksum in its last four bytes made right, so mutated files get past the CRC to
//! the indexing.
#![no_main]

use heaplens_engine::partition::partition;
use heaplens_engine::{read_snapshot, Heap, Relation};
use libfuzzer_sys::fuzz_target;

/// `ENDS` tag, length, three counts and the CRC: the last 40 bytes of a file.
const ENDS_SECTION: usize = 4 + 8 + 24 + 4;

fn read_and_use(bytes: &[u8]) {
    let Ok(snap) = read_snapshot(bytes) else { return };
    let heap = Heap::new(snap);
    for rel in Relation::ALL {
        let p = partition(&heap, heap.heap(), rel);
        let _ = p.rows(&heap).count();
    }
    let _ = heap.dominators();
}

fuzz_target!(|data: &[u8]| {
    heaplens_fuzz::link();
    read_and_use(data);
    if data.len() >= 16 + ENDS_SECTION {
        let mut v = data.to_vec();
        let at = v.len() - ENDS_SECTION;
        let crc = crc32fast::hash(&v[..at]);
        let n = v.len();
        v[n - 4..].copy_from_slice(&crc.to_le_bytes());
        read_and_use(&v);
    }
});
