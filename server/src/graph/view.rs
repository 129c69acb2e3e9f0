//! Engine → wire for the referrer graph by kind (node id = its query, edges with via counts).

use heaplens_engine::graph::referrer_graph;
use heaplens_engine::{Heap, Query, QueryError};
use heaplens_wire as wire;

/// The referrer graph of `query`'s set with the `expand` nodes unfolded.
pub fn graph_view(
    snapshot: &str,
    heap: &Heap,
    query: &Query,
    expand: &[Query],
    k: usize,
) -> Result<wire::GraphView, QueryError> {
    let g = referrer_graph(heap, query, expand, k)?;
    let id = |i: usize| g.nodes[i].query.clone();
    Ok(wire::GraphView {
        snapshot: snapshot.to_owned(),
        query: g.nodes[0].query.clone(),
        edges: g
            .edges
            .iter()
            .map(|e| wire::GraphEdge {
                from: id(e.from),
                to: id(e.to),
                count: e.count,
                via: e.via.iter().map(|(name, count)| wire::ViaCount { name: name.clone(), count: *count }).collect(),
            })
            .collect(),
        nodes: g
            .nodes
            .into_iter()
            .map(|n| wire::GraphNode {
                id: n.query.clone(),
                query: n.query,
                label: n.label,
                count: n.count,
                size: n.size,
                depth: n.depth,
                current: n.current,
                expanded: n.expanded,
            })
            .collect(),
        truncated: g.truncated,
    })
}
