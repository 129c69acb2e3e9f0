//! The `heaplens table` command: heapy's text (or JSON rows) for a query on a snapshot file.

use super::view::partition_view;
use crate::http::params::resolve_relation;
use crate::store::open::{file_id, open_heap, parse_query_text, query_error};
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use std::path::Path;

/// Runs `table` and returns what to print, or an error message naming the problem.
pub fn table(path: &Path, query: &str, by: Option<&str>, all: bool, json: bool) -> Result<String, String> {
    let heap = open_heap(path)?;
    let q = parse_query_text(query)?;
    let relation = resolve_relation(&q, by).map_err(|e| e.message)?;
    if json {
        let view =
            partition_view(&file_id(path), &heap, &q, relation, 0, None, None).map_err(|e| query_error(query, &e))?;
        return serde_json::to_string_pretty(&view).map_err(|e| e.to_string());
    }
    let set = heap.select(&q).map_err(|e| query_error(query, &e))?.set;
    Ok(render_table(&heap, &set, &partition(&heap, &set, relation), all))
}
