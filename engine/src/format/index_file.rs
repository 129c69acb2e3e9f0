//! A heap's derived indexes saved next to its snapshot, so a restart loads it without
//! indexing again: kinds, reverse edges, reachability, rcs/via classes, the `byid`/`byidset`
//! orders and (when built) the dominator tree, as flat little-endian arrays.
//!
//! Layout: `HLSIDX` and the format version as two ASCII digits ([`INDEX_VERSION`]: `HLSIDX02`),
//! the key it was made for (the snapshot's SHA-256: an index never applies to other bytes),
//! then each array as a u64 length and its items, then a CRC-32 of everything before it.
//! [`load`] checks the magic and the version (an index of another version is refused, not
//! guessed at), the checksum, the key, and then every array against the snapshot: lengths, id
//! ranges, offsets in order (`index_check.rs`; a right checksum over wrong values is refused
//! too). It answers an error (the caller then indexes afresh) rather than a wrong heap or a
//! panic.

use std::collections::HashMap;
use std::io::Write;
use std::sync::OnceLock;

use crate::heap::classes::SetClasses;
use crate::heap::dominators::Dominators;
use crate::heap::idorder::{IdOrder, ModeOrder};
use crate::heap::kinds::Kinds;
use crate::heap::snapshot::Snapshot;
use crate::heap::{Heap, Reverse};

/// The first bytes of an index file, followed by the version as two ASCII digits.
const MAGIC_PREFIX: &[u8; 6] = b"HLSIDX";
/// The index format this engine writes and reads; any change of layout or meaning bumps it
/// (1: the first layout, without checked values).
pub const INDEX_VERSION: u32 = 2;

fn magic() -> [u8; 8] {
    let mut m = [0u8; 8];
    m[..6].copy_from_slice(MAGIC_PREFIX);
    m[6..].copy_from_slice(format!("{:02}", INDEX_VERSION % 100).as_bytes());
    m
}

/// The version an index file says it has (`None`: not an index file).
pub fn version_of(bytes: &[u8]) -> Option<u32> {
    let digits = bytes.get(6..8).filter(|_| bytes.starts_with(MAGIC_PREFIX))?;
    digits.iter().all(u8::is_ascii_digit).then(|| u32::from(digits[0] - b'0') * 10 + u32::from(digits[1] - b'0'))
}

/// Why a saved index cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unusable index file: {0}")]
pub struct IndexError(pub String);

fn bad(what: impl Into<String>) -> IndexError {
    IndexError(what.into())
}

/// Writes arrays through a running CRC-32, in chunks (never the whole index in memory).
struct Out<W: Write> {
    w: W,
    crc: crc32fast::Hasher,
    chunk: Vec<u8>,
}

impl<W: Write> Out<W> {
    fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.crc.update(b);
        self.w.write_all(b)
    }
    fn u64(&mut self, v: u64) -> std::io::Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    fn flush_chunk(&mut self) -> std::io::Result<()> {
        let chunk = std::mem::take(&mut self.chunk);
        self.bytes(&chunk)?;
        self.chunk = chunk;
        self.chunk.clear();
        Ok(())
    }
    fn u32s(&mut self, v: &[u32]) -> std::io::Result<()> {
        self.u64(v.len() as u64)?;
        for part in v.chunks(1 << 14) {
            self.chunk.extend(part.iter().flat_map(|x| x.to_le_bytes()));
            self.flush_chunk()?;
        }
        Ok(())
    }
    fn u64s(&mut self, v: &[u64]) -> std::io::Result<()> {
        self.u64(v.len() as u64)?;
        for part in v.chunks(1 << 13) {
            self.chunk.extend(part.iter().flat_map(|x| x.to_le_bytes()));
            self.flush_chunk()?;
        }
        Ok(())
    }
    fn bools(&mut self, v: &[bool]) -> std::io::Result<()> {
        self.u64(v.len() as u64)?;
        for part in v.chunks(1 << 16) {
            self.chunk.extend(part.iter().map(|&b| b as u8));
            self.flush_chunk()?;
        }
        Ok(())
    }
    fn strings(&mut self, v: &[String]) -> std::io::Result<()> {
        self.u64(v.len() as u64)?;
        for s in v {
            self.u64(s.len() as u64)?;
            self.bytes(s.as_bytes())?;
        }
        Ok(())
    }
}

struct In<'a> {
    b: &'a [u8],
    at: usize,
}

impl In<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], IndexError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len()).ok_or_else(|| bad("truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u64(&mut self) -> Result<u64, IndexError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
    fn len(&mut self, item: usize) -> Result<usize, IndexError> {
        let n = self.u64()? as usize;
        if n.checked_mul(item).is_none_or(|bytes| bytes > self.b.len() - self.at) {
            return Err(bad("an array is longer than the file"));
        }
        Ok(n)
    }
    fn u32s(&mut self) -> Result<Vec<u32>, IndexError> {
        let n = self.len(4)?;
        Ok(self.take(n * 4)?.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4"))).collect())
    }
    fn u64s(&mut self) -> Result<Vec<u64>, IndexError> {
        let n = self.len(8)?;
        Ok(self.take(n * 8)?.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().expect("8"))).collect())
    }
    fn bools(&mut self) -> Result<Vec<bool>, IndexError> {
        let n = self.len(1)?;
        let b = self.take(n)?;
        if b.iter().any(|&x| x > 1) {
            return Err(bad("a reachability flag is neither 0 nor 1"));
        }
        Ok(b.iter().map(|&x| x == 1).collect())
    }
    fn strings(&mut self) -> Result<Vec<String>, IndexError> {
        let n = self.len(8)?;
        (0..n)
            .map(|_| {
                let len = self.len(1)?;
                String::from_utf8(self.take(len)?.to_vec()).map_err(|_| bad("a label is not UTF-8"))
            })
            .collect()
    }
}

/// Writes `heap`'s indexes for the snapshot whose SHA-256 is `key` (the dominator tree too,
/// if it was built).
pub fn save(heap: &Heap, key: &str, w: impl Write) -> std::io::Result<()> {
    let mut o = Out { w, crc: crc32fast::Hasher::new(), chunk: Vec::new() };
    o.bytes(&magic())?;
    o.strings(&[key.to_owned()])?;
    let k = &heap.kinds;
    o.strings(&k.labels)?;
    o.u32s(&k.kind_of)?;
    let mut owners: Vec<(u32, u32)> = k.owners.iter().map(|(&a, &b)| (a, b)).collect();
    owners.sort_unstable();
    o.u32s(&owners.iter().map(|p| p.0).collect::<Vec<_>>())?;
    o.u32s(&owners.iter().map(|p| p.1).collect::<Vec<_>>())?;
    o.u32s(&heap.rev.start)?;
    o.u32s(&heap.rev.edge)?;
    o.u32s(&heap.rev.source)?;
    o.bools(&heap.reachable)?;
    for c in [heap.rcs(), heap.via()] {
        o.u32s(&c.of)?;
        o.u32s(&c.start)?;
        o.u32s(&c.items)?;
    }
    for m in [&heap.id_order().id, &heap.id_order().idset] {
        o.u32s(&m.order)?;
        o.u32s(&m.kind_rank)?;
    }
    match heap.dominators_if_built() {
        Some(d) => {
            o.u64(1)?;
            o.u32s(&d.idom)?;
            o.u64s(&d.retained)?;
            o.u32s(&d.order)?;
            o.u32s(&d.tree_pre)?;
            o.u32s(&d.tree_len)?;
        }
        None => o.u64(0)?,
    }
    let crc = o.crc.clone().finalize();
    o.w.write_all(&crc.to_le_bytes())?;
    o.w.flush()
}

/// The heap of `snap` with the indexes saved in `bytes` for the snapshot `key`.
pub fn load(snap: Snapshot, key: &str, bytes: &[u8]) -> Result<Heap, IndexError> {
    match version_of(bytes) {
        None => return Err(bad("not a heaplens index file")),
        Some(v) if v != INDEX_VERSION => {
            return Err(bad(format!("index format version {v}; this engine reads version {INDEX_VERSION}")))
        }
        Some(_) if bytes.len() < 8 + 4 => return Err(bad("truncated")),
        Some(_) => {}
    }
    let (body, tail) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(body) != u32::from_le_bytes(tail.try_into().expect("4 bytes")) {
        return Err(bad("checksum mismatch"));
    }
    let mut r = In { b: body, at: 8 };
    if r.strings()? != [key.to_owned()] {
        return Err(bad("made for other bytes"));
    }
    let labels = r.strings()?;
    let kind_of = r.u32s()?;
    let (ok, ov) = (r.u32s()?, r.u32s()?);
    if ok.len() != ov.len() {
        return Err(bad("owner arrays differ in length"));
    }
    let kinds = Kinds { labels, kind_of, owners: ok.into_iter().zip(ov).collect::<HashMap<_, _>>() };
    let rev = Reverse { start: r.u32s()?, edge: r.u32s()?, source: r.u32s()? };
    let reachable = r.bools()?;
    let mut classes = Vec::new();
    for _ in 0..2 {
        classes.push(SetClasses { of: r.u32s()?, start: r.u32s()?, items: r.u32s()? });
    }
    let mut modes = Vec::new();
    for _ in 0..2 {
        modes.push(ModeOrder { order: r.u32s()?, kind_rank: r.u32s()? });
    }
    let dominators = match r.u64()? {
        0 => None,
        1 => Some(Dominators {
            idom: r.u32s()?,
            retained: r.u64s()?,
            order: r.u32s()?,
            tree_pre: r.u32s()?,
            tree_len: r.u32s()?,
        }),
        _ => return Err(bad("the dominator tree's flag is neither 0 nor 1")),
    };
    if r.at != body.len() {
        return Err(bad("trailing bytes"));
    }
    let modes_of = [&modes[0], &modes[1]];
    super::index_check::check(
        &snap,
        &kinds,
        &rev,
        &reachable,
        &classes[0],
        &classes[1],
        modes_of,
        dominators.as_ref(),
    )?;
    let mut classes = classes.into_iter();
    let mut modes = modes.into_iter();
    let (rcs, via) = (classes.next().expect("two"), classes.next().expect("two"));
    let id_order = IdOrder { id: modes.next().expect("two"), idset: modes.next().expect("two") };
    let cell = OnceLock::new();
    if let Some(d) = dominators {
        let _ = cell.set(d);
    }
    Ok(Heap::from_parts(snap, kinds, rev, reachable, Some((rcs, via, id_order)), cell))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partition::{partition, Relation};

    fn small_snap() -> Snapshot {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls");
        crate::format::read_snapshot_file(std::path::Path::new(path)).unwrap()
    }

    #[test]
    fn a_saved_index_gives_the_same_heap() {
        let fresh = Heap::new(small_snap());
        fresh.dominators();
        let mut bytes = Vec::new();
        save(&fresh, "abc", &mut bytes).unwrap();
        let loaded = load(small_snap(), "abc", &bytes).unwrap();
        assert!(loaded.dominators_if_built().is_some(), "the dominator tree came along");
        for rel in Relation::ALL.iter().copied() {
            let (a, b) = (partition(&fresh, fresh.heap(), rel), partition(&loaded, loaded.heap(), rel));
            assert_eq!(a.rows(&fresh).collect::<Vec<_>>(), b.rows(&loaded).collect::<Vec<_>>(), "{rel:?}");
        }
        assert_eq!(fresh.total_size(), loaded.total_size());
        for o in fresh.heap().iter().step_by(53) {
            assert_eq!(fresh.dominators().retained(o), loaded.dominators().retained(o));
            assert_eq!(fresh.rev.sources(o), loaded.rev.sources(o));
        }
        // saved before the dominator tree was built: built on first use as usual
        let mut no_dom = Vec::new();
        save(&Heap::new(small_snap()), "abc", &mut no_dom).unwrap();
        let h = load(small_snap(), "abc", &no_dom).unwrap();
        assert!(h.dominators_if_built().is_none());
        assert_eq!(h.dominators().retained(crate::ObjId(0)), fresh.total_size());
    }

    #[test]
    fn a_wrong_or_damaged_index_is_refused() {
        let h = Heap::new(small_snap());
        let mut bytes = Vec::new();
        save(&h, "abc", &mut bytes).unwrap();
        assert_eq!(load(small_snap(), "other", &bytes).unwrap_err().0, "made for other bytes");
        for at in [0, 9, bytes.len() / 2, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[at] ^= 0x40;
            assert!(load(small_snap(), "abc", &b).is_err(), "flipped byte {at}");
        }
        for cut in [0, 7, 100, bytes.len() - 5] {
            assert!(load(small_snap(), "abc", &bytes[..cut]).is_err(), "cut at {cut}");
        }
        // a valid index of another snapshot given the same key: lengths do not fit
        let other = Heap::new(crate::read_snapshot(&crate::testing::small_snapshot()).unwrap());
        let mut b = Vec::new();
        save(&other, "abc", &mut b).unwrap();
        assert!(load(small_snap(), "abc", &b).unwrap_err().0.contains("where the snapshot needs"));
    }
}
