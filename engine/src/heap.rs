//! The indexed heap: a snapshot plus what every question needs, computed once at load.

use crate::ids::ObjId;
use crate::kinds::Kinds;
use crate::set::ObjSet;
use crate::snapshot::Snapshot;

/// A snapshot indexed for analysis. Immutable after [`Heap::new`].
#[derive(Debug, Clone)]
pub struct Heap {
    pub snap: Snapshot,
    pub kinds: Kinds,
    /// Reverse CSR: the edges into object i are `rev_edge[rev_start[i]..rev_start[i + 1]]`,
    /// each a forward edge index; `rev_source` holds that edge's source object.
    pub rev_start: Vec<u32>,
    pub rev_edge: Vec<u32>,
    pub rev_source: Vec<u32>,
    /// heapy's `heap()`: every object the root reaches, the root excluded.
    heap: ObjSet,
    total_size: u64,
}

impl Heap {
    pub fn new(snap: Snapshot) -> Heap {
        let kinds = Kinds::compute(&snap);
        let (rev_start, rev_edge, rev_source) = reverse_csr(&snap);
        let heap = reachable_from_root(&snap);
        let total_size = heap.iter().map(|o| snap.size[o.idx()]).sum();
        Heap { snap, kinds, rev_start, rev_edge, rev_source, heap, total_size }
    }

    /// The set heapy's `hpy().heap()` returns.
    pub fn heap(&self) -> &ObjSet {
        &self.heap
    }

    /// Total size of [`Heap::heap`].
    pub fn total_size(&self) -> u64 {
        self.total_size
    }

    /// Sum of the sizes of a set.
    pub fn size_of(&self, set: &ObjSet) -> u64 {
        set.iter().map(|o| self.snap.size[o.idx()]).sum()
    }

    /// Forward edge indices into `o`.
    pub fn referrer_edges(&self, o: ObjId) -> &[u32] {
        &self.rev_edge[self.rev_start[o.idx()] as usize..self.rev_start[o.idx() + 1] as usize]
    }

    /// The objects that refer to `o` (with repetition when several edges do).
    pub fn referrers(&self, o: ObjId) -> &[u32] {
        &self.rev_source[self.rev_start[o.idx()] as usize..self.rev_start[o.idx() + 1] as usize]
    }
}

/// Builds the reverse CSR by counting sort (two passes, no per-object allocation).
fn reverse_csr(s: &Snapshot) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = s.object_count();
    let mut start = vec![0u32; n + 1];
    for &t in &s.edge_target {
        start[t as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut edge = vec![0u32; s.edge_count()];
    let mut source = vec![0u32; s.edge_count()];
    for o in 0..n {
        for e in s.edges_of(ObjId(o as u32)) {
            let t = s.edge_target[e] as usize;
            let slot = fill[t] as usize;
            edge[slot] = e as u32;
            source[slot] = o as u32;
            fill[t] += 1;
        }
    }
    (start, edge, source)
}

/// Breadth-first reachability from the root with an explicit queue (heaps are deep).
fn reachable_from_root(s: &Snapshot) -> ObjSet {
    let n = s.object_count();
    let mut seen = vec![false; n];
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
    let ids: Vec<u32> = (1..n as u32).filter(|&o| seen[o as usize]).collect();
    ObjSet::from_sorted(ids)
}
