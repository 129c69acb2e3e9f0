//! The snapshot store: snapshots loaded from files named on the command line, from a data
//! folder, and from uploads; each indexed once into an immutable engine [`Heap`].

use crate::views::snapshot_info;
use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::{FormatError, Heap};
use heaplens_wire::{FailedSnapshot, SnapshotInfo, SnapshotList};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// One loaded, indexed snapshot.
pub struct Loaded {
    pub info: SnapshotInfo,
    pub heap: Heap,
}

#[derive(Default)]
struct Inner {
    by_id: BTreeMap<String, Arc<Loaded>>,
    /// Ids in the order they were added.
    order: Vec<String>,
    failed: Vec<FailedSnapshot>,
}

/// All snapshots the server serves. Cheap to share (`Arc<Store>`); reads never block on loads.
pub struct Store {
    inner: RwLock<Inner>,
    /// Where uploads are kept; `None` keeps them in memory only.
    pub data_dir: Option<PathBuf>,
    /// The series of heapy dump files (`crate::series`).
    pub series: crate::series::SeriesStore,
}

/// Turns a file name into a URL-safe id: letters, digits, `.`, `_`, `-`.
pub fn id_from_name(name: &str) -> String {
    let stem = name.strip_suffix(".hls").unwrap_or(name);
    let id: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' { c } else { '-' })
        .collect();
    let id = id.trim_matches(|c| c == '.' || c == '-').to_owned();
    if id.is_empty() {
        "snapshot".to_owned()
    } else {
        id
    }
}

impl Store {
    pub fn new(data_dir: Option<PathBuf>) -> Store {
        Store { inner: RwLock::new(Inner::default()), data_dir, series: Default::default() }
    }

    /// Reads, validates and indexes a snapshot file (no lock held while loading).
    pub fn load(path: &Path) -> Result<Heap, FormatError> {
        Ok(Heap::new(read_snapshot_file(path)?))
    }

    /// Loads a file and adds it; a failure is recorded in the list of failed files.
    pub fn add_file(&self, path: &Path) -> Result<SnapshotInfo, FormatError> {
        let file = path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned());
        match Store::load(path) {
            Ok(heap) => {
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                Ok(self.insert(&file, size, heap))
            }
            Err(e) => {
                let mut inner = self.inner.write().expect("store lock");
                inner.failed.push(FailedSnapshot { file, message: e.to_string() });
                Err(e)
            }
        }
    }

    /// Loads every `*.hls` file of a folder, in name order. Bad files are recorded, not fatal.
    pub fn add_dir(&self, dir: &Path) -> std::io::Result<Vec<Result<SnapshotInfo, FormatError>>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "hls") && p.is_file())
            .collect();
        files.sort();
        Ok(files.iter().map(|p| self.add_file(p)).collect())
    }

    /// Adds an indexed heap under an id derived from `file`, unique in the store.
    pub fn insert(&self, file: &str, file_size: u64, heap: Heap) -> SnapshotInfo {
        let mut inner = self.inner.write().expect("store lock");
        let base = id_from_name(file);
        let mut id = base.clone();
        let mut n = 2;
        while inner.by_id.contains_key(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let info = snapshot_info(&id, file, file_size, &heap);
        let loaded = Arc::new(Loaded { info: info.clone(), heap });
        inner.by_id.insert(id.clone(), loaded.clone());
        inner.order.push(id);
        // the dominator tree (retained sizes, dominos) is built in the background right away,
        // so the first question that needs it rarely waits
        std::thread::spawn(move || {
            loaded.heap.dominators();
        });
        info
    }

    /// Whether an id is taken (for naming uploads before they are inserted).
    pub fn contains(&self, id: &str) -> bool {
        self.inner.read().expect("store lock").by_id.contains_key(id)
    }

    pub fn get(&self, id: &str) -> Option<Arc<Loaded>> {
        self.inner.read().expect("store lock").by_id.get(id).cloned()
    }

    pub fn list(&self) -> SnapshotList {
        let inner = self.inner.read().expect("store lock");
        SnapshotList {
            snapshots: inner.order.iter().map(|id| inner.by_id[id].info.clone()).collect(),
            failed: inner.failed.clone(),
        }
    }
}
