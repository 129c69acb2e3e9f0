//! Engine results → wire types for the inspector (one object), its shortest paths, the
//! referrer graph and the treemap.

use crate::error::ApiError;
use heaplens_engine::brief::brief;
use heaplens_engine::inspect::{find_address, inspect, kind_label, EdgeList};
use heaplens_engine::paths::{self, step_name};
use heaplens_engine::refgraph::referrer_graph;
use heaplens_engine::treemap::{treemap, Cell, Other, TreemapError};
use heaplens_engine::{Heap, ObjId, Query, QueryError, Relation};
use heaplens_wire as wire;

/// An address as the API writes it: `0x` and lowercase hex.
pub fn addr_hex(addr: u64) -> String {
    format!("{addr:#x}")
}

/// Parses the `{addr}` of `/objects/{addr}`: `0x` then 1 to 16 hex digits.
pub fn parse_addr(text: &str) -> Result<u64, ApiError> {
    text.strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .filter(|h| !h.is_empty() && h.len() <= 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .ok_or_else(|| {
            ApiError::bad_request(format!("bad address {text:?}: expected 0x and hex digits, like 0x7f12ab"))
        })
}

/// The object at `addr`, or 404 naming the address.
pub fn object_at(heap: &Heap, addr: u64) -> Result<ObjId, ApiError> {
    find_address(heap, addr).ok_or_else(|| ApiError::not_found(format!("no object at address {}", addr_hex(addr))))
}

fn edges(heap: &Heap, list: EdgeList) -> wire::ObjectEdges {
    wire::ObjectEdges {
        total: list.total,
        items: list
            .items
            .into_iter()
            .map(|i| wire::ObjectEdge {
                name: i.name,
                addr: addr_hex(heap.snap.addr[i.object.idx()]),
                brief: brief(heap, i.object),
                kind: kind_label(heap, i.object).to_owned(),
                size: heap.snap.size[i.object.idx()],
            })
            .collect(),
    }
}

/// Shortest paths with a brief per step.
pub fn shortest_paths(heap: &Heap, p: paths::ShortestPaths) -> wire::ShortestPaths {
    wire::ShortestPaths {
        total: p.total,
        paths: p
            .paths
            .iter()
            .map(|path| {
                path.iter()
                    .map(|s| wire::PathStep {
                        name: step_name(&heap.snap, s.edge),
                        addr: addr_hex(heap.snap.addr[s.target.idx()]),
                        brief: brief(heap, s.target),
                    })
                    .collect()
            })
            .collect(),
        text: p.text,
    }
}

/// The inspector's view of one object, `limit` edges per direction.
pub fn object_view(snapshot: &str, heap: &Heap, o: ObjId, limit: usize) -> wire::ObjectView {
    let i = inspect(heap, o, limit, paths::DEFAULT_LIMIT);
    wire::ObjectView {
        snapshot: snapshot.to_owned(),
        addr: addr_hex(i.addr),
        type_name: i.type_label,
        kind: i.kind,
        size: i.size,
        retained: heap.dominators().retained(o),
        brief: i.brief,
        preview: i.preview,
        reachable: i.reachable,
        referents: edges(heap, i.referents),
        referrers: edges(heap, i.referrers),
        shpaths: shortest_paths(heap, i.shpaths),
    }
}

/// heapy's `shpaths` printout for `query`'s set.
pub fn shpaths_text(heap: &Heap, query: &Query) -> Result<String, QueryError> {
    let set = heap.select(&query.set_query())?.set;
    Ok(paths::shpaths(heap, &set, 0).text.join("\n"))
}

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

fn other(o: Option<Other>) -> Option<wire::TreemapOther> {
    o.map(|o| wire::TreemapOther { rows: o.rows, count: o.count, size: o.size })
}

fn cell(c: Cell) -> wire::TreemapCell {
    wire::TreemapCell {
        label: c.label,
        count: c.count,
        size: c.size,
        index: c.index,
        query: c.query,
        children: c.children.into_iter().map(cell).collect(),
        other: other(c.other),
        retained: c.retained,
    }
}

/// The treemap of `query`'s set by `by`, cells sized by retained size.
pub fn treemap_retained_view(
    snapshot: &str,
    heap: &Heap,
    query: &Query,
    by: Relation,
    limit: usize,
) -> Result<wire::TreemapView, ApiError> {
    let t = heaplens_engine::treemap::treemap_retained(heap, query, by, limit).map_err(treemap_error)?;
    Ok(treemap_wire(snapshot, t))
}

fn treemap_error(e: TreemapError) -> ApiError {
    match e {
        TreemapError::Query(q) => ApiError::from(q),
        e @ TreemapError::PerObject(_) => ApiError::bad_request(e.to_string()),
    }
}

fn treemap_wire(snapshot: &str, t: heaplens_engine::treemap::Treemap) -> wire::TreemapView {
    wire::TreemapView {
        snapshot: snapshot.to_owned(),
        query: t.query,
        relation: t.relation.name().to_owned(),
        then: t.then.map(|r| r.name().to_owned()),
        count: t.count,
        size: t.size,
        cells: t.cells.into_iter().map(cell).collect(),
        other: other(t.other),
    }
}

/// The treemap of `query`'s set by `by`, then `then`.
pub fn treemap_view(
    snapshot: &str,
    heap: &Heap,
    query: &Query,
    by: Relation,
    then: Option<Relation>,
    limit: usize,
    child_limit: usize,
) -> Result<wire::TreemapView, ApiError> {
    let t = treemap(heap, query, by, then, limit, child_limit).map_err(treemap_error)?;
    Ok(treemap_wire(snapshot, t))
}
