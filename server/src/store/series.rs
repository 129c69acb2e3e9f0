//! Series over time: the packages of heapy dump files (uploaded or named on the command
//! line) and, grouped on demand, the loaded snapshots of one process (same host, pid and
//! process start). Dump series are kept here; the snapshots stay in the [`Store`]; the
//! series routes and views are in `crate::series`.

use super::{id_from_name, Store};
use heaplens_engine::heapydump::{looks_like_dump, read_dump, Package};
use heaplens_wire::{SeriesInfo, SeriesList, SnapshotInfo};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The packages of one heapy dump file.
pub struct DumpSeries {
    pub info: SeriesInfo,
    pub packages: Vec<Package>,
}

/// The dump series the server holds, in the order they were added.
#[derive(Default)]
pub struct SeriesStore {
    inner: RwLock<Vec<Arc<DumpSeries>>>,
}

/// A series found by id.
pub enum Series {
    Dump(Arc<DumpSeries>),
    /// The snapshots of one process (their ids in `snapshots`, in time order).
    Snapshots(SeriesInfo),
}

impl Series {
    pub fn info(&self) -> &SeriesInfo {
        match self {
            Series::Dump(d) => &d.info,
            Series::Snapshots(info) => info,
        }
    }
}

impl SeriesStore {
    /// Adds the packages of a dump file under an id made from its name, unique in the store.
    pub fn insert(&self, file: &str, packages: Vec<Package>) -> SeriesInfo {
        let mut inner = self.inner.write().expect("series lock");
        let base = id_from_name(file.strip_suffix(".dump").unwrap_or(file));
        let mut id = base.clone();
        let mut n = 2;
        while inner.iter().any(|s| s.info.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let times = packages.iter().map(|p| p.timemade);
        let info = SeriesInfo {
            id,
            name: file.to_owned(),
            source: "dump".to_owned(),
            file: Some(file.to_owned()),
            snapshots: Vec::new(),
            samples: packages.len() as u64,
            first_time: times.clone().fold(f64::INFINITY, f64::min),
            last_time: times.fold(f64::NEG_INFINITY, f64::max),
        };
        inner.push(Arc::new(DumpSeries { info: info.clone(), packages }));
        info
    }

    pub fn list(&self) -> Vec<SeriesInfo> {
        self.inner.read().expect("series lock").iter().map(|s| s.info.clone()).collect()
    }

    pub fn get(&self, id: &str) -> Option<Arc<DumpSeries>> {
        self.inner.read().expect("series lock").iter().find(|s| s.info.id == id).cloned()
    }
}

/// Whether a file starts like a heapy dump (`.loader:`), not like a snapshot.
pub fn is_dump_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    looks_like_dump(&head[..n])
}

/// Reads every package of a dump file; the error names the file and the line.
pub fn load_dump(path: &Path) -> Result<Vec<Package>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    read_dump(&bytes).map_err(|e| e.to_string())
}

/// Loads a dump file into the store's series.
pub fn add_dump_file(store: &Store, path: &Path) -> Result<SeriesInfo, String> {
    let packages = load_dump(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned());
    Ok(store.series.insert(&file, packages))
}

/// Loads every `*.dump` file of a folder (uploads of dump files are kept there), in name order.
pub fn add_dump_dir(store: &Store, dir: &Path) -> Vec<Result<SeriesInfo, String>> {
    let mut files: Vec<_> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "dump") && p.is_file());
    files.sort();
    files.iter().map(|p| add_dump_file(store, p)).collect()
}

/// The snapshots grouped by process (two or more each), in time order: from their infos
/// alone, so listing series loads no heap (the samples load one snapshot at a time).
pub fn process_series(store: &Store) -> Vec<SeriesInfo> {
    let mut groups: BTreeMap<String, Vec<SnapshotInfo>> = BTreeMap::new();
    for info in store.list().snapshots {
        let key = info.process_key.clone().unwrap_or_else(|| {
            // an info kept by an older server: its host, pid and command line
            format!("{}:{}:{}", info.hostname, info.pid, info.argv.join("\u{1f}"))
        });
        groups.entry(key).or_default().push(info);
    }
    let mut out: Vec<SeriesInfo> = groups
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|mut g| {
            g.sort_by(|a, b| a.time.total_cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
            let first = &g[0];
            let script = first.argv.first().map_or("python", |a| a.rsplit('/').next().unwrap_or(a));
            SeriesInfo {
                id: format!("p{}-{}", first.pid, first.id),
                name: format!("{script} (pid {} on {})", first.pid, first.hostname),
                source: "snapshots".to_owned(),
                file: None,
                snapshots: g.iter().map(|l| l.id.clone()).collect(),
                samples: g.len() as u64,
                first_time: first.time,
                last_time: g[g.len() - 1].time,
            }
        })
        .collect();
    out.sort_by(|a, b| a.first_time.total_cmp(&b.first_time));
    out
}

/// Every series: dump files first, then processes.
pub fn list(store: &Store) -> SeriesList {
    let mut series = store.series.list();
    series.extend(process_series(store));
    SeriesList { series }
}

pub fn find(store: &Store, id: &str) -> Option<Series> {
    if let Some(d) = store.series.get(id) {
        return Some(Series::Dump(d));
    }
    process_series(store).into_iter().find(|info| info.id == id).map(Series::Snapshots)
}
