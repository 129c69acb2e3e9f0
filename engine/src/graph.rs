//! The referrer graph (the graph feature): who holds a set, by kind, as a graph the page
//! can unfold.
//!
//! The current set S (a query) and every expanded node get their referrers (the query
//! language's `.referrers`) grouped by clodo; the `k` largest groups become nodes with the
//! query `PARENT.referrers.byclodo["LABEL"]` (a row index instead of the label when two
//! kinds share a label), so clicking a node is an ordinary query. An edge goes from a
//! referrer node to the node it refers to, with the number of references between the two
//! sets and the three commonest edge names.
//!
//! Work is proportional to the expanded sets' incoming edges, never to the heap: one pass
//! over a set's incoming edges groups its referrers and counts the edges per group and per
//! interned edge-name code; names are rendered for the top three only.

use crate::format::EdgeName;
use crate::heap::ids::{KindId, ObjId};
use crate::heap::set::ObjSet;
use crate::heap::Heap;
use crate::object::paths::rel_key;
use crate::partition::Relation;
use crate::query::{Expr, Query, QueryError, Selector};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

/// Groups kept per expanded node when the caller does not say how many.
pub const DEFAULT_K: usize = 12;
/// The most nodes a graph has; beyond it the graph is cut and says so.
pub const MAX_NODES: usize = 500;
/// Edge names reported per edge.
const TOP_NAMES: usize = 3;

/// One node: a set selected by `query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    /// The normalised query of the node's set; also the node's id.
    pub query: String,
    /// The kind of the referrers (the current set: its last breadcrumb).
    pub label: String,
    pub count: u64,
    pub size: u64,
    /// Steps from the current set.
    pub depth: u32,
    /// Whether this is the current set.
    pub current: bool,
    /// Whether its referrers are in the graph.
    pub expanded: bool,
}

/// References from the members of node `from` to the members of node `to` (indices into
/// [`RefGraph::nodes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    pub count: u64,
    /// The commonest edge names (as heapy prints them) with their counts, most first.
    pub via: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// Whether nodes were left out to stay within [`MAX_NODES`].
    pub truncated: bool,
}

/// The referrer graph of `query`'s set, with the nodes whose queries are in `expand`
/// unfolded too (the current set always is); `k` groups per unfolded node. Expanded
/// queries that are not nodes of the graph are ignored.
pub fn referrer_graph(heap: &Heap, query: &Query, expand: &[Query], k: usize) -> Result<RefGraph, QueryError> {
    let base = query.set_query();
    let selection = heap.select(&base)?;
    let expand: HashSet<String> = expand.iter().map(|q| q.set_query().to_string()).collect();
    let label = selection.crumbs.last().map_or_else(|| base.to_string(), |c| c.label.clone());
    let mut g = RefGraph { nodes: Vec::new(), edges: Vec::new(), truncated: false };
    g.nodes.push(GraphNode {
        query: base.to_string(),
        label,
        count: selection.set.len() as u64,
        size: heap.size_of(&selection.set),
        depth: 0,
        current: true,
        expanded: true,
    });
    let mut ids: HashMap<String, usize> = HashMap::from([(base.to_string(), 0)]);
    // nodes to unfold: (node, its expression, its set)
    let mut queue: VecDeque<(usize, Expr, ObjSet)> = VecDeque::from([(0, base.expr.clone(), selection.set)]);
    let kinds = heap.kinds.len();
    let mut slot_of_kind = vec![u32::MAX; kinds];
    let mut acc = vec![(0u64, 0u64); kinds];
    while let Some((node, expr, set)) = queue.pop_front() {
        crate::work::check();
        let referrers = heap.referrers_of(&set);
        // the clodo partition of the referrers, in heapy's row order (as `partition` sorts)
        let mut seen_kinds: Vec<KindId> = Vec::new();
        for o in referrers.iter() {
            crate::work::check();
            let kind = heap.kinds.of(o).expect("referrers exclude the root");
            let c = &mut acc[kind.idx()];
            if c.0 == 0 {
                seen_kinds.push(kind);
            }
            c.0 += 1;
            c.1 += heap.snap.size[o.idx()];
        }
        let mut rows: Vec<(KindId, u64, u64)> = Vec::with_capacity(seen_kinds.len());
        for kind in seen_kinds {
            let c = std::mem::take(&mut acc[kind.idx()]);
            rows.push((kind, c.0, c.1));
        }
        let label = |kind: KindId| heap.kinds.label(kind);
        rows.sort_unstable_by(|a, b| b.2.cmp(&a.2).then_with(|| label(a.0).cmp(label(b.0))).then(a.0.cmp(&b.0)));
        let mut label_uses: HashMap<&str, u32> = HashMap::new();
        for r in &rows {
            *label_uses.entry(label(r.0)).or_default() += 1;
        }
        let top = &rows[..rows.len().min(k)];
        for (slot, r) in top.iter().enumerate() {
            slot_of_kind[r.0.idx()] = slot as u32;
        }
        // one pass over the set's incoming edges: references and names per group
        let mut refs = vec![0u64; top.len()];
        let mut names: HashMap<(u32, u32), u64> = HashMap::new();
        for t in set.iter() {
            for (&e, &s) in heap.rev.edges(t).iter().zip(heap.rev.sources(t)) {
                if s == 0 || !heap.reachable[s as usize] {
                    continue;
                }
                let slot = slot_of_kind[heap.kinds.of(ObjId(s)).expect("not the root").idx()];
                if slot != u32::MAX {
                    refs[slot as usize] += 1;
                    *names.entry((slot, heap.snap.edge_name[e as usize])).or_default() += 1;
                }
            }
        }
        let mut by_slot: Vec<Vec<(u32, u64)>> = vec![Vec::new(); top.len()];
        for ((slot, code), n) in names {
            by_slot[slot as usize].push((code, n));
        }
        for r in top {
            slot_of_kind[r.0.idx()] = u32::MAX;
        }
        let depth = g.nodes[node].depth + 1;
        for (slot, &(kind, count, size)) in top.iter().enumerate() {
            let selector = if label_uses[label(kind)] > 1 {
                Selector::Index(slot as i64)
            } else {
                Selector::Label(label(kind).to_owned())
            };
            let child_expr = Expr::Row {
                of: Arc::new(Expr::Referrers(Arc::new(expr.clone()))),
                relation: Relation::Clodo,
                selector,
                position: 0,
            };
            let text = child_expr.to_string();
            let child = match ids.get(&text) {
                Some(&i) => i,
                None if g.nodes.len() >= MAX_NODES => {
                    g.truncated = true;
                    continue;
                }
                None => {
                    let i = g.nodes.len();
                    let expanded = expand.contains(&text);
                    if expanded {
                        let members = referrers.filter(|o| heap.kinds.of(o) == Some(kind));
                        queue.push_back((i, child_expr, members));
                    }
                    ids.insert(text.clone(), i);
                    g.nodes.push(GraphNode {
                        query: text,
                        label: label(kind).to_owned(),
                        count,
                        size,
                        depth,
                        current: false,
                        expanded,
                    });
                    i
                }
            };
            // the commonest names; among equally common ones heapy's path order ([0] before [1])
            let mut via = std::mem::take(&mut by_slot[slot]);
            let order = |a: &(u32, u64), b: &(u32, u64)| {
                b.1.cmp(&a.1).then_with(|| rel_key(&heap.snap, a.0).cmp(&rel_key(&heap.snap, b.0)))
            };
            if via.len() > TOP_NAMES {
                via.select_nth_unstable_by(TOP_NAMES - 1, order);
                via.truncate(TOP_NAMES);
            }
            via.sort_unstable_by(order);
            let via = via
                .into_iter()
                .map(|(code, n)| {
                    let mut text = String::new();
                    EdgeName::decode(code).expect("validated on read").write_to(&heap.snap.strings, &mut text);
                    if text.is_empty() {
                        text.push_str(".??");
                    }
                    (text, n)
                })
                .collect();
            g.edges.push(GraphEdge { from: child, to: node, count: refs[slot], via });
        }
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::EdgeName;
    use crate::testing::small_snapshot;
    use crate::{read_snapshot, SnapshotWriter};

    fn small() -> Heap {
        Heap::new(read_snapshot(&small_snapshot()).unwrap())
    }

    fn q(s: &str) -> Query {
        Query::parse(s).unwrap()
    }

    fn select(h: &Heap, s: &str) -> ObjSet {
        h.select(&q(s)).unwrap().set
    }

    #[test]
    fn referrers_of_the_strs_grouped_by_kind() {
        let h = small();
        let g = referrer_graph(&h, &q("heap.bytype[\"str\"].bysize"), &[], DEFAULT_K).unwrap();
        assert!(!g.truncated);
        assert_eq!(g.nodes[0].query, "heap.bytype[\"str\"]");
        assert_eq!((g.nodes[0].label.as_str(), g.nodes[0].count, g.nodes[0].current), ("str", 3, true));
        // referrers: the list (88) and two dicts of m.A (208)
        let kids: Vec<(&str, &str, u64, u64)> =
            g.nodes[1..].iter().map(|n| (n.query.as_str(), n.label.as_str(), n.count, n.size)).collect();
        assert_eq!(
            kids,
            vec![
                ("heap.bytype[\"str\"].referrers.byclodo[\"dict of m.A\"]", "dict of m.A", 2, 208),
                ("heap.bytype[\"str\"].referrers.byclodo[\"list\"]", "list", 1, 88),
            ]
        );
        assert_eq!(g.edges.len(), 2);
        assert_eq!((g.edges[0].from, g.edges[0].to, g.edges[0].count), (1, 0, 2));
        assert_eq!(g.edges[0].via, vec![("['x']".to_owned(), 2)]);
        assert_eq!(g.edges[1].count, 3);
        assert_eq!(g.edges[1].via, vec![("[0]".to_owned(), 1), ("[1]".to_owned(), 1), ("[2]".to_owned(), 1)]);
        // every node's query selects exactly the referrers of that kind
        for n in &g.nodes[1..] {
            let set = select(&h, &n.query);
            assert_eq!((set.len() as u64, h.size_of(&set)), (n.count, n.size), "{}", n.query);
            assert!(set.iter().all(|o| h.kinds.label(h.kinds.of(o).unwrap()) == n.label));
        }
    }

    #[test]
    fn expanded_nodes_unfold_and_k_keeps_the_largest() {
        let h = small();
        let child = "heap.bytype[\"str\"].referrers.byclodo[\"dict of m.A\"]";
        let g = referrer_graph(&h, &q("heap.bytype[\"str\"]"), &[q(child)], 1).unwrap();
        // k = 1 keeps the dicts (208 bytes) and drops the list
        let queries: Vec<&str> = g.nodes.iter().map(|n| n.query.as_str()).collect();
        let grandchild = format!("{child}.referrers.byclodo[\"m.A\"]");
        assert_eq!(queries, vec!["heap.bytype[\"str\"]", child, grandchild.as_str()]);
        assert!(g.nodes[1].expanded && !g.nodes[2].expanded);
        assert_eq!(g.nodes[2].depth, 2);
        assert_eq!((g.edges[1].from, g.edges[1].to, g.edges[1].count), (2, 1, 2));
        assert_eq!(g.edges[1].via, vec![(".__dict__".to_owned(), 2)]);
        assert_eq!(select(&h, &grandchild).len(), 2);
        // an expanded query that is no node is ignored
        let g2 = referrer_graph(&h, &q("heap.bytype[\"str\"]"), &[q("heap.bytype[\"list\"]")], 1).unwrap();
        assert_eq!(g2.nodes.len(), 2);
    }

    /// A heap with `n` referrer kinds of one str, each its own class; two classes share a
    /// hostile label.
    fn many_kinds(n: u32, hostile: &str) -> Heap {
        let mut w = SnapshotWriter::new(Vec::new()).unwrap();
        let t_str = w.add_type(None, "str").unwrap();
        let t_list = w.add_type(None, "list").unwrap();
        let types: Vec<_> = (0..n)
            .map(|i| w.add_type(None, &if i < 2 { hostile.to_owned() } else { format!("m.K{i}") }).unwrap())
            .collect();
        let top = w.name(".i0_top").unwrap();
        // 0 root, 1 list of all holders, 2 str, 3.. one holder per kind (sizes 100 + i)
        w.object(0, None, 0, &[(ObjId(1), top)]).unwrap();
        let items: Vec<_> = (0..n).map(|i| (ObjId(3 + i), EdgeName::Index(i))).collect();
        w.object(0x10, Some(t_list), 56, &items).unwrap();
        w.object(0x20, Some(t_str), 50, &[]).unwrap();
        for (i, &t) in types.iter().enumerate() {
            w.object(0x100 + i as u64 * 0x10, Some(t), 100 + i as u64, &[(ObjId(2), EdgeName::Index(0))]).unwrap();
        }
        Heap::new(read_snapshot(&w.finish(&serde_json::json!({})).unwrap()).unwrap())
    }

    #[test]
    fn hostile_and_duplicate_labels_give_queries_that_select_the_group() {
        let hostile = "evil\"]<script>alert(1)</script>\\";
        let h = many_kinds(4, hostile);
        let g = referrer_graph(&h, &q("heap.bytype[\"str\"]"), &[], DEFAULT_K).unwrap();
        assert_eq!(g.nodes.len(), 5);
        for n in &g.nodes[1..] {
            let set = select(&h, &n.query);
            assert_eq!(set.len(), 1, "{}", n.query);
            assert_eq!(h.snap.size[set.iter().next().unwrap().idx()], n.size, "{}", n.query);
        }
        // the two hostile kinds share a label, so their nodes pick rows by index
        let hostile_nodes: Vec<&str> =
            g.nodes.iter().filter(|n| n.label == hostile).map(|n| n.query.as_str()).collect();
        assert_eq!(
            hostile_nodes,
            vec!["heap.bytype[\"str\"].referrers.byclodo[2]", "heap.bytype[\"str\"].referrers.byclodo[3]"]
        );
        // a unique hostile label is quoted and reads back
        let h = many_kinds(1, hostile);
        let g = referrer_graph(&h, &q("heap.bytype[\"str\"]"), &[], DEFAULT_K).unwrap();
        assert_eq!(
            g.nodes[1].query,
            format!("heap.bytype[\"str\"].referrers.byclodo[{}]", crate::query::quote_label(hostile))
        );
        assert_eq!(select(&h, &g.nodes[1].query).len(), 1);
    }

    #[test]
    fn the_graph_stops_at_max_nodes() {
        let h = many_kinds(MAX_NODES as u32 + 20, "m.Same");
        let g = referrer_graph(&h, &q("heap.bytype[\"str\"]"), &[], MAX_NODES + 100).unwrap();
        assert!(g.truncated);
        assert_eq!(g.nodes.len(), MAX_NODES);
        assert_eq!(g.edges.len(), MAX_NODES - 1);
    }
}
