//! The dominator tree from the root, each object's retained size, and heapy's `dominos` /
//! `domisize` of any set.
//!
//! Object d dominates o when every path from the root to o passes through d. The tree is
//! computed with the semi-NCA algorithm (Georgiadis; as in rustc's `graph::dominators`), all
//! loops iterative with explicit stacks (heaps are millions deep): a depth-first preorder, the
//! semidominators in reverse preorder with path compression, then each immediate dominator as
//! the nearest common ancestor of the DFS parent and the semidominator. An object's retained
//! size is the size of its dominator subtree.
//!
//! The tree is also kept in its own preorder (a subtree is a contiguous run), so a subtree,
//! an object's children and "does a dominate b" cost nothing more; [`crate::retained`] uses
//! that for heapy's `dominos` / `domisize` / `imdom` of sets.

use crate::heap::graph::Graph;
use crate::heap::ids::ObjId;

const UNSEEN: u32 = u32::MAX;

/// The immediate dominator and retained size of every object the root reaches.
#[derive(Debug, Clone, Default)]
pub struct Dominators {
    /// Immediate dominator per object (the root's is itself; `u32::MAX` where unreachable).
    pub(crate) idom: Vec<u32>,
    /// Size of the dominator subtree per object (0 where unreachable).
    pub(crate) retained: Vec<u64>,
    /// The reachable objects in preorder of the dominator tree: a subtree is a contiguous run.
    pub(crate) order: Vec<u32>,
    /// Position in `order` per object (`u32::MAX` where unreachable).
    pub(crate) tree_pre: Vec<u32>,
    /// Number of objects in the subtree (itself included), per position in `order`.
    pub(crate) tree_len: Vec<u32>,
}

impl Dominators {
    /// Computes the dominator tree of `heap` from its root (object 0).
    pub fn new(heap: &Graph) -> Dominators {
        let s = &heap.snap;
        let n = s.object_count();
        if n == 0 {
            return Dominators::default();
        }
        // 1. depth-first preorder from the root, with each vertex's DFS parent
        let mut pre = vec![UNSEEN; n];
        let mut vertex: Vec<u32> = Vec::new();
        let mut parent: Vec<u32> = Vec::new();
        let mut stack: Vec<(u32, u32)> = vec![(0, s.edge_start[0])];
        pre[0] = 0;
        vertex.push(0);
        parent.push(0);
        while let Some(top) = stack.last_mut() {
            let (o, e) = *top;
            if e < s.edge_start[o as usize + 1] {
                top.1 += 1;
                let t = s.edge_target[e as usize];
                if pre[t as usize] == UNSEEN {
                    pre[t as usize] = vertex.len() as u32;
                    parent.push(pre[o as usize]);
                    vertex.push(t);
                    stack.push((t, s.edge_start[t as usize]));
                }
            } else {
                stack.pop();
            }
        }
        drop(stack);
        let r = vertex.len();
        // 2. semidominators, in reverse preorder; vertices above `w` are processed (linked)
        let mut semi: Vec<u32> = (0..r as u32).collect();
        let mut label = semi.clone();
        let mut ancestor = parent.clone();
        let mut path: Vec<u32> = Vec::new();
        for w in (1..r).rev() {
            let mut best = semi[w];
            for &src in heap.rev.sources(ObjId(vertex[w])) {
                let v = pre[src as usize];
                if v == UNSEEN {
                    continue;
                }
                let x = if (v as usize) > w {
                    compress(v, w as u32, &mut ancestor, &semi, &mut label, &mut path);
                    label[v as usize]
                } else {
                    v
                };
                best = best.min(semi[x as usize]);
            }
            semi[w] = best;
        }
        drop((label, ancestor, path));
        // 3. immediate dominators: the nearest common ancestor of the DFS parent and the semidominator
        let mut idom_pre = vec![0u32; r];
        for w in 1..r {
            let mut d = parent[w];
            while d > semi[w] {
                d = idom_pre[d as usize];
            }
            idom_pre[w] = d;
        }
        drop((semi, parent));
        // 4. retained sizes, children before parents (reverse preorder)
        let mut ret: Vec<u64> = vertex.iter().map(|&o| s.size[o as usize]).collect();
        for w in (1..r).rev() {
            ret[idom_pre[w] as usize] += ret[w];
        }
        let mut idom = vec![UNSEEN; n];
        let mut retained = vec![0u64; n];
        for w in 0..r {
            idom[vertex[w] as usize] = vertex[idom_pre[w] as usize];
            retained[vertex[w] as usize] = ret[w];
        }
        drop(ret);
        let (order, tree_len) = tree_preorder(&idom_pre, &vertex);
        drop((idom_pre, vertex));
        let mut tree_pre = vec![UNSEEN; n];
        for (i, &o) in order.iter().enumerate() {
            tree_pre[o as usize] = i as u32;
        }
        Dominators { idom, retained, order, tree_pre, tree_len }
    }

    /// Whether `a` dominates `b` (every object dominates itself); false when either is unreachable.
    pub fn dominates(&self, a: ObjId, b: ObjId) -> bool {
        let (pa, pb) = (self.pre(a), self.pre(b));
        pa != UNSEEN && pb != UNSEEN && pa <= pb && pb < pa + self.tree_len[pa as usize]
    }

    /// The objects `o` immediately dominates, in the tree's preorder (empty when unreachable).
    pub fn children(&self, o: ObjId) -> impl Iterator<Item = ObjId> + '_ {
        let p = self.pre(o);
        let (mut next, end) = if p == UNSEEN { (0, 0) } else { (p + 1, p + self.tree_len[p as usize]) };
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let c = next;
                next += self.tree_len[c as usize];
                ObjId(self.order[c as usize])
            })
        })
    }

    /// The objects `o` dominates, itself first (its dominator subtree, in preorder).
    pub fn subtree(&self, o: ObjId) -> &[u32] {
        let p = self.pre(o);
        if p == UNSEEN {
            return &[];
        }
        &self.order[p as usize..(p + self.tree_len[p as usize]) as usize]
    }

    /// `o`'s position in the tree's preorder (`u32::MAX` when unreachable).
    pub(crate) fn position(&self, o: ObjId) -> u32 {
        self.pre(o)
    }

    /// `o`'s offset inside the subtree that starts at preorder position `base` and has `len` objects.
    pub(crate) fn position_in(&self, o: ObjId, base: u32, len: usize) -> Option<usize> {
        let p = self.pre(o);
        (p != UNSEEN && p >= base && ((p - base) as usize) < len).then(|| (p - base) as usize)
    }

    fn pre(&self, o: ObjId) -> u32 {
        self.tree_pre.get(o.idx()).copied().unwrap_or(UNSEEN)
    }

    /// The immediate dominator of `o` (`None` for the root and unreachable objects).
    pub fn idom(&self, o: ObjId) -> Option<ObjId> {
        let d = *self.idom.get(o.idx())?;
        (d != UNSEEN && o.0 != 0).then_some(ObjId(d))
    }

    /// The size of everything `o` dominates, itself included (0 when the root does not reach it).
    pub fn retained(&self, o: ObjId) -> u64 {
        self.retained.get(o.idx()).copied().unwrap_or(0)
    }
}

/// The dominator tree's preorder (as objects) and each position's subtree length, from the
/// immediate dominators in DFS numbering (`idom_pre[w] < w`, so parents come first): subtree
/// sizes children-first, then each child placed after its parent and its earlier siblings.
fn tree_preorder(idom_pre: &[u32], vertex: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let r = idom_pre.len();
    let mut len = vec![1u32; r];
    for w in (1..r).rev() {
        len[idom_pre[w] as usize] += len[w];
    }
    let mut pos = vec![0u32; r];
    let mut next = vec![1u32; r];
    for w in 1..r {
        let d = idom_pre[w] as usize;
        pos[w] = next[d];
        next[d] += len[w];
        next[w] = pos[w] + 1;
    }
    drop(next);
    let mut order = vec![0u32; r];
    let mut tree_len = vec![0u32; r];
    for w in 0..r {
        order[pos[w] as usize] = vertex[w];
        tree_len[pos[w] as usize] = len[w];
    }
    (order, tree_len)
}

/// Path compression for `eval(v)`: walks up the processed ancestors of `v` (preorder above
/// `w`), then points each at the topmost and carries down the label of least semidominator.
fn compress(v: u32, w: u32, ancestor: &mut [u32], semi: &[u32], label: &mut [u32], path: &mut Vec<u32>) {
    path.clear();
    path.push(v);
    let mut u = ancestor[v as usize];
    while u > w {
        path.push(u);
        u = ancestor[u as usize];
    }
    for i in (0..path.len() - 1).rev() {
        let (x, y) = (path[i] as usize, path[i + 1] as usize);
        if semi[label[y] as usize] < semi[label[x] as usize] {
            label[x] = label[y];
        }
        ancestor[x] = ancestor[y];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::set::ObjSet;
    use crate::heap::snapshot::EdgeName;
    use crate::retained::{dominos, domisize};
    use crate::Heap;
    use crate::{read_snapshot, SnapshotWriter};

    /// A graph from edges `(from, to)` over objects 0..n (0 is the root), size of object i = 10 + i.
    fn graph(n: u32, edges: &[(u32, u32)]) -> Heap {
        let mut w = SnapshotWriter::new(Vec::new()).unwrap();
        let t = w.add_type(None, "node").unwrap();
        let name: EdgeName = w.name(".x").unwrap();
        let mut out_of = vec![Vec::new(); n as usize];
        for &(from, to) in edges {
            out_of[from as usize].push((ObjId(to), name));
        }
        for (o, out) in (0..n).zip(&out_of) {
            let (ty, size) = if o == 0 { (None, 0) } else { (Some(t), 10 + o as u64) };
            w.object(0x1000 + o as u64 * 16, ty, size, out).unwrap();
        }
        Heap::new(read_snapshot(&w.finish(&serde_json::json!({})).unwrap()[..]).unwrap())
    }

    /// The textbook check: o's dominators by brute force (remove d, see whether o is still reached).
    fn brute_idom(h: &Heap, o: u32) -> Option<u32> {
        let reached_without = |d: u32| !dominos(h, &ObjSet::from_sorted(vec![d])).contains(ObjId(o));
        let doms: Vec<u32> = (1..h.snap.object_count() as u32).filter(|&d| d != o && !reached_without(d)).collect();
        // the immediate dominator is the dominator that all other dominators dominate: the deepest one
        doms.iter()
            .copied()
            .find(|&d| doms.iter().all(|&e| e == d || !dominos(h, &ObjSet::from_sorted(vec![d])).contains(ObjId(e))))
            .or(Some(0))
    }

    #[test]
    fn idoms_and_retained_sizes_on_a_graph_with_cycles_and_shared_children() {
        // 1 → 2 → 3 → 4, 1 → 5 → 4 (4 shared), 3 → 2 (cycle), 0 → 1, 0 → 6 → 7 → 6, 8 unreachable → 2
        let edges = [(0, 1), (1, 2), (2, 3), (3, 4), (1, 5), (5, 4), (3, 2), (0, 6), (6, 7), (7, 6), (8, 2)];
        let h = graph(9, &edges);
        let d = Dominators::new(&h);
        for o in 1..8 {
            assert_eq!(d.idom(ObjId(o)).map(|x| x.0), brute_idom(&h, o), "idom of {o}");
        }
        assert_eq!(d.idom(ObjId(4)), Some(ObjId(1)), "4 is held through 3 and through 5");
        assert_eq!(d.idom(ObjId(8)), None, "unreachable");
        assert_eq!(d.retained(ObjId(2)), (10 + 2) + (10 + 3), "2 holds 3 alone");
        assert_eq!(d.retained(ObjId(1)), [1, 2, 3, 4, 5].iter().map(|i| 10 + i).sum::<u64>());
        assert_eq!(d.retained(ObjId(0)), h.total_size(), "the root retains the whole heap (its own size is 0)");
        assert_eq!(d.retained(ObjId(8)), 0);
        // a set's dominos: {3, 5} together free 4, neither alone does
        let pair = ObjSet::from_sorted(vec![3, 5]);
        assert_eq!(dominos(&h, &pair).as_slice(), &[3, 4, 5]);
        assert_eq!(domisize(&h, &pair), 13 + 14 + 15);
        assert_eq!(dominos(&h, &ObjSet::from_sorted(vec![3])).as_slice(), &[3]);
        assert_eq!(domisize(&h, &ObjSet::from_sorted(vec![2])), d.retained(ObjId(2)), "one object: its subtree");
    }

    #[test]
    fn a_deep_chain_does_not_overflow_the_stack() {
        let n = 200_000u32;
        let edges: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let h = graph(n, &edges);
        let d = Dominators::new(&h);
        assert_eq!(d.idom(ObjId(n - 1)), Some(ObjId(n - 2)));
        assert_eq!(d.retained(ObjId(n - 2)), (10 + n as u64 - 2) + (10 + n as u64 - 1));
    }

    /// Every object of a real heap: the tree's subtree size equals the exact walk for single objects.
    #[test]
    fn retained_sizes_equal_domisize_of_single_objects_on_a_real_heap() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls");
        let h = Heap::new(crate::format::read_snapshot_file(std::path::Path::new(path)).unwrap());
        let d = Dominators::new(&h);
        let mut checked = 0;
        for o in h.heap().iter().step_by(97) {
            assert_eq!(d.retained(o), domisize(&h, &ObjSet::from_sorted(vec![o.0])), "object {}", o.0);
            checked += 1;
        }
        assert!(checked > 400);
        assert_eq!(d.retained(ObjId(0)), h.total_size());
    }
}
