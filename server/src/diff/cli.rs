//! The `heaplens diff` and `heaplens disjoint` commands: heapy's `A.diff(B)` text (or JSON)
//! for two snapshot files, and `A.disjoint(B)` for two sets of one.

use super::view::{diff_view, Side};
use crate::http::params::resolve_relation;
use crate::store::open::{file_id, open_heap as load, parse_query_text as parse, query_error};
use heaplens_engine::diff::{diff, disjoint, render_diff};
use heaplens_engine::{Heap, ObjSet, Query};
use std::path::Path;

fn select(heap: &Heap, q: &Query, text: &str) -> Result<ObjSet, String> {
    heap.select(q).map(|s| s.set).map_err(|e| query_error(text, &e))
}

/// What `heaplens diff A B` prints: `query` of A minus `query_b` (default: `query`) of B.
pub fn diff_cmd(
    a: &Path,
    b: &Path,
    query: &str,
    query_b: Option<&str>,
    by: Option<&str>,
    all: bool,
    json: bool,
) -> Result<String, String> {
    let query_b = query_b.unwrap_or(query);
    let (qa, qb) = (parse(query)?, parse(query_b)?);
    let relation = resolve_relation(&qa, by).map_err(|e| e.message)?;
    let (heap_a, heap_b) = (load(a)?, load(b)?);
    if json {
        let (id_a, id_b) = (file_id(a), file_id(b));
        let view = diff_view(
            &Side { id: &id_a, heap: &heap_a, query: &qa },
            &Side { id: &id_b, heap: &heap_b, query: &qb },
            relation,
            0,
            None,
            all,
        )
        .map_err(|e| e.message)?;
        return serde_json::to_string_pretty(&view).map_err(|e| e.to_string());
    }
    let (set_a, set_b) = (select(&heap_a, &qa, query)?, select(&heap_b, &qb, query_b)?);
    let d = diff(&heap_a, &set_a, &heap_b, &set_b, relation).map_err(|e| e.to_string())?;
    Ok(render_diff(&d, all))
}

/// What `heaplens disjoint X QA QB` prints: Python's `True` or `False`.
pub fn disjoint_cmd(path: &Path, qa: &str, qb: &str) -> Result<String, String> {
    let (a, b) = (parse(qa)?, parse(qb)?);
    let heap = load(path)?;
    let (set_a, set_b) = (select(&heap, &a, qa)?, select(&heap, &b, qb)?);
    Ok(if disjoint(&set_a, &set_b) { "True" } else { "False" }.to_owned())
}
