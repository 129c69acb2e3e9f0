//! The `heaplens bench` and `heaplens synth` commands: time load, index, every relation's
//! whole-heap partition and a drill-down query on one snapshot; write synthetic snapshots.
//!
//! These are measurements for `scripts/bench.sh` and `docs/benchmarks.md`, never assertions.

use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_engine::{Heap, Relation};
use serde_json::{json, Value};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

/// The drill-down chain timed by default.
const CHAIN: &str = "heap.byclodo[0].byrcs[0].bytype";

/// A value from /proc/self/status in bytes (`VmRSS`, `VmHWM`), 0 where unavailable.
fn proc_status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Seconds taken by `f`, and its result.
fn timed<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let v = f();
    (t.elapsed().as_secs_f64(), v)
}

/// The smallest and the median of some timings.
fn best_and_median(mut ts: Vec<f64>) -> (f64, f64) {
    ts.sort_by(f64::total_cmp);
    (ts[0], ts[ts.len() / 2])
}

/// Rows of the kind table whose retained size the benchmark times (about one screen).
const RETAINED_ROWS: usize = 30;

/// Measures `path`: returns the JSON report (see `docs/benchmarks.md` for the fields).
pub fn bench(path: &Path, query: Option<&str>, repeat: usize) -> Result<Value, String> {
    let repeat = repeat.max(1);
    let file_bytes = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
    let (read_s, snap) = timed(|| read_snapshot_file(path));
    let snap = snap.map_err(|e| format!("{}: {e}", path.display()))?;
    let objects = snap.object_count() as u64;
    let edges = snap.edge_count() as u64;
    let (index_s, heap) = timed(|| Heap::indexed(snap));
    let rss_after_index = proc_status_bytes("VmRSS");
    let peak_after_index = proc_status_bytes("VmHWM");
    // measured after the index's RSS: the server builds it in the background after a load
    let (dominators_s, _) = timed(|| heap.dominators().retained(heaplens_engine::ObjId(0)));
    let peak_after_dominators = proc_status_bytes("VmHWM");
    // the table's retained column: domisize of the largest kinds' rows (the page's first screen)
    let kinds = partition(&heap, heap.heap(), Relation::Clodo);
    let retained_rows = kinds.len().min(RETAINED_ROWS);
    let (retained_rows_s, _) =
        timed(|| heaplens_engine::retained::rows_retained(&heap, &kinds, heap.heap(), 0..retained_rows));
    let (one_row_s, _) = timed(|| heaplens_engine::retained::domisize(&heap, &kinds.row_set(&heap, heap.heap(), 0)));
    // a restart of the server: the snapshot read again, its indexes from the saved index file
    let mut index = Vec::new();
    let (index_save_s, _) = timed(|| heaplens_engine::format::index_file::save(&heap, "bench", &mut index));
    let (index_load_s, reloaded) = timed(|| {
        read_snapshot_file(path)
            .ok()
            .and_then(|snap| heaplens_engine::format::index_file::load(snap, "bench", &index).ok())
    });
    let index_ok = reloaded.is_some_and(|h| h.total_size() == heap.total_size());

    let mut relations = Vec::new();
    for rel in Relation::ALL.iter().copied() {
        let mut runs = Vec::with_capacity(repeat);
        let mut last = None;
        for _ in 0..repeat {
            let (t, p) = timed(|| partition(&heap, heap.heap(), rel));
            runs.push(t);
            last = Some(p);
        }
        let p = last.expect("repeat >= 1");
        let (text_s, text) = timed(|| render_table(&heap, heap.heap(), &p, false));
        let (best, median) = best_and_median(runs);
        relations.push(json!({
            "name": rel.name(),
            "partition_s": best,
            "partition_median_s": median,
            "runs": repeat,
            "rows": p.len(),
            "text_s": text_s,
            "text_bytes": text.len(),
        }));
    }
    let text = query.unwrap_or(CHAIN);
    let (parse_s, q) = timed(|| heaplens_server::store::open::parse_query(text));
    let q = q.map_err(|e| format!("bad query {text:?}: {e}"))?;
    let (select_s, sel) = timed(|| heap.select(&q));
    let set = sel.map_err(|e| format!("query {text:?}: {e}"))?.set;
    let view = q.view.unwrap_or(Relation::Clodo);
    let (view_s, p) = timed(|| partition(&heap, &set, view));
    let (text_s, _) = timed(|| render_table(&heap, &set, &p, false));
    // heapy's A.diff(B) by clodo with its text: the whole heap minus the heap without the set
    let rest = heap.heap().sub(&set);
    let (diff_s, diff_rows) = timed(|| {
        let d = heaplens_engine::diff::diff(&heap, heap.heap(), &heap, &rest, Relation::Clodo);
        d.map(|d| {
            std::hint::black_box(heaplens_engine::diff::render_diff(&d, false));
            d.rows.len()
        })
        .unwrap_or(0)
    });

    Ok(json!({
        "snapshot": path.display().to_string(),
        "file_bytes": file_bytes,
        "objects": objects,
        "reachable": heap.heap().len(),
        "edges": edges,
        "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "read_s": read_s,
        "index_s": index_s,
        "load_index_s": read_s + index_s,
        "read_objects_per_s": objects as f64 / read_s.max(1e-9),
        "rss_after_index_bytes": rss_after_index,
        "peak_rss_after_index_bytes": peak_after_index,
        "dominators_s": dominators_s,
        "peak_rss_after_dominators_bytes": peak_after_dominators,
        "retained_rows": retained_rows,
        "retained_rows_s": retained_rows_s,
        "domisize_row0_s": one_row_s,
        "index_file_bytes": index.len(),
        "index_save_s": index_save_s,
        "read_with_index_s": index_load_s,
        "index_ok": index_ok,
        "rss_bytes_per_object": peak_after_index as f64 / objects.max(1) as f64,
        "relations": relations,
        "query": {
            "text": text,
            "parse_s": parse_s,
            "select_s": select_s,
            "view_partition_s": view_s,
            "text_s": text_s,
            "total_s": parse_s + select_s + view_s + text_s,
            "set_objects": set.len(),
            "rows": p.len(),
        },
        "diff": { "s": diff_s, "rows": diff_rows },
        "peak_rss_bytes": proc_status_bytes("VmHWM"),
    }))
}

/// The report as a readable table.
pub fn bench_text(r: &Value) -> String {
    let f = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
    let mb = |k: &str| f(k) / 1048576.0;
    let mut out = format!(
        "{}: {} objects ({} reachable), {} edges, {:.1} MiB file, {} threads\n",
        r["snapshot"].as_str().unwrap_or(""),
        r["objects"],
        r["reachable"],
        r["edges"],
        mb("file_bytes"),
        r["threads"]
    );
    out += &format!(
        "  read {:.3} s ({:.1}M objects/s) + index {:.3} s = {:.3} s\n",
        f("read_s"),
        f("read_objects_per_s") / 1e6,
        f("index_s"),
        f("load_index_s")
    );
    out += &format!(
        "  RSS after index {:.0} MiB, peak {:.0} MiB ({:.1} bytes/object); peak at end {:.0} MiB\n",
        mb("rss_after_index_bytes"),
        mb("peak_rss_after_index_bytes"),
        f("rss_bytes_per_object"),
        mb("peak_rss_bytes")
    );
    out += &format!(
        "  dominator tree + retained sizes {:.3} s (peak RSS then {:.0} MiB)\n",
        f("dominators_s"),
        mb("peak_rss_after_dominators_bytes")
    );
    out += &format!(
        "  retained column: {} largest kind rows {:.3} s (domisize of row 0 alone {:.3} s)\n",
        r["retained_rows"],
        f("retained_rows_s"),
        f("domisize_row0_s")
    );
    out += &format!(
        "  saved index {:.0} MiB, written in {:.3} s; read + load with it {:.3} s (ok: {})\n",
        f("index_file_bytes") / 1048576.0,
        f("index_save_s"),
        f("read_with_index_s"),
        r["index_ok"]
    );
    out += "  whole-heap partition   best ms  median ms     rows   text ms\n";
    for rel in r["relations"].as_array().into_iter().flatten() {
        let g = |k: &str| rel[k].as_f64().unwrap_or(f64::NAN);
        out += &format!(
            "    {:<18} {:>10.1} {:>10.1} {:>8} {:>9.1}\n",
            rel["name"].as_str().unwrap_or(""),
            g("partition_s") * 1e3,
            g("partition_median_s") * 1e3,
            rel["rows"],
            g("text_s") * 1e3
        );
    }
    let q = &r["query"];
    let g = |k: &str| q[k].as_f64().unwrap_or(f64::NAN) * 1e3;
    out += &format!(
        "  query {}: {:.1} ms (select {:.1} ms, view partition {:.1} ms) -> {} objects, {} rows",
        q["text"].as_str().unwrap_or(""),
        g("total_s"),
        g("select_s"),
        g("view_partition_s"),
        q["set_objects"],
        q["rows"]
    );
    out
}

/// Writes a synthetic snapshot of `n` objects to `out` (via `out.tmp`, renamed); returns a
/// line describing what was written.
pub fn synth(n: u64, out: &Path, seed: u64) -> Result<String, String> {
    let tmp = out.with_extension("hls.tmp");
    let (secs, written) = timed(|| -> std::io::Result<u64> {
        let file = std::fs::File::create(&tmp)?;
        let mut w = heaplens_engine::synth::write_synthetic(BufWriter::with_capacity(1 << 20, file), n, seed)?;
        w.flush()?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(file.metadata()?.len())
    });
    let bytes = written.map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, out).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(format!(
        "heaplens: wrote {} ({n} objects + root, {:.1} MiB, {:.1} bytes/object) in {secs:.2} s",
        out.display(),
        bytes as f64 / 1048576.0,
        bytes as f64 / (n + 1) as f64
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_reports_every_relation_and_the_query_on_a_synthetic_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synth.hls");
        let line = synth(2000, &path, 7).unwrap();
        assert!(line.contains("2000 objects"), "{line}");
        let r = bench(&path, None, 2).unwrap();
        assert_eq!(r["objects"], 2001);
        let names: Vec<&str> = r["relations"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
        let all: Vec<&str> = Relation::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(names, all);
        for rel in r["relations"].as_array().unwrap() {
            assert!(rel["rows"].as_u64().unwrap() >= 1, "{rel}");
            assert_eq!(rel["runs"], 2);
        }
        assert!(r["query"]["set_objects"].as_u64().unwrap() >= 1);
        assert!(!bench_text(&r).is_empty());
    }

    #[test]
    fn bench_names_a_bad_query_and_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synth.hls");
        synth(100, &path, 1).unwrap();
        assert!(bench(&path, Some("heap.bynothing"), 1).unwrap_err().contains("bad query"));
        assert!(bench(&dir.path().join("absent.hls"), None, 1).unwrap_err().contains("absent.hls"));
    }
}
