//! A snapshot's description as the list and the app see it ([`SnapshotInfo`]): its capture's
//! facts, its size, and its reference point (heapy's `setref`) if it has one.

use heaplens_engine::Heap;
use heaplens_wire::{ReferenceInfo, SnapshotInfo};

/// The description of one loaded snapshot.
pub fn snapshot_info(id: &str, file: &str, file_size: u64, heap: &Heap) -> SnapshotInfo {
    let m = &heap.snap.meta;
    SnapshotInfo {
        id: id.to_owned(),
        name: m.name.clone().unwrap_or_else(|| file.to_owned()),
        file: file.to_owned(),
        file_size,
        time: m.time,
        duration_s: m.duration_s,
        python: m.python.clone(),
        pid: m.pid,
        argv: m.argv.clone(),
        hostname: m.hostname.clone(),
        objects: heap.heap().len() as u64,
        total_size: heap.total_size(),
        edges: heap.snap.edge_count() as u64,
        unreachable: heap.heapu().len() as u64,
        store: Default::default(),
        process_token: m.process.as_ref().map(|p| p.token.clone()),
        process_key: Some(heaplens_engine::series::process_key(m)),
        capture_seq: m.capture_seq,
        has_reference_point: heap.reference_point().is_some(),
        reference: reference_info(heap),
    }
}

/// The reference point of a snapshot and its count of new objects, if it has one.
pub fn reference_info(heap: &Heap) -> Option<ReferenceInfo> {
    let r = heap.reference_point()?;
    let new = heap.heapnew().ok()?;
    Some(ReferenceInfo { seq: r.seq, time: r.time, new_objects: new.len() as u64, new_size: heap.size_of(&new) })
}
