//! The `heaplens shpaths` and `heaplens rp` commands: heapy's text for a query on a snapshot file.

use crate::views_object::shpaths_text;
use crate::views_rp::rp_text;
use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::{Heap, Query};
use std::path::Path;

/// heapy's `str(hp.iso(...).shpaths)` of the query's set.
pub fn shpaths(path: &Path, query: &str) -> Result<String, String> {
    let (heap, q) = load(path, query)?;
    shpaths_text(&heap, &q).map_err(|e| crate::cli::query_error(query, &e))
}

/// heapy's `str(hp.iso(...).rp)` of the query's set, to `depth`.
pub fn rp(path: &Path, query: &str, depth: u32) -> Result<String, String> {
    let (heap, q) = load(path, query)?;
    rp_text(&heap, &q, depth).map_err(|e| crate::cli::query_error(query, &e))
}

fn load(path: &Path, query: &str) -> Result<(Heap, Query), String> {
    let q = Query::parse(query).map_err(|e| crate::cli::query_error(query, &e))?;
    let snap = read_snapshot_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((Heap::new(snap), q))
}
