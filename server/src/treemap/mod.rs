//! The treemap (`/api/snapshots/{id}/treemap`): `q`'s set partitioned by `by`, each row by
//! `then`, or one level sized by retained size.

pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{resolve_relation, By, Params, SetQuery, Snap};
use crate::state::{TREEMAP_CHILD_LIMIT, TREEMAP_LIMIT, TREEMAP_MAX, TREEMAP_RETAINED_LIMIT};
use axum::Json;
use heaplens_wire::TreemapView;
use serde::Deserialize;
use view::{treemap_retained_view, treemap_view};

#[derive(Deserialize)]
pub struct TreemapParams {
    then: Option<String>,
    limit: Option<usize>,
    child_limit: Option<usize>,
    /// `size` (default) or `retained`: what the cells' areas show.
    measure: Option<String>,
}

/// `q`'s set partitioned by `by` (default: the query's `.byX`, else clodo), the first
/// `limit` rows (default 200) each partitioned by `then` (optional; not `id`/`idset`) into
/// at most `child_limit` children (default 50); both limits clamped to 5000.
pub async fn get_treemap(
    Params(p): Params<TreemapParams>,
    Snap { id, snap }: Snap,
    SetQuery(query): SetQuery,
    by: By,
) -> Result<Json<TreemapView>, ApiError> {
    let by = by.resolve(&query)?;
    let then = p.then.as_deref().map(|t| resolve_relation(&query, Some(t))).transpose()?;
    let limit = p.limit.unwrap_or(TREEMAP_LIMIT).min(TREEMAP_MAX);
    let child_limit = p.child_limit.unwrap_or(TREEMAP_CHILD_LIMIT).min(TREEMAP_MAX);
    let retained = match p.measure.as_deref() {
        None | Some("size") => false,
        Some("retained") if then.is_some() => {
            return Err(ApiError::bad_request(
                "a treemap sized by retained size has one level: leave out `then`".to_owned(),
            ))
        }
        Some("retained") => true,
        Some(m) => return Err(ApiError::bad_request(format!("unknown measure {m:?}; known: size, retained"))),
    };
    let view = blocking("treemap", move || {
        if retained {
            let limit = p.limit.unwrap_or(TREEMAP_RETAINED_LIMIT).min(TREEMAP_MAX);
            treemap_retained_view(&id, &snap.heap, &query, by, limit)
        } else {
            treemap_view(&id, &snap.heap, &query, by, then, limit, child_limit)
        }
    })
    .await?;
    Ok(Json(view))
}
