//! heapy's `setref` reference point: which objects of a snapshot already existed when
//! `heaplens.setref()` ran in the process (`heapref`) and which are new since (`heapnew`,
//! what heapy's `hp.heap()` returns after `hp.setref()`). See `docs/identity.md`.

use crate::heap::ids::ObjId;
use crate::heap::set::ObjSet;
use crate::heap::snapshot::ReferencePoint;
use crate::heap::Heap;

/// Why a snapshot has no answer about its reference point.
pub const NO_REFERENCE: &str =
    "this snapshot has no reference point: call heaplens.setref() in the process before heaplens.dump()";

impl Heap {
    /// The reference point, if the snapshot was captured after a setref and carries the
    /// per-object marks it needs.
    pub fn reference_point(&self) -> Option<ReferencePoint> {
        let s = &self.snap;
        (!s.first_seen.is_empty()).then_some(s.meta.reference).flatten()
    }

    /// Whether object `o` already existed at the reference point (`None` without one).
    pub fn existed_at_reference(&self, o: ObjId) -> Option<bool> {
        self.reference_point().map(|r| u64::from(self.snap.first_seen[o.idx()]) <= r.seq)
    }

    /// `heapnew`: the objects of `heap` first seen after the reference point (heapy's
    /// `hp.heap()` after `hp.setref()`).
    pub fn heapnew(&self) -> Result<ObjSet, &'static str> {
        self.split_at_reference(true)
    }

    /// `heapref`: the objects of `heap` that existed at the reference point.
    pub fn heapref(&self) -> Result<ObjSet, &'static str> {
        self.split_at_reference(false)
    }

    fn split_at_reference(&self, new: bool) -> Result<ObjSet, &'static str> {
        let r = self.reference_point().ok_or(NO_REFERENCE)?;
        let seen = &self.snap.first_seen;
        Ok(self.heap().filter(|o| (u64::from(seen[o.idx()]) > r.seq) == new))
    }
}
