//! Retained sizes: the table's Retained column (`/api/snapshots/{id}/retained`, heapy's
//! `domisize` of rows) and the dominator tree a level at a time (`/domtree`).

pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{By, Paging, Params, SetQuery, Snap};
use crate::object::view::parse_addr;
use crate::state::{DOMTREE_LIMIT, DOMTREE_MAX};
use axum::Json;
use heaplens_wire::{DomTreeView, RetainedView};
use serde::Deserialize;
use view::{domtree_view, parse_rows, retained_view};

#[derive(Deserialize)]
pub struct RetainedParams {
    /// Row indexes, comma-separated (at most 500).
    rows: Option<String>,
}

/// The retained size (heapy's `domisize`) of rows of `q`'s partition by `by`: the table's
/// retained column. Each grouping row costs a walk of part of the heap, so the page asks
/// only for the rows it shows; answers are cached with the loaded heap.
pub async fn get_retained(
    Params(p): Params<RetainedParams>,
    Snap { id, snap }: Snap,
    SetQuery(query): SetQuery,
    by: By,
) -> Result<Json<RetainedView>, ApiError> {
    let relation = by.resolve(&query)?;
    let rows = parse_rows(p.rows.as_deref().unwrap_or(""))?;
    let view = blocking("retained", move || retained_view(&id, &snap, &query, relation, &rows)).await?;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct DomTreeParams {
    addr: Option<String>,
}

/// One level of the dominator tree: the objects `addr` immediately dominates, or without
/// `addr` the members of `q`'s set no other member dominates; largest retained size first.
pub async fn get_domtree(
    Params(p): Params<DomTreeParams>,
    page: Paging<DOMTREE_LIMIT, DOMTREE_MAX>,
    Snap { id, snap }: Snap,
    SetQuery(query): SetQuery,
) -> Result<Json<DomTreeView>, ApiError> {
    let addr = p.addr.as_deref().map(parse_addr).transpose()?;
    let view =
        blocking("domtree", move || domtree_view(&id, &snap.heap, &query, addr, page.offset, page.limit)).await?;
    Ok(Json(view))
}
