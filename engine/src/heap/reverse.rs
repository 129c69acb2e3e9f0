//! Reverse edges: for each object, the edges into it and their sources (a CSR built once at load).

use crate::heap::ids::ObjId;
use crate::heap::snapshot::Snapshot;

/// Reverse CSR: the edges into object i are `edge[start[i]..start[i + 1]]` (forward edge
/// indices), and `source` holds each such edge's source object.
#[derive(Debug, Clone, Default)]
pub struct Reverse {
    pub(crate) start: Vec<u32>,
    pub(crate) edge: Vec<u32>,
    pub(crate) source: Vec<u32>,
}

impl Reverse {
    /// Builds the reverse CSR by counting sort (two passes, no per-object allocation).
    pub(crate) fn new(s: &Snapshot) -> Reverse {
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
        Reverse { start, edge, source }
    }

    fn range(&self, o: ObjId) -> std::ops::Range<usize> {
        self.start[o.idx()] as usize..self.start[o.idx() + 1] as usize
    }

    /// Forward edge indices into `o`.
    pub fn edges(&self, o: ObjId) -> &[u32] {
        &self.edge[self.range(o)]
    }

    /// The sources of the edges into `o` (with repetition when several edges do).
    pub fn sources(&self, o: ObjId) -> &[u32] {
        &self.source[self.range(o)]
    }
}
