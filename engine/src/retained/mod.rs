//! heapy's `dominos`, `domisize` and `imdom` of any set, and the retained size of every row
//! of a partition (the `domisize` of each row's set).
//!
//! A set's `dominos` (what would be freed if the references to the whole set were deleted) is
//! not the union of its members' dominator subtrees: an object held by two members is dominated
//! by the pair, by neither alone. It is computed exactly, as heapy does, by walking from the
//! root without entering the set — but only inside the dominator subtree of the members'
//! nearest common dominator `top`: every path from the root into that subtree passes through
//! `top`, so nothing outside it can be freed and nothing outside it can help reach into it.
//! A set spread over the whole heap still costs one walk of the heap; a set inside one
//! structure costs a walk of that structure.

pub mod domtree;

use rayon::prelude::*;

use crate::heap::ids::ObjId;
use crate::heap::set::ObjSet;
use crate::partition::Partition;
use crate::Heap;

/// Membership of a set, as a bitset over all objects when the set is large.
struct Members<'a> {
    set: &'a ObjSet,
    bits: Option<Vec<u64>>,
}

impl<'a> Members<'a> {
    fn new(heap: &Heap, set: &'a ObjSet) -> Members<'a> {
        let n = heap.snap.object_count();
        let bits = (set.len() > 64).then(|| {
            let mut bits = vec![0u64; n.div_ceil(64)];
            for o in set.iter() {
                crate::work::check();
                bits[o.idx() / 64] |= 1 << (o.idx() % 64);
            }
            bits
        });
        Members { set, bits }
    }

    fn contains(&self, o: u32) -> bool {
        match &self.bits {
            Some(bits) => bits[o as usize / 64] & (1 << (o % 64)) != 0,
            None => self.set.contains(ObjId(o)),
        }
    }
}

/// What deleting the references to a set frees: the dominator subtree of `top` (in preorder),
/// minus the positions the walk from `top` reached (`None`: `top` is a member, all is freed).
struct Freed<'h> {
    top: ObjId,
    subtree: &'h [u32],
    reached: Option<Vec<bool>>,
    reached_size: u64,
}

/// Walks from the members' nearest common dominator without entering the set (see the module docs).
fn freed<'h>(heap: &'h Heap, set: &ObjSet) -> Option<Freed<'h>> {
    let d = heap.dominators();
    let mut members = set.iter().filter(|&o| o.0 != 0 && heap.reachable[o.idx()]);
    let mut top = members.next()?;
    for m in members {
        while !d.dominates(top, m) {
            top = d.idom(top).unwrap_or(ObjId(0));
        }
    }
    let subtree = d.subtree(top);
    let member = Members::new(heap, set);
    if member.contains(top.0) {
        return Some(Freed { top, subtree, reached: None, reached_size: 0 });
    }
    let s = &heap.snap;
    let base = d.position(top);
    let mut reached = vec![false; subtree.len()];
    reached[0] = true;
    let mut reached_size = s.size[top.idx()];
    let mut queue = vec![top.0];
    let mut head = 0;
    while head < queue.len() {
        crate::work::check();
        let o = queue[head];
        head += 1;
        for &t in s.referents(ObjId(o)) {
            let Some(p) = d.position_in(ObjId(t), base, subtree.len()) else { continue };
            if !reached[p] && !member.contains(t) {
                reached[p] = true;
                reached_size += s.size[t as usize];
                queue.push(t);
            }
        }
    }
    Some(Freed { top, subtree, reached: Some(reached), reached_size })
}

/// heapy's `X.dominos`: the reachable objects every root path to which passes through a member
/// of `set` (the members the root reaches included).
pub fn dominos(heap: &Heap, set: &ObjSet) -> ObjSet {
    let Some(f) = freed(heap, set) else { return ObjSet::default() };
    match &f.reached {
        None => ObjSet::from_unsorted(f.subtree.to_vec()),
        Some(r) => ObjSet::from_unsorted(f.subtree.iter().zip(r).filter(|(_, &hit)| !hit).map(|(&o, _)| o).collect()),
    }
}

/// heapy's `X.domisize`: the total size of [`dominos`], without making the set.
pub fn domisize(heap: &Heap, set: &ObjSet) -> u64 {
    match freed(heap, set) {
        None => 0,
        Some(f) => heap.dominators().retained(f.top) - f.reached_size,
    }
}

/// heapy's `X.imdom`: the referrers of X that the root reaches without passing through another
/// referrer of X (a subset of `X.referrers`).
pub fn imdom(heap: &Heap, set: &ObjSet) -> ObjSet {
    let pred = heap.referrers_of(set);
    if pred.is_empty() {
        return pred;
    }
    let member = Members::new(heap, &pred);
    let s = &heap.snap;
    let mut seen = vec![false; s.object_count()];
    seen[0] = true;
    let mut queue = vec![0u32];
    let mut head = 0;
    let mut found = Vec::new();
    while head < queue.len() {
        crate::work::check();
        let o = queue[head];
        head += 1;
        for &t in s.referents(ObjId(o)) {
            if seen[t as usize] {
                continue;
            }
            seen[t as usize] = true;
            if member.contains(t) {
                found.push(t); // reached, but the walk does not pass through it
            } else {
                queue.push(t);
            }
        }
    }
    ObjSet::from_unsorted(found)
}

/// The retained size (`domisize`) of rows `rows` of `p`, a partition of `set`, in parallel.
/// One-object rows read the dominator tree; other rows walk as [`domisize`] does.
pub fn rows_retained(heap: &Heap, p: &Partition, set: &ObjSet, rows: std::ops::Range<usize>) -> Vec<u64> {
    let rows: Vec<usize> = (rows.start.min(p.len())..rows.end.min(p.len())).collect();
    rows_retained_at(heap, p, set, &rows)
}

/// [`rows_retained`] of the rows at some indexes (each below `p.len()`).
pub fn rows_retained_at(heap: &Heap, p: &Partition, set: &ObjSet, rows: &[usize]) -> Vec<u64> {
    let d = heap.dominators();
    rows.par_iter()
        .map(|&i| match p.object(i) {
            Some(o) => d.retained(o),
            None => domisize(heap, &p.row_set(heap, set, i)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partition::{partition, Relation};

    fn small() -> Heap {
        crate::testing::real_heap()
    }

    /// The definition, walked over the whole heap: reachable objects the root misses when X is blocked.
    fn dominos_by_definition(h: &Heap, set: &ObjSet) -> ObjSet {
        let s = &h.snap;
        let mut seen = vec![false; s.object_count()];
        seen[0] = true;
        let mut queue = vec![0u32];
        while let Some(o) = queue.pop() {
            for &t in s.referents(ObjId(o)) {
                if !seen[t as usize] && !set.contains(ObjId(t)) {
                    seen[t as usize] = true;
                    queue.push(t);
                }
            }
        }
        h.heap().filter(|o| !seen[o.idx()])
    }

    #[test]
    fn dominos_of_rows_and_mixed_sets_equal_the_definition() {
        let h = small();
        let mut checked = 0;
        for rel in [Relation::Clodo, Relation::Type, Relation::Size, Relation::Rcs] {
            let p = partition(&h, h.heap(), rel);
            let sizes = rows_retained(&h, &p, h.heap(), 0..12);
            for (i, &size) in sizes.iter().enumerate() {
                let set = p.row_set(&h, h.heap(), i);
                let want = dominos_by_definition(&h, &set);
                assert_eq!(dominos(&h, &set), want, "{rel:?} row {i}");
                assert_eq!(size, h.size_of(&want), "{rel:?} row {i}");
                checked += 1;
            }
        }
        // sets inside one structure (a subtree walk) and sets mixing unrelated objects
        for step in [3usize, 17, 101, 997] {
            let set = ObjSet::from_sorted(h.heap().as_slice().iter().copied().step_by(step).take(40).collect());
            assert_eq!(dominos(&h, &set), dominos_by_definition(&h, &set), "every {step}th object");
        }
        let d = h.dominators();
        let big = h.heap().iter().max_by_key(|&o| (d.retained(o), o.0)).unwrap();
        let inside = ObjSet::from_unsorted(d.subtree(big).iter().copied().skip(1).step_by(7).collect());
        assert!(inside.len() > 3);
        assert_eq!(dominos(&h, &inside), dominos_by_definition(&h, &inside), "members under one object");
        assert!(checked >= 40);
    }

    #[test]
    fn children_and_subtrees_agree_with_idom() {
        let h = small();
        let d = h.dominators();
        let mut total = 0;
        for o in h.heap().iter().chain([ObjId(0)]) {
            let kids: Vec<ObjId> = d.children(o).collect();
            for &c in &kids {
                assert_eq!(d.idom(c), Some(o));
                assert!(d.dominates(o, c) && !d.dominates(c, o));
            }
            let sum: u64 = kids.iter().map(|&c| d.retained(c)).sum::<u64>() + h.snap.size[o.idx()];
            assert_eq!(sum, d.retained(o), "retained = own size + children's retained");
            total += kids.len();
        }
        assert_eq!(total, h.heap().iter().filter(|o| h.reachable[o.idx()]).count(), "every object has one parent");
        assert_eq!(d.subtree(ObjId(0)).len(), total + 1);
    }

    /// heapy's definition: referrers reached from the root by a walk that does not pass through a referrer.
    #[test]
    fn imdom_keeps_the_referrers_reached_first() {
        let h = small();
        let d = h.dominators();
        for o in h.heap().iter().step_by(211).take(30) {
            let x = ObjSet::from_sorted(vec![o.0]);
            let im = imdom(&h, &x);
            let refs = h.referrers_of(&x);
            assert!(im.as_slice().iter().all(|&r| refs.contains(ObjId(r))), "a subset of the referrers");
            assert!(!refs.is_empty() == !im.is_empty(), "a reachable object has an immediate dominator");
            if refs.len() == 1 {
                assert_eq!(im, refs);
            }
            // the immediate dominator of o (if a referrer) is reached first, so it is in imdom
            if let Some(i) = d.idom(o).filter(|i| refs.contains(*i)) {
                assert!(im.contains(i), "idom of {} in imdom", o.0);
            }
        }
    }
}
