//! Identity across captures of one process (heapy's `setref`): `GET /api/identity?a=ID&b=ID
//! &by=REL&side=new|gone` (one side of the identity diff of two captures, as a partition
//! view; the `newobjects` command) and `GET /api/snapshots/{id}/rebase` (a query moved
//! across the reference point).

pub mod cli;
pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{By, Paging, Params, SetQuery, Snap};
use crate::state::{AppState, DEFAULT_LIMIT};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use heaplens_engine::identity::refpoint::{rebase, uses_heapnew};
use heaplens_wire::{PartitionView, RebasedQuery};
use serde::Deserialize;
use view::{identity_view, Side};

#[derive(Deserialize)]
pub struct IdentityParams {
    a: Option<String>,
    b: Option<String>,
    side: Option<String>,
}

pub async fn get_identity(
    State(st): State<AppState>,
    Params(p): Params<IdentityParams>,
    page: Paging<DEFAULT_LIMIT>,
    by: By,
) -> Result<Json<PartitionView>, ApiError> {
    let (Some(a_id), Some(b_id)) = (p.a, p.b) else {
        return Err(ApiError::bad_request("identity needs two snapshots: ?a=ID&b=ID (A captured before B)"));
    };
    let side = match p.side.as_deref() {
        None => Side::New,
        Some(s) => Side::parse(s)
            .ok_or_else(|| ApiError::bad_request(format!("unknown side {s:?}; known: new (B's new objects), gone")))?,
    };
    let relation = by.resolve(&heaplens_engine::Query::heap()).map_err(|e| ApiError::bad_request(e.message))?;
    let (a, b) = (st.loaded(&a_id).await?, st.loaded(&b_id).await?);
    let view = blocking("identity", move || {
        identity_view((&a_id, &a.heap), (&b_id, &b.heap), side, relation, page.offset, Some(page.limit))
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_comparable", e.to_string()))
    })
    .await?;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct RebaseParams {
    to: Option<String>,
}

/// `GET /api/snapshots/{id}/rebase?q=QUERY&to=heapnew|heap|toggle`: the query on the other
/// side of the reference point (the page's "new since reference point" switch; `toggle`,
/// the default, goes to `heapnew` unless the query already uses it).
pub async fn get_rebase(
    Params(p): Params<RebaseParams>,
    Snap { snap, .. }: Snap,
    SetQuery(query): SetQuery,
) -> Result<Json<RebasedQuery>, ApiError> {
    let to_new = match p.to.as_deref() {
        Some("heapnew") => true,
        Some("heap") => false,
        None | Some("toggle") => !uses_heapnew(&query.expr),
        Some(other) => return Err(ApiError::bad_request(format!("to must be heapnew, heap or toggle, not {other:?}"))),
    };
    let rebased = blocking("rebase", move || rebase(&snap.heap, &query, to_new)).await?;
    Ok(Json(RebasedQuery { heapnew: uses_heapnew(&rebased.expr), query: rebased.to_string() }))
}
