//! Sets of objects: sorted, deduplicated object numbers (heapy's IdentitySet).

use crate::ids::ObjId;

/// A set of objects as a sorted vector of object numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjSet {
    ids: Vec<u32>,
}

impl ObjSet {
    /// Builds a set from object numbers in any order, with duplicates.
    pub fn from_unsorted(mut ids: Vec<u32>) -> ObjSet {
        ids.sort_unstable();
        ids.dedup();
        ObjSet { ids }
    }

    /// Builds a set from object numbers already sorted ascending without duplicates.
    pub fn from_sorted(ids: Vec<u32>) -> ObjSet {
        debug_assert!(ids.windows(2).all(|w| w[0] < w[1]));
        ObjSet { ids }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn contains(&self, o: ObjId) -> bool {
        self.ids.binary_search(&o.0).is_ok()
    }

    pub fn iter(&self) -> impl Iterator<Item = ObjId> + '_ {
        self.ids.iter().map(|&i| ObjId(i))
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.ids
    }

    /// The members for which `keep` is true, as a new set (order is kept, so it stays sorted).
    pub fn filter(&self, mut keep: impl FnMut(ObjId) -> bool) -> ObjSet {
        ObjSet { ids: self.ids.iter().copied().filter(|&i| keep(ObjId(i))).collect() }
    }
}
