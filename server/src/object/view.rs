//! Engine results → wire types for the inspector (one object) and its shortest paths;
//! addresses as the API reads and writes them.

use crate::http::error::ApiError;
use heaplens_engine::heap::brief::brief;
use heaplens_engine::object::paths::{self, step_name};
use heaplens_engine::object::{find_address, inspect, kind_label, EdgeList};
use heaplens_engine::{Heap, ObjId, Query, QueryError};
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
