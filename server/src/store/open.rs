//! A snapshot named on a command line (`table`, `diff`, `shpaths`, ...): the file read,
//! validated and indexed for one command (not kept in the store), its queries parsed with
//! errors that point at the offending position, and the id `--json` output names it by.

use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::{Heap, Query, QueryError};
use std::path::Path;

/// Reads a snapshot file and indexes what every command needs (the rest on first use,
/// so `table` answers without building the rcs, via and byid indexes); the error names the file.
pub fn open_heap(path: &Path) -> Result<Heap, String> {
    Ok(Heap::new(read_snapshot_file(path).map_err(|e| format!("{}: {e}", path.display()))?))
}

/// Parses a query given on the command line (the error as the engine says it).
pub fn parse_query(text: &str) -> Result<Query, QueryError> {
    Query::parse(text)
}

/// Parses a query given on the command line; the error with a caret under its position.
pub fn parse_query_text(text: &str) -> Result<Query, String> {
    parse_query(text).map_err(|e| query_error(text, &e))
}

/// The id of a file's snapshot in `--json` output: its name-derived id (`demo` for `demo.hls`).
pub fn file_id(path: &Path) -> String {
    super::id_from_name(&path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default())
}

/// A query error with a caret under the offending position (for a long query, the 60
/// characters around it, with `…` where it was cut).
pub fn query_error(query: &str, e: &QueryError) -> String {
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
