//! Partitions (heapy's tables): `/api/relations`, `/api/snapshots/{id}/partition` (rows by
//! page, optionally filtered) and `/table` (heapy's text); [`view`] converts the engine's
//! partitions to wire rows, [`cli`] is the `table` command.

pub mod cli;
pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{By, Paging, Params, SetQuery, Snap};
use crate::state::DEFAULT_LIMIT;
use axum::response::Response;
use axum::Json;
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_wire::{PartitionView, RelationList};
use serde::Deserialize;
use view::{partition_view, relation_list};

pub async fn get_relations() -> Json<RelationList> {
    Json(relation_list())
}

#[derive(Deserialize)]
pub struct PartitionParams {
    all: Option<bool>,
    /// Only rows whose label contains this, ignoring case (`/partition` only).
    filter: Option<String>,
}

/// Rows `offset..offset + limit` (default 1000) of `q`'s set partitioned by `by`.
pub async fn get_partition(
    Params(p): Params<PartitionParams>,
    page: Paging<DEFAULT_LIMIT>,
    Snap { id, snap }: Snap,
    SetQuery(query): SetQuery,
    by: By,
) -> Result<Json<PartitionView>, ApiError> {
    let relation = by.resolve(&query)?;
    let view = blocking("partition", move || {
        partition_view(&id, &snap.heap, &query, relation, page.offset, Some(page.limit), p.filter.as_deref())
    })
    .await?;
    Ok(Json(view))
}

/// heapy's text of a partition (`all=true` for every row), as `text/plain`.
pub async fn get_table(
    Params(p): Params<PartitionParams>,
    _: Paging<DEFAULT_LIMIT>, // checked as `/partition` checks them, unused
    Snap { snap, .. }: Snap,
    SetQuery(query): SetQuery,
    by: By,
) -> Result<Response, ApiError> {
    let relation = by.resolve(&query)?;
    let all = p.all.unwrap_or(false);
    let text = blocking("table", move || -> Result<String, ApiError> {
        let set = snap.heap.select(&query)?.set;
        Ok(render_table(&snap.heap, &set, &partition(&snap.heap, &set, relation), all))
    })
    .await?;
    Ok(crate::http::text(text))
}
