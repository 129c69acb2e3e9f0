//! The `heaplens newobjects A.hls B.hls` command: heapy's table of B's objects that were
//! not in A (or, with `--gone`, A's objects that are not in B).

use crate::store::id_from_name;
use crate::views::resolve_relation;
use crate::views_identity::{identity_view, side_set, Side};
use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::identity::{identity_diff, IdentityError};
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_engine::{Heap, Query};
use std::path::Path;

/// Runs `newobjects` and returns what to print (heapy's table, or with `json` the
/// partition view of every row), or an error message naming the problem.
pub fn newobjects(a: &Path, b: &Path, by: Option<&str>, gone: bool, all: bool, json: bool) -> Result<String, String> {
    let relation = resolve_relation(&Query::heap(), by).map_err(|e| e.message)?;
    let load = |p: &Path| read_snapshot_file(p).map(Heap::new).map_err(|e| format!("{}: {e}", p.display()));
    let (ha, hb) = (load(a)?, load(b)?);
    let side = if gone { Side::Gone } else { Side::New };
    let fail = |e: IdentityError| format!("{} and {}: {e}", a.display(), b.display());
    if json {
        let id = |p: &Path| id_from_name(&p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default());
        let view = identity_view((&id(a), &ha), (&id(b), &hb), side, relation, 0, None).map_err(fail)?;
        return serde_json::to_string_pretty(&view).map_err(|e| e.to_string());
    }
    let d = identity_diff(&ha, &hb).map_err(fail)?;
    let (heap, set) = side_set(&ha, &hb, &d, side);
    Ok(render_table(heap, &set, &partition(heap, &set, relation), all))
}
