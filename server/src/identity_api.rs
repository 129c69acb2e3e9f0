//! `GET /api/identity?a=ID&b=ID&by=REL&side=new|gone`: one side of the identity diff of
//! two captures of one process, as a partition view; `GET /api/snapshots/{id}/rebase`: a
//! query moved across the reference point (thin: params → engine → view).

use crate::api::{AppState, DEFAULT_LIMIT};
use crate::error::ApiError;
use crate::views::resolve_relation;
use crate::views_identity::{identity_view, Side};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use heaplens_engine::refpoint::{rebase, uses_heapnew};
use heaplens_wire::{PartitionView, RebasedQuery};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct IdentityParams {
    a: Option<String>,
    b: Option<String>,
    by: Option<String>,
    side: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
}

pub async fn get_identity(
    State(st): State<AppState>,
    p: Result<Query<IdentityParams>, QueryRejection>,
) -> Result<Json<PartitionView>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let (Some(a_id), Some(b_id)) = (p.a, p.b) else {
        return Err(ApiError::bad_request("identity needs two snapshots: ?a=ID&b=ID (A captured before B)"));
    };
    let side = match p.side.as_deref() {
        None => Side::New,
        Some(s) => Side::parse(s)
            .ok_or_else(|| ApiError::bad_request(format!("unknown side {s:?}; known: new (B's new objects), gone")))?,
    };
    let relation = resolve_relation(&heaplens_engine::Query::heap(), p.by.as_deref())
        .map_err(|e| ApiError::bad_request(e.message))?;
    let get = |id: &str| st.store.get(id).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")));
    let (a, b) = (get(&a_id)?, get(&b_id)?);
    let (offset, limit) = (p.offset.unwrap_or(0), p.limit.unwrap_or(DEFAULT_LIMIT));
    let view = tokio::task::spawn_blocking(move || {
        identity_view((&a_id, &a.heap), (&b_id, &b.heap), side, relation, offset, Some(limit))
    })
    .await
    .map_err(|e| ApiError::internal(format!("identity task failed: {e}")))?
    .map_err(|e| ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "not_comparable", e.to_string()))?;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct RebaseParams {
    q: Option<String>,
    to: Option<String>,
}

/// `GET /api/snapshots/{id}/rebase?q=QUERY&to=heapnew|heap|toggle`: the query on the other
/// side of the reference point (the page's "new since reference point" switch; `toggle`,
/// the default, goes to `heapnew` unless the query already uses it).
pub async fn get_rebase(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<RebaseParams>, QueryRejection>,
) -> Result<Json<RebasedQuery>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let snap = st.store.get(&id).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let to_new = match p.to.as_deref() {
        Some("heapnew") => true,
        Some("heap") => false,
        None | Some("toggle") => !uses_heapnew(&query.expr),
        Some(other) => return Err(ApiError::bad_request(format!("to must be heapnew, heap or toggle, not {other:?}"))),
    };
    let rebased = tokio::task::spawn_blocking(move || rebase(&snap.heap, &query, to_new))
        .await
        .map_err(|e| ApiError::internal(format!("rebase task failed: {e}")))??;
    Ok(Json(RebasedQuery { heapnew: uses_heapnew(&rebased.expr), query: rebased.to_string() }))
}
