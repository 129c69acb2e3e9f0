//! The `heaplens newobjects A.hls B.hls` command: heapy's table of B's objects that were
//! not in A (or, with `--gone`, A's objects that are not in B).

use crate::views::resolve_relation;
use crate::views_identity::{side_set, Side};
use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::identity::identity_diff;
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_engine::{Heap, Query};
use std::path::Path;

/// Runs `newobjects` and returns what to print, or an error message naming the problem.
pub fn newobjects(a: &Path, b: &Path, by: Option<&str>, gone: bool, all: bool) -> Result<String, String> {
    let relation = resolve_relation(&Query::heap(), by).map_err(|e| e.message)?;
    let load = |p: &Path| read_snapshot_file(p).map(Heap::new).map_err(|e| format!("{}: {e}", p.display()));
    let (ha, hb) = (load(a)?, load(b)?);
    let d = identity_diff(&ha, &hb).map_err(|e| format!("{} and {}: {e}", a.display(), b.display()))?;
    let (heap, set) = side_set(&ha, &hb, &d, if gone { Side::Gone } else { Side::New });
    Ok(render_table(heap, &set, &partition(heap, &set, relation), all))
}
