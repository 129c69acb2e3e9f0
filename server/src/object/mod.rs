//! One object (the inspector: `/api/snapshots/{id}/objects/{addr}`, edges both ways and
//! shortest paths) and heapy's `shpaths` of a set (`/shpaths`, the `shpaths` command).

pub mod cli;
pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{Params, SetQuery, Snap};
use crate::state::{OBJECT_EDGE_LIMIT, OBJECT_EDGE_MAX};
use axum::extract::Path;
use axum::response::Response;
use axum::Json;
use heaplens_wire::ObjectView;
use serde::Deserialize;
use view::{object_at, object_view, parse_addr, shpaths_text};

#[derive(Deserialize)]
pub struct ObjectParams {
    limit: Option<usize>,
}

/// One object by address (`0x7f12ab`): the inspector's view. `limit` (default 200, at most
/// 5000: larger values are clamped) caps each edge list; totals are always exact.
pub async fn get_object(
    Params(p): Params<ObjectParams>,
    Snap { id, snap }: Snap,
    Path((_, addr)): Path<(String, String)>,
) -> Result<Json<ObjectView>, ApiError> {
    let limit = p.limit.unwrap_or(OBJECT_EDGE_LIMIT).min(OBJECT_EDGE_MAX);
    let addr = parse_addr(&addr)?;
    let view = blocking("object", move || -> Result<ObjectView, ApiError> {
        let o = object_at(&snap.heap, addr)?;
        Ok(object_view(&id, &snap.heap, o, limit))
    })
    .await?;
    Ok(Json(view))
}

/// heapy's `shpaths` of `q`'s set as `text/plain`: the shortest paths from the root to its
/// members at the smallest depth, ten lines and `<... N more paths ...>` beyond eleven.
pub async fn get_shpaths(Snap { snap, .. }: Snap, SetQuery(query): SetQuery) -> Result<Response, ApiError> {
    let text = blocking("shpaths", move || shpaths_text(&snap.heap, &query)).await?;
    Ok(crate::http::text(text))
}
