//! The dominator tree as a browsable view (Eclipse MAT's "dominator tree"): the members of a
//! set that no other member dominates, then any object's immediately dominated objects, each
//! list largest retained size first.

use crate::heap::brief::brief;
use crate::heap::ids::ObjId;
use crate::heap::kind_label;
use crate::heap::set::ObjSet;
use crate::heap::Heap;

/// Nodes listed per level when the caller does not say how many.
pub const DEFAULT_LIMIT: usize = 100;

/// One object in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomNode {
    pub object: ObjId,
    pub addr: u64,
    /// heapy's kind (clodo label).
    pub kind: String,
    /// heapy's one-line description of the object (its `byid` text).
    pub brief: String,
    pub size: u64,
    pub retained: u64,
    /// How many objects it immediately dominates.
    pub children: u64,
}

/// One level: `offset..offset + nodes.len()` of `total` nodes, and the rest summed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomLevel {
    pub total: u64,
    pub offset: u64,
    pub nodes: Vec<DomNode>,
    /// Nodes not listed (before `offset` and after the last) and their retained sizes summed.
    pub rest_count: u64,
    pub rest_retained: u64,
}

/// The members of `set` the root reaches that no other member dominates: the roots of the
/// set's part of the dominator tree, whose retained sizes do not overlap. O(k log k).
pub fn tops(heap: &Heap, set: &ObjSet) -> Vec<ObjId> {
    let d = heap.dominators();
    let mut members: Vec<(u32, ObjId)> =
        set.iter().filter(|&o| o.0 != 0).map(|o| (d.position(o), o)).filter(|&(p, _)| p != u32::MAX).collect();
    // in preorder a subtree follows its top: a member is a top unless the last top dominates it
    members.sort_unstable();
    let mut out: Vec<ObjId> = Vec::new();
    for (_, o) in members {
        if out.last().is_none_or(|&top| !d.dominates(top, o)) {
            out.push(o);
        }
    }
    out
}

/// A level of the tree: `objects` ordered by retained size (largest first, then address),
/// rows `offset..offset + limit` described.
pub fn level(heap: &Heap, objects: Vec<ObjId>, offset: usize, limit: usize) -> DomLevel {
    let d = heap.dominators();
    let key = |o: &ObjId| (std::cmp::Reverse(d.retained(*o)), heap.snap.addr[o.idx()]);
    let mut objects = objects;
    let end = offset.saturating_add(limit).min(objects.len());
    if end < objects.len() {
        objects.select_nth_unstable_by_key(end, key);
    }
    let shown = &mut objects[..end];
    shown.sort_unstable_by_key(key);
    let total_retained: u64 = objects.iter().map(|&o| d.retained(o)).sum();
    let start = offset.min(end);
    let nodes: Vec<DomNode> = objects[start..end].iter().map(|&o| node(heap, o)).collect();
    let listed: u64 = nodes.iter().map(|n| n.retained).sum();
    DomLevel {
        total: objects.len() as u64,
        offset: start as u64,
        rest_count: (objects.len() - nodes.len()) as u64,
        rest_retained: total_retained - listed,
        nodes,
    }
}

/// The objects `o` immediately dominates.
pub fn children(heap: &Heap, o: ObjId) -> Vec<ObjId> {
    heap.dominators().children(o).collect()
}

/// One object as a tree node.
pub fn node(heap: &Heap, o: ObjId) -> DomNode {
    let d = heap.dominators();
    DomNode {
        object: o,
        addr: heap.snap.addr[o.idx()],
        kind: kind_label(heap, o).to_owned(),
        brief: brief(heap, o),
        size: heap.snap.size[o.idx()],
        retained: d.retained(o),
        children: d.children(o).count() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partition::{partition, Relation};

    fn small() -> Heap {
        crate::testing::real_heap()
    }

    #[test]
    fn the_whole_heaps_tops_are_the_roots_children_and_cover_the_heap() {
        let h = small();
        let t = tops(&h, h.heap());
        assert_eq!(t, children(&h, ObjId(0)));
        let sum: u64 = t.iter().map(|&o| h.dominators().retained(o)).sum();
        assert_eq!(sum, h.total_size(), "the root's subtrees partition the reachable heap");
        let l = level(&h, t.clone(), 0, 10);
        assert_eq!(l.total as usize, t.len());
        assert_eq!(l.nodes.len(), 10.min(t.len()));
        assert!(l.nodes.windows(2).all(|w| w[0].retained >= w[1].retained), "largest first");
        assert_eq!(l.nodes.iter().map(|n| n.retained).sum::<u64>() + l.rest_retained, sum);
        let page2 = level(&h, t.clone(), 10, 10);
        assert!(page2.nodes.first().is_none_or(|n| n.retained <= l.nodes[9].retained));
    }

    #[test]
    fn a_rows_tops_are_members_no_other_member_dominates() {
        let h = small();
        let d = h.dominators();
        let p = partition(&h, h.heap(), Relation::Clodo);
        for i in 0..p.len().min(15) {
            let set = p.row_set(&h, h.heap(), i);
            let t = tops(&h, &set);
            let top_set = ObjSet::from_unsorted(t.iter().map(|o| o.0).collect());
            for o in set.iter().filter(|o| h.reachable[o.idx()]) {
                // walk o's dominators (itself first): exactly one is a top
                let mut covered = 0;
                let mut dominated_by_other = false;
                let mut up = Some(o);
                while let Some(a) = up {
                    covered += top_set.contains(a) as usize;
                    dominated_by_other |= a != o && set.contains(a);
                    up = d.idom(a);
                }
                assert_eq!(covered, 1, "every member under exactly one top");
                let is_top = top_set.contains(o);
                assert_eq!(is_top, !dominated_by_other);
            }
        }
    }
}
