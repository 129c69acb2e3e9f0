//! The `heaplens rp` command: heapy's reference pattern text for a query on a snapshot file.

use super::view::rp_text;
use crate::store::open::{open_heap, parse_query_text, query_error};
use std::path::Path;

/// heapy's `str(hp.iso(...).rp)` of the query's set, to `depth`.
pub fn rp(path: &Path, query: &str, depth: u32) -> Result<String, String> {
    let q = parse_query_text(query)?;
    let heap = open_heap(path)?;
    rp_text(&heap, &q, depth).map_err(|e| query_error(query, &e))
}
