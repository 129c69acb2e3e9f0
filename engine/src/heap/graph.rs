//! The loaded graph: a snapshot with what every index of the [`Heap`](super::Heap) is built
//! from — heapy's kinds, the reverse edges and reachability from the root. The modules that
//! build the indexes (classes, briefs and the `byid` order, the dominator tree) read this,
//! never the `Heap` that holds them.

use crate::heap::ids::ObjId;
use crate::heap::kinds::Kinds;
use crate::heap::reverse::Reverse;
use crate::heap::snapshot::Snapshot;

/// A snapshot with its kinds, reverse edges and reachability.
#[derive(Debug, Clone)]
pub struct Graph {
    pub snap: Snapshot,
    pub kinds: Kinds,
    pub rev: Reverse,
    /// Whether the root reaches each object (the root included).
    pub reachable: Vec<bool>,
}

impl Graph {
    pub fn new(snap: Snapshot) -> Graph {
        let kinds = Kinds::compute(&snap);
        let rev = Reverse::new(&snap);
        let reachable = reachable_from_root(&snap);
        Graph { snap, kinds, rev, reachable }
    }
}

/// Breadth-first reachability from the root with an explicit queue (heaps are deep).
fn reachable_from_root(s: &Snapshot) -> Vec<bool> {
    let mut seen = vec![false; s.object_count()];
    let mut queue = vec![0u32];
    seen[0] = true;
    let mut head = 0;
    while head < queue.len() {
        let o = queue[head];
        head += 1;
        for &t in s.referents(ObjId(o)) {
            if !seen[t as usize] {
                seen[t as usize] = true;
                queue.push(t);
            }
        }
    }
    seen
}
