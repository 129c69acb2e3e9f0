//! The `heaplens shpaths` command: heapy's text for a query on a snapshot file.

use super::view::shpaths_text;
use crate::store::open::{open_heap, parse_query_text, query_error};
use std::path::Path;

/// heapy's `str(hp.iso(...).shpaths)` of the query's set.
pub fn shpaths(path: &Path, query: &str) -> Result<String, String> {
    let q = parse_query_text(query)?;
    let heap = open_heap(path)?;
    shpaths_text(&heap, &q).map_err(|e| query_error(query, &e))
}
