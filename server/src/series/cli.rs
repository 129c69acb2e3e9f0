//! The `heaplens heapy-dump` commands and `table --heapy-dump`: heapy dump files in a
//! terminal, and any table appended to a dump file as heapy's `.dump()` appends.

use super::view::package_view;
use crate::http::params::resolve_relation;
use crate::store::open::{open_heap, parse_query};
use heaplens_engine::heapydump::{read_dump, render_package, write_partition};
use heaplens_engine::partition::partition;
use std::io::Write;
use std::path::Path;

/// Which packages `heapy-dump show` prints.
pub enum Which {
    /// The first, as `hp.load(FILE)` returns it.
    First,
    /// Package N (0-based, file order).
    Nth(usize),
    /// Every package, as `hp.loadall(f)` yields them.
    All,
}

/// `heapy-dump show FILE`: each chosen package as guppy prints it (with `all_rows`, as
/// heapy's `.all` prints it), separated by blank lines; or with `json`, their rows.
pub fn show(path: &Path, which: Which, all_rows: bool, json: bool) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let packages = read_dump(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let chosen: Vec<usize> = match which {
        Which::First => vec![0],
        Which::All => (0..packages.len()).collect(),
        Which::Nth(n) if n < packages.len() => vec![n],
        Which::Nth(n) => {
            return Err(format!(
                "{}: no package {n}; the file holds {} (0..{})",
                path.display(),
                packages.len(),
                packages.len() - 1
            ))
        }
    };
    if json {
        let views: Vec<_> = chosen.iter().map(|&i| package_view(i, &packages[i])).collect();
        return serde_json::to_string_pretty(&views).map_err(|e| e.to_string());
    }
    Ok(chosen.iter().map(|&i| render_package(&packages[i], all_rows)).collect::<Vec<_>>().join("\n\n"))
}

/// `table SNAPSHOT --heapy-dump OUT`: appends the table of `query` by `by` to OUT (made at
/// the capture time) and says what it wrote.
pub fn table_dump(path: &Path, query: &str, by: Option<&str>, out: &Path) -> Result<String, String> {
    let heap = open_heap(path)?;
    let q = parse_query(query).map_err(|e| format!("bad query: {e}"))?;
    let relation = resolve_relation(&q, by).map_err(|e| e.message)?;
    let set = heap.select(&q).map_err(|e| format!("bad query: {e}"))?.set;
    let p = partition(&heap, &set, relation);
    let mut text = Vec::new();
    write_partition(&heap, &set, &p, heap.snap.meta.time, &mut text).map_err(|e| e.to_string())?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out)
        .map_err(|e| format!("cannot open {}: {e}", out.display()))?;
    f.write_all(&text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let format = if relation == heaplens_engine::Relation::Id { "IdFormat" } else { "SetFormat" };
    Ok(format!(
        "heaplens: appended a {format} package ({} rows, {} objects, {} bytes) to {}",
        p.len(),
        p.count,
        p.size,
        out.display()
    ))
}
