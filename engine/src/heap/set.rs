//! Sets of objects: sorted, deduplicated object numbers (heapy's IdentitySet).

use crate::heap::ids::ObjId;

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

/// Merges two sorted sets, keeping what `keep(in_a, in_b)` says.
fn merge(a: &[u32], b: &[u32], keep: impl Fn(bool, bool) -> bool) -> ObjSet {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let (x, in_a, in_b) = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x == y => {
                i += 1;
                j += 1;
                (x, true, true)
            }
            (Some(&x), Some(&y)) if x < y => {
                i += 1;
                (x, true, false)
            }
            (Some(&x), None) => {
                i += 1;
                (x, true, false)
            }
            (_, Some(&y)) => {
                j += 1;
                (y, false, true)
            }
            (None, None) => unreachable!("loop condition"),
        };
        if keep(in_a, in_b) {
            out.push(x);
        }
    }
    ObjSet { ids: out }
}

impl ObjSet {
    /// `self & other`
    pub fn and(&self, other: &ObjSet) -> ObjSet {
        merge(&self.ids, &other.ids, |a, b| a && b)
    }

    /// `self | other`
    pub fn or(&self, other: &ObjSet) -> ObjSet {
        merge(&self.ids, &other.ids, |a, b| a || b)
    }

    /// `self - other`
    pub fn sub(&self, other: &ObjSet) -> ObjSet {
        merge(&self.ids, &other.ids, |a, b| a && !b)
    }

    /// `self ^ other`
    pub fn xor(&self, other: &ObjSet) -> ObjSet {
        merge(&self.ids, &other.ids, |a, b| a != b)
    }
}

#[cfg(test)]
mod tests {
    use super::ObjSet;

    #[test]
    fn set_operators() {
        let a = ObjSet::from_unsorted(vec![5, 1, 3, 7]);
        let b = ObjSet::from_unsorted(vec![3, 4, 5, 9]);
        assert_eq!(a.and(&b).as_slice(), &[3, 5]);
        assert_eq!(a.or(&b).as_slice(), &[1, 3, 4, 5, 7, 9]);
        assert_eq!(a.sub(&b).as_slice(), &[1, 7]);
        assert_eq!(a.xor(&b).as_slice(), &[1, 4, 7, 9]);
        assert_eq!(a.and(&ObjSet::default()).len(), 0);
    }
}
