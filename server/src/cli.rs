//! The `heaplens table` command: heapy's text (or JSON rows) for a query on a snapshot file.

use crate::views::{partition_view, resolve_relation};
use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_engine::{Heap, Query};
use std::path::Path;

/// Runs `table` and returns what to print, or an error message naming the problem.
pub fn table(path: &Path, query: &str, by: Option<&str>, all: bool, json: bool) -> Result<String, String> {
    let snap = read_snapshot_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let heap = Heap::new(snap);
    let q = Query::parse(query).map_err(|e| query_error(query, &e))?;
    let relation = resolve_relation(&q, by).map_err(|e| e.message)?;
    if json {
        let id =
            crate::store::id_from_name(&path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default());
        let view = partition_view(&id, &heap, &q, relation, 0, None, None).map_err(|e| query_error(query, &e))?;
        return serde_json::to_string_pretty(&view).map_err(|e| e.to_string());
    }
    let set = heap.select(&q).map_err(|e| query_error(query, &e))?.set;
    Ok(render_table(&heap, &set, &partition(&heap, &set, relation), all))
}

/// A query error with a caret under the offending position (for a long query, the 60
/// characters around it, with `…` where it was cut).
pub fn query_error(query: &str, e: &heaplens_engine::QueryError) -> String {
    const AROUND: usize = 30;
    let chars: Vec<char> = query.chars().collect();
    let col = query.get(..e.position).map_or(e.position, |p| p.chars().count()).min(chars.len());
    let (from, to) = (col.saturating_sub(AROUND), (col + AROUND).min(chars.len()));
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < chars.len() { "…" } else { "" };
    let shown: String = chars[from..to].iter().collect();
    let caret = " ".repeat(col - from + lead.chars().count());
    format!("bad query: {}\n  {lead}{shown}{tail}\n  {caret}^", e.message)
}
