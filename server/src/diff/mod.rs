//! heapy's `A.diff(B)` of two sets (of two snapshots or one) by any relation (`/api/diff`, the
//! `diff` command) and `A.disjoint(B)` (`/api/snapshots/{id}/disjoint`, `disjoint`).

pub mod cli;
pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{parse_query, By, Paging, Params, Snap};
use crate::state::{AppState, DEFAULT_LIMIT};
use axum::extract::State;
use axum::Json;
use heaplens_wire::{DiffView, DisjointView};
use serde::Deserialize;
use view::{diff_view, disjoint_view, side_error, Side};

#[derive(Deserialize)]
pub struct DiffParams {
    a: Option<String>,
    b: Option<String>,
    qa: Option<String>,
    qb: Option<String>,
    all: Option<bool>,
}

/// heapy's `A.diff(B)`: set `qa` (default `heap`) of snapshot `a` minus set `qb` (default:
/// `qa`) of snapshot `b`, by `by` (default: `qa`'s `.byX`, else clodo); rows
/// `offset..offset + limit` (default 1000) and heapy's text (every row with `all=true`).
pub async fn get_diff(
    State(st): State<AppState>,
    Params(p): Params<DiffParams>,
    page: Paging<DEFAULT_LIMIT>,
    by: By,
) -> Result<Json<DiffView>, ApiError> {
    let id = |name: &str, v: Option<String>| {
        v.filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::bad_request(format!("missing parameter {name} (a snapshot id)")))
    };
    let (id_a, id_b) = (id("a", p.a)?, id("b", p.b)?);
    let (snap_a, snap_b) = (st.loaded(&id_a).await?, st.loaded(&id_b).await?);
    let qa_text = p.qa.unwrap_or_else(|| "heap".to_owned());
    let qa = parse_query(&qa_text).map_err(|e| side_error("qa", e))?;
    let qb = parse_query(p.qb.as_deref().unwrap_or(&qa_text)).map_err(|e| side_error("qb", e))?;
    let relation = by.resolve(&qa)?;
    let all = p.all.unwrap_or(false);
    let view = blocking("diff", move || {
        let a = Side { id: &id_a, heap: &snap_a.heap, query: &qa };
        let b = Side { id: &id_b, heap: &snap_b.heap, query: &qb };
        diff_view(&a, &b, relation, page.offset, Some(page.limit), all)
    })
    .await?;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct DisjointParams {
    qa: Option<String>,
    qb: Option<String>,
}

/// heapy's `A.disjoint(B)` for sets `qa` and `qb` (both required) of one snapshot.
pub async fn get_disjoint(
    Params(p): Params<DisjointParams>,
    snap: Result<Snap, ApiError>,
) -> Result<Json<DisjointView>, ApiError> {
    let parse = |name: &str, v: Option<String>| {
        let text = v.ok_or_else(|| ApiError::bad_request(format!("missing parameter {name} (a query)")))?;
        parse_query(&text).map_err(|e| side_error(name, e))
    };
    let (qa, qb) = (parse("qa", p.qa)?, parse("qb", p.qb)?);
    let Snap { id, snap } = snap?;
    let view = blocking("disjoint", move || disjoint_view(&id, &snap.heap, &qa, &qb)).await?;
    Ok(Json(view))
}
