//! Identity diff between two snapshots of one process: the objects of B that were not in
//! A (new) and the objects of A that are not in B any more (gone).
//!
//! An object of B is the one of A at the same address when the agent's first-seen mark
//! (`seen`) says it has been seen continuously since capture A or earlier; in files
//! without marks, when it has the same address, type and size. Both sides are heapy's
//! `heap` (what the root reaches); an object is matched against every captured object of
//! the other side, `heapu` included. The caveats (address reuse between captures, objects
//! whose size changed, objects that are not GC-tracked) are in `docs/identity.md`.

pub mod refpoint;

use crate::heap::ids::ObjId;
use crate::heap::set::ObjSet;
use crate::heap::Heap;

/// B's new objects and A's gone objects.
#[derive(Debug, Clone)]
pub struct IdentityDiff {
    /// Objects of B's heap that were not in A.
    pub new: ObjSet,
    /// Objects of A's heap that are not in B.
    pub gone: ObjSet,
    /// Whether B carried the agent's first-seen marks (else address, type and size decided).
    pub by_marks: bool,
}

/// Why two snapshots cannot be compared by identity.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IdentityError {
    #[error("snapshot {which} has no process identity (it was captured by an agent without setref support): identity needs two captures of one process by the same agent")]
    NoIdentity { which: char },
    #[error("the snapshots come from different processes (A: pid {a_pid}, token {a_token}; B: pid {b_pid}, token {b_token}): object identity is meaningful only within one process")]
    OtherProcess { a_pid: u64, a_token: String, b_pid: u64, b_token: String },
    #[error("B (capture {b}) was captured before A (capture {a}): swap them to see what B's successor created")]
    Reversed { a: u64, b: u64 },
    #[error("A and B are the same capture ({seq}) of the process")]
    SameCapture { seq: u64 },
}

/// (process, capture number) of a heap.
fn capture_of(h: &Heap, which: char) -> Result<(&crate::identity::refpoint::ProcessIdentity, u64), IdentityError> {
    let m = &h.snap.meta;
    match (&m.process, m.capture_seq) {
        (Some(p), Some(seq)) if !p.token.is_empty() => Ok((p, seq)),
        _ => Err(IdentityError::NoIdentity { which }),
    }
}

/// Checks that A and B are two captures of one process, A first; returns A's capture number.
pub fn check_pair(a: &Heap, b: &Heap) -> Result<u64, IdentityError> {
    let (pa, sa) = capture_of(a, 'A')?;
    let (pb, sb) = capture_of(b, 'B')?;
    if pa != pb {
        return Err(IdentityError::OtherProcess {
            a_pid: pa.pid,
            a_token: pa.token.clone(),
            b_pid: pb.pid,
            b_token: pb.token.clone(),
        });
    }
    if sb < sa {
        return Err(IdentityError::Reversed { a: sa, b: sb });
    }
    if sb == sa {
        return Err(IdentityError::SameCapture { seq: sa });
    }
    Ok(sa)
}

/// Every object but the root, sorted by address.
fn by_address(h: &Heap) -> Vec<(u64, u32)> {
    let mut v: Vec<(u64, u32)> = h.snap.addr.iter().enumerate().skip(1).map(|(i, &a)| (a, i as u32)).collect();
    v.sort_unstable();
    v
}

fn at_address(index: &[(u64, u32)], addr: u64) -> Option<ObjId> {
    index.binary_search_by_key(&addr, |&(a, _)| a).ok().map(|i| ObjId(index[i].1))
}

/// Whether object `x` of B is object `y` of A (same address already established).
fn same(a: &Heap, y: ObjId, b: &Heap, x: ObjId, a_seq: u64) -> bool {
    let seen = &b.snap.first_seen;
    if !seen.is_empty() {
        return u64::from(seen[x.idx()]) <= a_seq;
    }
    let (sa, sb) = (&a.snap, &b.snap);
    let type_same = match (sa.type_of(y), sb.type_of(x)) {
        (Some(ty), Some(tx)) => {
            let oy = sa.types[ty.idx()].object.map(|o| sa.addr[o.idx()]);
            let ox = sb.types[tx.idx()].object.map(|o| sb.addr[o.idx()]);
            sa.type_label(ty) == sb.type_label(tx) && (oy.is_none() || ox.is_none() || oy == ox)
        }
        _ => false,
    };
    type_same && sa.size[y.idx()] == sb.size[x.idx()]
}

/// The identity diff of two captures of one process, A before B.
pub fn identity_diff(a: &Heap, b: &Heap) -> Result<IdentityDiff, IdentityError> {
    let a_seq = check_pair(a, b)?;
    let (ia, ib) = (by_address(a), by_address(b));
    let new = b.heap().filter(|x| match at_address(&ia, b.snap.addr[x.idx()]) {
        Some(y) => !same(a, y, b, x, a_seq),
        None => true,
    });
    let gone = a.heap().filter(|y| match at_address(&ib, a.snap.addr[y.idx()]) {
        Some(x) => !same(a, y, b, x, a_seq),
        None => true,
    });
    Ok(IdentityDiff { new, gone, by_marks: !b.snap.first_seen.is_empty() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_snapshot;
    use crate::testing::small_capture;

    fn heap(bytes: Vec<u8>) -> Heap {
        Heap::new(read_snapshot(&bytes).unwrap())
    }

    #[test]
    fn new_objects_are_those_first_seen_after_a_and_gone_ones_have_no_successor() {
        // A (capture 2): everything seen since 1. B (capture 4): objects 6, 7 first seen at 3
        // (their addresses were reused after A's objects there died), 12 at 4.
        let a = heap(small_capture(2, &[], None));
        let b = heap(small_capture(4, &[(6, 3), (7, 3), (12, 4)], None));
        let d = identity_diff(&a, &b).unwrap();
        assert!(d.by_marks);
        assert_eq!(d.new.as_slice(), &[6, 7, 12]);
        assert_eq!(d.gone.as_slice(), &[6, 7, 12], "same addresses, other objects: A's are gone");
    }

    #[test]
    fn without_marks_address_type_and_size_decide() {
        let a = heap(small_capture(2, &[], None));
        let mut sb = read_snapshot(&small_capture(3, &[], None)).unwrap();
        sb.first_seen.clear();
        sb.size[9] += 8; // a str at the same address with another size: another object
        sb.addr[11] = 0xbeef; // a str at a new address; A's str at 0xb000 is gone
        let d = identity_diff(&a, &Heap::new(sb)).unwrap();
        assert!(!d.by_marks);
        assert_eq!(d.new.as_slice(), &[9, 11]);
        assert_eq!(d.gone.as_slice(), &[9, 11]);
    }

    #[test]
    fn pairs_from_other_processes_or_in_the_wrong_order_are_refused() {
        let a = heap(small_capture(2, &[], None));
        let b = heap(small_capture(5, &[], None));
        assert_eq!(identity_diff(&b, &a).unwrap_err(), IdentityError::Reversed { a: 5, b: 2 });
        assert!(identity_diff(&b, &a).unwrap_err().to_string().contains("captured before A"));
        assert_eq!(identity_diff(&a, &a).unwrap_err(), IdentityError::SameCapture { seq: 2 });
        let old = heap(crate::testing::small_snapshot());
        assert_eq!(identity_diff(&old, &b).unwrap_err(), IdentityError::NoIdentity { which: 'A' });
        let mut other = read_snapshot(&small_capture(7, &[], None)).unwrap();
        other.meta.process.as_mut().unwrap().token = "other".into();
        let e = identity_diff(&a, &Heap::new(other)).unwrap_err();
        assert!(e.to_string().contains("different processes"), "{e}");
    }
}
