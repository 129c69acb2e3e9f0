//! heapy's reference pattern (`rp`): `/api/snapshots/{id}/rp` (the lines as a tree, each
//! line's set as a query, and heapy's text) and the `rp` command.

pub mod cli;
pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{Params, SetQuery, Snap};
use crate::state::{RP_LIMIT, RP_MAX, RP_MAX_DEPTH};
use axum::Json;
use heaplens_wire::RpView;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct RpParams {
    depth: Option<u32>,
    limit: Option<usize>,
}

/// heapy's reference pattern of `q`'s set: the lines as a tree (at most `limit`, default
/// 500, clamped to 10000) with each line's set as a query, and heapy's text.
pub async fn get_rp(
    Params(p): Params<RpParams>,
    snap: Result<Snap, ApiError>,
    query: Result<SetQuery, ApiError>,
) -> Result<Json<RpView>, ApiError> {
    let depth = p.depth.unwrap_or(heaplens_engine::rp::DEFAULT_DEPTH);
    if depth > RP_MAX_DEPTH {
        return Err(ApiError::bad_request(format!("depth {depth} is more than the most, {RP_MAX_DEPTH}")));
    }
    let limit = p.limit.unwrap_or(RP_LIMIT).min(RP_MAX);
    let (Snap { id, snap }, SetQuery(query)) = (snap?, query?);
    let view = blocking("rp", move || view::rp_view(&id, &snap.heap, &query, depth, limit)).await?;
    Ok(Json(view))
}
