//! Engine → wire for heapy's `A.diff(B)` and `A.disjoint(B)` (`/api/diff`, `heaplens diff --json`).

use crate::http::error::ApiError;
use heaplens_engine::diff::{diff, disjoint, percent_of_b, render_diff};
use heaplens_engine::query::Selector;
use heaplens_engine::{Heap, ObjSet, Query, Relation};
use heaplens_wire::{DiffRowView, DiffView, DisjointView};

/// One side of a diff: a snapshot (its id and heap) and the query of its set.
pub struct Side<'a> {
    pub id: &'a str,
    pub heap: &'a Heap,
    pub query: &'a Query,
}

/// A query error of one side, its message naming the parameter (`qa` or `qb`).
pub fn side_error(param: &str, e: impl Into<ApiError>) -> ApiError {
    let mut err: ApiError = e.into();
    err.message = format!("in {param}: {}", err.message);
    err
}

fn select(side: &Side, param: &str) -> Result<ObjSet, ApiError> {
    side.heap.select(side.query).map(|s| s.set).map_err(|e| side_error(param, e))
}

/// `A.diff(B)` by `relation`: rows `offset..offset + limit` (all when `limit` is `None`),
/// each with the queries of its set in A and in B, and heapy's text (every row with `all`).
pub fn diff_view(
    a: &Side,
    b: &Side,
    relation: Relation,
    offset: usize,
    limit: Option<usize>,
    all: bool,
) -> Result<DiffView, ApiError> {
    let (set_a, set_b) = (select(a, "qa")?, select(b, "qb")?);
    let d = diff(a.heap, &set_a, b.heap, &set_b, relation).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let (base_a, base_b) = (a.query.set_query(), b.query.set_query());
    let row_query = |base: &Query, present: bool, label: &str| {
        present.then(|| base.then(relation, Selector::Label(label.to_owned())).to_string())
    };
    let end = limit.map_or(d.rows.len(), |l| offset.saturating_add(l).min(d.rows.len()));
    let start = offset.min(end);
    let rows = d.rows[start..end]
        .iter()
        .enumerate()
        .map(|(k, r)| DiffRowView {
            index: (start + k) as u32,
            label: r.label.clone(),
            count: r.count,
            count_a: r.count_a,
            count_b: r.count_b,
            size: r.size,
            size_a: r.size_a,
            size_b: r.size_b,
            cumulative: r.cumulative,
            pct_of_b: percent_of_b(r.cumulative, d.b_size).trim_start().to_owned(),
            query_a: row_query(&base_a, r.in_a(), &r.label),
            query_b: row_query(&base_b, r.in_b(), &r.label),
        })
        .collect();
    Ok(DiffView {
        a: a.id.to_owned(),
        b: b.id.to_owned(),
        qa: base_a.to_string(),
        qb: base_b.to_string(),
        relation: relation.name().to_owned(),
        header: d.header.clone(),
        a_count: d.a_count,
        a_size: d.a_size,
        b_count: d.b_count,
        b_size: d.b_size,
        count: d.count(),
        size: d.size(),
        pct_of_b: percent_of_b(d.size(), d.b_size).trim_start().to_owned(),
        total_rows: d.rows.len() as u64,
        offset: start as u64,
        rows,
        text: render_diff(&d, all),
    })
}

/// `A.disjoint(B)` for two queries on one snapshot.
pub fn disjoint_view(id: &str, heap: &Heap, qa: &Query, qb: &Query) -> Result<DisjointView, ApiError> {
    let a = select(&Side { id, heap, query: qa }, "qa")?;
    let b = select(&Side { id, heap, query: qb }, "qb")?;
    Ok(DisjointView {
        snapshot: id.to_owned(),
        qa: qa.set_query().to_string(),
        qb: qb.set_query().to_string(),
        disjoint: disjoint(&a, &b),
    })
}
