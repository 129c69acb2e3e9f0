//! The `heaplens newobjects A.hls B.hls` command: heapy's table of B's objects that were
//! not in A (or, with `--gone`, A's objects that are not in B).

use super::view::{identity_view, side_set, Side};
use crate::http::params::resolve_relation;
use crate::store::open::{file_id, open_heap};
use heaplens_engine::identity::{identity_diff, IdentityError};
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_engine::Query;
use std::path::Path;

/// Runs `newobjects` and returns what to print (heapy's table, or with `json` the
/// partition view of every row), or an error message naming the problem.
pub fn newobjects(a: &Path, b: &Path, by: Option<&str>, gone: bool, all: bool, json: bool) -> Result<String, String> {
    let relation = resolve_relation(&Query::heap(), by).map_err(|e| e.message)?;
    let (ha, hb) = (open_heap(a)?, open_heap(b)?);
    let side = if gone { Side::Gone } else { Side::New };
    let fail = |e: IdentityError| format!("{} and {}: {e}", a.display(), b.display());
    if json {
        let view = identity_view((&file_id(a), &ha), (&file_id(b), &hb), side, relation, 0, None).map_err(fail)?;
        return serde_json::to_string_pretty(&view).map_err(|e| e.to_string());
    }
    let d = identity_diff(&ha, &hb).map_err(fail)?;
    let (heap, set) = side_set(&ha, &hb, &d, side);
    Ok(render_table(heap, &set, &partition(heap, &set, relation), all))
}
