//! Views of retained sizes: some rows' `domisize` (cached with the loaded heap, per query,
//! relation and row: each costs a walk of part of the heap) and one level of the dominator
//! tree.

use crate::http::error::ApiError;
use crate::object::view::{addr_hex, object_at};
use crate::state::{RETAINED_CACHE_MAX, RETAINED_ROWS_MAX};
use crate::store::Loaded;
use heaplens_engine::partition::partition;
use heaplens_engine::retained::domtree::{self, DomLevel, DomNode};
use heaplens_engine::retained::rows_retained_at;
use heaplens_engine::{Heap, Query, Relation};
use heaplens_wire as wire;
use std::collections::HashMap;
use std::sync::Mutex;

/// The retained sizes of partition rows already walked, by (set query, relation, row index):
/// one per loaded heap (in its [`caches`](crate::store::cache::Caches)).
#[derive(Default)]
pub struct RowCache(Mutex<HashMap<(String, &'static str, usize), u64>>);

/// Parses `rows=0,1,2` (row indexes).
pub fn parse_rows(text: &str) -> Result<Vec<usize>, ApiError> {
    let rows: Vec<usize> = text
        .split(',')
        .filter(|t| !t.is_empty())
        .map(|t| t.trim().parse().map_err(|_| ApiError::bad_request(format!("bad row index {t:?} in rows"))))
        .collect::<Result<_, _>>()?;
    if rows.len() > RETAINED_ROWS_MAX {
        return Err(ApiError::bad_request(format!(
            "{} rows asked for; at most {RETAINED_ROWS_MAX} per request",
            rows.len()
        )));
    }
    Ok(rows)
}

/// The retained sizes of rows `rows` of `query`'s set partitioned by `relation`.
pub fn retained_view(
    snapshot: &str,
    loaded: &Loaded,
    query: &Query,
    relation: Relation,
    rows: &[usize],
) -> Result<wire::RetainedView, ApiError> {
    let heap = &loaded.heap;
    let sel = heap.select(&query.set_query())?;
    let p = partition(heap, &sel.set, relation);
    if let Some(&bad) = rows.iter().find(|&&i| i >= p.len()) {
        return Err(ApiError::bad_request(format!("row {bad} out of range: the partition has {} rows", p.len())));
    }
    let q = query.set_query().to_string();
    let key = |i: usize| (q.clone(), relation.name(), i);
    let cache = loaded.caches.get::<RowCache>();
    let known: HashMap<usize, u64> = {
        let cache = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        rows.iter().filter_map(|&i| cache.get(&key(i)).map(|&r| (i, r))).collect()
    };
    let missing: Vec<usize> = rows.iter().copied().filter(|i| !known.contains_key(i)).collect();
    let fresh = rows_retained_at(heap, &p, &sel.set, &missing);
    {
        let mut cache = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() + fresh.len() > RETAINED_CACHE_MAX {
            cache.clear();
        }
        for (&i, &r) in missing.iter().zip(&fresh) {
            cache.insert(key(i), r);
        }
    }
    let all: HashMap<usize, u64> = known.into_iter().chain(missing.into_iter().zip(fresh)).collect();
    Ok(wire::RetainedView {
        snapshot: snapshot.to_owned(),
        query: q,
        relation: relation.name().to_owned(),
        heap_size: heap.total_size(),
        rows: rows.iter().map(|&i| wire::RetainedRow { index: i as u64, retained: all[&i] }).collect(),
    })
}

fn node(n: DomNode) -> wire::DomNodeView {
    wire::DomNodeView {
        addr: addr_hex(n.addr),
        kind: n.kind,
        brief: n.brief,
        size: n.size,
        retained: n.retained,
        children: n.children,
    }
}

/// One level of the dominator tree: under `addr` if given, else the tops of `query`'s set.
pub fn domtree_view(
    snapshot: &str,
    heap: &Heap,
    query: &Query,
    addr: Option<u64>,
    offset: usize,
    limit: usize,
) -> Result<wire::DomTreeView, ApiError> {
    let (label, parent, objects) = match addr {
        Some(a) => {
            let o = object_at(heap, a)?;
            (format!("@{}", addr_hex(a)), Some(node(domtree::node(heap, o))), domtree::children(heap, o))
        }
        None => {
            let q = query.set_query();
            let set = heap.select(&q)?.set;
            (q.to_string(), None, domtree::tops(heap, &set))
        }
    };
    let DomLevel { total, offset, nodes, rest_count, rest_retained } = domtree::level(heap, objects, offset, limit);
    Ok(wire::DomTreeView {
        snapshot: snapshot.to_owned(),
        query: label,
        parent,
        heap_size: heap.total_size(),
        total,
        offset,
        nodes: nodes.into_iter().map(node).collect(),
        rest_count,
        rest_retained,
    })
}
