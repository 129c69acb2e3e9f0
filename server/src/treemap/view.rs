//! Engine → wire for the treemap: two-level partitions, or one level sized by retained size.

use crate::http::error::ApiError;
use heaplens_engine::treemap::{treemap, Cell, Other, TreemapError};
use heaplens_engine::{Heap, Query, Relation};
use heaplens_wire as wire;

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
