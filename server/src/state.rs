//! What every handler shares: [`AppState`] (the store and the upload limit) and the limits of
//! the API in one place (defaults and maxima of the parameters each route takes).

use crate::http::error::ApiError;
use crate::store::{Loaded, Store};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    /// Largest snapshot upload accepted, in bytes.
    pub max_upload: u64,
}

impl AppState {
    /// The indexed heap of snapshot `id`, or 404 naming it. One in memory is answered at
    /// once; one that must be read again (unloaded under the memory budget) is loaded off
    /// the async threads, once however many requests ask (single flight), and at most
    /// [`crate::store::CONCURRENT_LOADS`] heaps are indexed at a time.
    pub async fn loaded(&self, id: &str) -> Result<Arc<Loaded>, ApiError> {
        crate::store::cold::get(&self.store, id)
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))
    }
}

/// Rows returned when the client does not say how many (partition, diff, identity).
pub const DEFAULT_LIMIT: usize = 1000;
/// The most rows one page of a paged route returns (`limit` is clamped to it; the app asks
/// for at most 20 000); a route may have a lower maximum.
pub const ROWS_MAX: usize = 50_000;
/// The largest `offset` taken (clamped: past the last row a page is empty).
pub const OFFSET_MAX: usize = u32::MAX as usize;

/// Largest JSON request body (login, snapshot changes, share links), in bytes: 413 beyond.
pub const JSON_BODY_MAX: usize = 64 << 10;

/// Edges listed per direction by the inspector unless `limit` says otherwise, and the most.
pub const OBJECT_EDGE_LIMIT: usize = heaplens_engine::object::DEFAULT_EDGE_LIMIT;
pub const OBJECT_EDGE_MAX: usize = 5000;

/// Referrer groups kept per unfolded graph node unless `k` says otherwise, and the most.
pub const GRAPH_K: usize = heaplens_engine::graph::DEFAULT_K;
pub const GRAPH_K_MAX: usize = 100;

/// Rows and children per row of a treemap unless the client says otherwise, and the most.
pub const TREEMAP_LIMIT: usize = heaplens_engine::treemap::DEFAULT_LIMIT;
pub const TREEMAP_CHILD_LIMIT: usize = heaplens_engine::treemap::DEFAULT_CHILD_LIMIT;
pub const TREEMAP_RETAINED_LIMIT: usize = heaplens_engine::treemap::RETAINED_LIMIT;
pub const TREEMAP_MAX: usize = 5000;

/// Rows one `/retained` request may ask for.
pub const RETAINED_ROWS_MAX: usize = 500;
/// Retained row sizes a loaded heap keeps before its cache starts over.
pub const RETAINED_CACHE_MAX: usize = 200_000;

/// Nodes per dominator tree level unless `limit` says otherwise, and the most.
pub const DOMTREE_LIMIT: usize = heaplens_engine::retained::domtree::DEFAULT_LIMIT;
pub const DOMTREE_MAX: usize = 5000;

/// Lines of a reference pattern returned unless `limit` says otherwise, and the most.
pub const RP_LIMIT: usize = 500;
pub const RP_MAX: usize = 10_000;
/// The deepest reference pattern asked for (heapy's default is 7).
pub const RP_MAX_DEPTH: u32 = 100;

/// Kinds shown per series unless `k` says otherwise, and the most.
pub const SERIES_K: usize = 8;
pub const SERIES_K_MAX: usize = 50;

/// A share link's life unless asked otherwise (30 days).
pub const DEFAULT_SHARE_SECONDS: u64 = 30 * 24 * 3600;
/// Longest share link life accepted (a year).
pub const MAX_SHARE_SECONDS: u64 = 366 * 24 * 3600;
