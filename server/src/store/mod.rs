//! The snapshots the server serves: files named on the command line, `*.hls` files in the data
//! folder, and uploads kept in the [`storage`] (content-addressed, surviving
//! restarts). Each is indexed once into an immutable engine [`Heap`] when first needed, and
//! the indexed heaps are kept under a memory budget: when it is exceeded, the least recently
//! used heaps that can be read again from their file are unloaded (requests already holding
//! one keep it until they finish).
//!
//! Ids: a file's id is the first 16 hex digits of the SHA-256 of its bytes (a link names the
//! bytes), and a file from the command line also answers to its name-derived id (`demo` for
//! `demo.hls`). Heaps inserted directly ([`Store::insert`], tests) have name-derived ids only.
//!
//! Also here: the [`series`] of heapy dump files, the saved [`index`]es of stored snapshots,
//! files listed again from their own META ([`restore`]), the snapshots' [`info`], the [`cache`]s a loaded heap keeps, opening a file for a command
//! ([`open`]), the store's [`routes`] and the `redact` command ([`cli`]).

pub mod cache;
pub mod cli;
pub mod cold;
pub mod index;
pub mod info;
pub mod open;
mod restore;
pub mod routes;
pub mod series;
pub mod storage;

pub use index::INDEX_LOADS;

use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::{FormatError, Heap};
use heaplens_wire::{FailedSnapshot, SnapshotInfo, SnapshotList};
use index::{build_dominators, index_target, load_stored};
use info::snapshot_info;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use storage::local::LocalStorage;
use storage::{content_id, MetaPatch, NewSnapshot, SnapshotStorage, StorageError, StoredSnapshot};

/// Memory assumed per object of an indexed heap with its dominator tree (measured 105-130 B
/// for the index on real heaps, plus 24 B for the dominator tree; see docs/benchmarks.md).
pub const BYTES_PER_OBJECT: u64 = 160;
/// The default memory budget for indexed heaps.
pub const DEFAULT_BUDGET: u64 = 8 << 30;

/// One loaded, indexed snapshot, and what features derived from it and keep (dropped with it).
pub struct Loaded {
    pub info: SnapshotInfo,
    pub heap: Heap,
    pub caches: cache::Caches,
}

impl Loaded {
    pub fn new(info: SnapshotInfo, heap: Heap) -> Loaded {
        Loaded { info, heap, caches: Default::default() }
    }
}

struct Entry {
    info: SnapshotInfo,
    /// Where its bytes are, to load it (again); `None`: only in memory, never unloaded.
    file: Option<PathBuf>,
    loaded: Option<Arc<Loaded>>,
    last_used: u64,
}

#[derive(Default)]
struct Inner {
    by_id: BTreeMap<String, Entry>,
    aliases: HashMap<String, String>,
    /// Ids in the order they were added.
    order: Vec<String>,
    failed: Vec<FailedSnapshot>,
}

/// All snapshots the server serves. Cheap to share (`Arc<Store>`); reads never block on loads.
pub struct Store {
    inner: RwLock<Inner>,
    /// Where uploads are kept; `None` keeps them in memory only.
    pub data_dir: Option<PathBuf>,
    storage: Option<Arc<dyn SnapshotStorage>>,
    budget: u64,
    clock: AtomicU64,
    /// The series of heapy dump files ([`series`]).
    pub series: series::SeriesStore,
    /// One lock per snapshot being loaded again: a cold load runs once however many
    /// requests wait for it (single flight).
    loading: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Loads and uploads that index a heap at the same time, at most [`CONCURRENT_LOADS`].
    pub loads: tokio::sync::Semaphore,
    /// Snapshots read and indexed again after being unloaded, since the start.
    pub cold_loads: AtomicU64,
}

/// Heaps indexed at the same time (cold loads, uploads, redacted copies): each needs about
/// its heap's memory while it is built, so they wait for each other beyond this.
pub const CONCURRENT_LOADS: usize = 2;

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

/// The SHA-256 (hex) of a file's bytes.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What adding an upload did.
pub struct Added {
    pub info: SnapshotInfo,
    /// The same bytes were already there: this is the existing snapshot.
    pub duplicate: bool,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no snapshot with id {0:?}")]
    NotFound(String),
    #[error("snapshot {0:?} comes from a file given on the command line: only stored (uploaded) snapshots can be changed or deleted")]
    NotStored(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn stored_info(s: &StoredSnapshot, mut info: SnapshotInfo) -> SnapshotInfo {
    info.id = s.id.clone();
    info.name = s.name.clone();
    info.file_size = s.file_size;
    info.store = heaplens_wire::StoreMeta {
        sha256: Some(s.sha256.clone()),
        alias: None,
        stored: true,
        tags: s.tags.clone(),
        note: s.note.clone(),
        uploader: s.uploader.clone(),
        stored_at: s.created,
    };
    info
}

impl Store {
    /// A store without a data folder: uploads live in memory only.
    pub fn new(data_dir: Option<PathBuf>) -> Store {
        Store {
            inner: RwLock::new(Inner::default()),
            data_dir,
            storage: None,
            budget: DEFAULT_BUDGET,
            clock: AtomicU64::new(0),
            series: Default::default(),
            loading: Mutex::new(HashMap::new()),
            loads: tokio::sync::Semaphore::new(CONCURRENT_LOADS),
            cold_loads: AtomicU64::new(0),
        }
    }

    /// A store keeping uploads in `dir` (see [`LocalStorage`]), listing what it holds; indexed
    /// heaps are kept within `budget` bytes.
    pub fn open(dir: &Path, budget: u64) -> Result<(Store, storage::local::Recovery), StorageError> {
        let (local, recovery) = LocalStorage::open(dir)?;
        let adopt_failed = restore::adopt_unlisted(&local, &recovery.unlisted);
        let storage: Arc<dyn SnapshotStorage> = Arc::new(local);
        let store = Store {
            inner: RwLock::new(Inner::default()),
            data_dir: Some(dir.to_owned()),
            storage: Some(storage.clone()),
            budget,
            clock: AtomicU64::new(0),
            series: Default::default(),
            loading: Mutex::new(HashMap::new()),
            loads: tokio::sync::Semaphore::new(CONCURRENT_LOADS),
            cold_loads: AtomicU64::new(0),
        };
        {
            let mut inner = store.write();
            for s in storage.list()? {
                if recovery.missing_files.contains(&s.id) {
                    inner
                        .failed
                        .push(FailedSnapshot { file: s.name.clone(), message: "its stored file is missing".into() });
                    continue;
                }
                let Ok(info) = serde_json::from_value::<SnapshotInfo>(s.facts.clone()) else {
                    inner
                        .failed
                        .push(FailedSnapshot { file: s.name.clone(), message: "unreadable stored facts".into() });
                    continue;
                };
                let file = storage.file(&s.id)?;
                let info = stored_info(&s, info);
                inner.order.push(s.id.clone());
                inner.by_id.insert(s.id.clone(), Entry { info, file, loaded: None, last_used: 0 });
            }
            inner.failed.extend(adopt_failed);
        }
        Ok((store, recovery))
    }

    /// The storage uploads go to, if any.
    pub fn storage(&self) -> Option<&Arc<dyn SnapshotStorage>> {
        self.storage.as_ref()
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Reads, validates and indexes a snapshot file (no lock held while loading).
    pub fn load(path: &Path) -> Result<Heap, FormatError> {
        Ok(Heap::indexed(read_snapshot_file(path)?))
    }

    /// Loads a file given on the command line (or found in the data folder) and adds it under
    /// its content id, answering to its name-derived id too; a failure is recorded.
    pub fn add_file(&self, path: &Path) -> Result<SnapshotInfo, FormatError> {
        let file = path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned());
        let loaded = Store::load(path).and_then(|heap| {
            let sha = sha256_file(path).map_err(|e| FormatError::Invalid(format!("cannot read: {e}")))?;
            Ok((heap, sha))
        });
        match loaded {
            Ok((heap, sha)) => {
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                let id = content_id(&sha);
                let mut info = snapshot_info(&id, &file, size, &heap);
                info.store.sha256 = Some(sha);
                let alias = id_from_name(&file);
                let mut inner = self.write();
                if inner.by_id.contains_key(&id) {
                    return Ok(inner.by_id[&id].info.clone()); // the same bytes twice
                }
                if !inner.by_id.contains_key(&alias) && !inner.aliases.contains_key(&alias) {
                    inner.aliases.insert(alias.clone(), id.clone());
                    info.store.alias = Some(alias);
                }
                let t = self.tick();
                let loaded = Arc::new(Loaded::new(info.clone(), heap));
                inner.order.push(id.clone());
                inner.by_id.insert(
                    id,
                    Entry {
                        info: info.clone(),
                        file: Some(path.to_owned()),
                        loaded: Some(loaded.clone()),
                        last_used: t,
                    },
                );
                self.evict(&mut inner);
                drop(inner);
                build_dominators(loaded, None);
                Ok(info)
            }
            Err(e) => {
                self.write().failed.push(FailedSnapshot { file, message: e.to_string() });
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

    /// Adds an indexed heap kept in memory only, under an id derived from `file`, unique in the store.
    pub fn insert(&self, file: &str, file_size: u64, heap: Heap) -> SnapshotInfo {
        let mut inner = self.write();
        let base = id_from_name(file);
        let mut id = base.clone();
        let mut n = 2;
        while inner.by_id.contains_key(&id) || inner.aliases.contains_key(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let info = snapshot_info(&id, file, file_size, &heap);
        let loaded = Arc::new(Loaded::new(info.clone(), heap));
        let t = self.tick();
        inner
            .by_id
            .insert(id.clone(), Entry { info: info.clone(), file: None, loaded: Some(loaded.clone()), last_used: t });
        inner.order.push(id);
        drop(inner);
        build_dominators(loaded, None);
        info
    }

    /// Adds an uploaded file (streamed to `temp`, SHA-256 `sha`, already indexed as `heap`):
    /// into the storage when there is one (atomically; the same bytes again give the existing
    /// snapshot), else in memory.
    pub fn add_upload(
        &self,
        temp: &Path,
        sha: &str,
        name: &str,
        uploader: &str,
        heap: Heap,
    ) -> Result<Added, StorageError> {
        let id = content_id(sha);
        if let Some(existing) = self.read().by_id.get(&id) {
            let _ = std::fs::remove_file(temp);
            return Ok(Added { info: existing.info.clone(), duplicate: true });
        }
        let size = std::fs::metadata(temp).map(|m| m.len()).unwrap_or(0);
        let mut info = snapshot_info(&id, name, size, &heap);
        if name != "upload.hls" {
            info.name = name.trim_end_matches(".hls").to_owned();
        }
        let file = match &self.storage {
            Some(storage) => {
                let facts = serde_json::to_value(&info).map_err(|e| StorageError::Invalid(e.to_string()))?;
                let new =
                    NewSnapshot { name: info.name.clone(), uploader: uploader.to_owned(), facts, ..Default::default() };
                let put = storage.put(temp, sha, new)?;
                info = stored_info(&put.snapshot, info);
                storage.file(&id)?
            }
            None => {
                let _ = std::fs::remove_file(temp);
                info.store.sha256 = Some(sha.to_owned());
                None
            }
        };
        let mut inner = self.write();
        if let Some(existing) = inner.by_id.get(&id) {
            return Ok(Added { info: existing.info.clone(), duplicate: true }); // raced with the same bytes
        }
        let index = index_target(&info, file.as_deref());
        let loaded = Arc::new(Loaded::new(info.clone(), heap));
        let t = self.tick();
        inner.order.push(id.clone());
        inner.by_id.insert(id, Entry { info: info.clone(), file, loaded: Some(loaded.clone()), last_used: t });
        self.evict(&mut inner);
        drop(inner);
        build_dominators(loaded, index);
        Ok(Added { info, duplicate: false })
    }

    /// Unloads least recently used heaps that can be read again while the loaded ones exceed the budget.
    fn evict(&self, inner: &mut Inner) {
        let cost = |e: &Entry| Store::cost(e.info.objects, e.info.file_size);
        let mut used: u64 = inner.by_id.values().filter(|e| e.loaded.is_some()).map(cost).sum();
        if used <= self.budget {
            return;
        }
        let mut candidates: Vec<(u64, String)> = inner
            .by_id
            .iter()
            .filter(|(_, e)| e.loaded.is_some() && e.file.is_some())
            .map(|(id, e)| (e.last_used, id.clone()))
            .collect();
        candidates.sort();
        // the most recently used stays, even alone above the budget
        candidates.pop();
        for (_, id) in candidates {
            if used <= self.budget {
                break;
            }
            if let Some(e) = inner.by_id.get_mut(&id) {
                used -= cost(e);
                e.loaded = None;
                tracing::info!(id = %id, "unloaded (memory budget)");
            }
        }
    }

    fn resolve(inner: &Inner, id: &str) -> Option<String> {
        if inner.by_id.contains_key(id) {
            Some(id.to_owned())
        } else {
            inner.aliases.get(id).cloned()
        }
    }

    /// Whether an id is taken.
    pub fn contains(&self, id: &str) -> bool {
        Store::resolve(&self.read(), id).is_some()
    }

    /// The indexed heap of a snapshot, loading it (again) from its file if it was unloaded;
    /// requests that ask for one snapshot meanwhile wait for that one load (single flight).
    pub fn get(&self, id: &str) -> Option<Arc<Loaded>> {
        if let Some(l) = self.get_loaded(id) {
            return Some(l);
        }
        let key = Store::resolve(&self.read(), id)?;
        let gate = self.loading.lock().unwrap_or_else(|e| e.into_inner()).entry(key.clone()).or_default().clone();
        let out = {
            let _one = gate.lock().unwrap_or_else(|e| e.into_inner());
            self.get_loaded(&key).or_else(|| self.load_again(&key))
        };
        let mut loading = self.loading.lock().unwrap_or_else(|e| e.into_inner());
        if Arc::strong_count(&gate) <= 2 {
            loading.remove(&key); // nobody else waits on it
        }
        out
    }

    /// The memory budget of indexed heaps, in bytes (`--memory-budget`).
    pub fn budget(&self) -> u64 {
        self.budget
    }

    /// What indexing a snapshot of `objects` objects from a file of `file_size` bytes is
    /// counted as against the budget (as loaded heaps are counted when unloading).
    pub fn cost(objects: u64, file_size: u64) -> u64 {
        objects.max(1).saturating_mul(BYTES_PER_OBJECT).saturating_add(file_size)
    }

    /// The heap of a snapshot if it is in memory, counted as used now.
    fn get_loaded(&self, id: &str) -> Option<Arc<Loaded>> {
        let mut inner = self.write();
        let id = Store::resolve(&inner, id)?;
        let t = self.tick();
        let e = inner.by_id.get_mut(&id)?;
        e.last_used = t;
        e.loaded.clone()
    }

    /// Reads and indexes an unloaded snapshot again from its file.
    fn load_again(&self, id: &str) -> Option<Arc<Loaded>> {
        let (id, file, info) = {
            let mut inner = self.write();
            let id = Store::resolve(&inner, id)?;
            let t = self.tick();
            let e = inner.by_id.get_mut(&id)?;
            e.last_used = t;
            if let Some(l) = &e.loaded {
                return Some(l.clone());
            }
            (id, e.file.clone()?, e.info.clone())
        };
        self.cold_loads.fetch_add(1, Ordering::Relaxed);
        let heap = match load_stored(&file, &info) {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(id = %id, "cannot load again: {e}");
                return None;
            }
        };
        let index = index_target(&info, Some(&file));
        let loaded = Arc::new(Loaded::new(info, heap));
        let mut inner = self.write();
        let t = self.tick();
        let e = inner.by_id.get_mut(&id)?;
        e.last_used = t;
        let out = e.loaded.get_or_insert_with(|| loaded.clone()).clone();
        self.evict(&mut inner);
        drop(inner);
        build_dominators(out.clone(), index);
        Some(out)
    }

    /// The indexed heap of a snapshot if it is in memory now (never loads it).
    pub fn peek(&self, id: &str) -> Option<Arc<Loaded>> {
        let inner = self.read();
        let id = Store::resolve(&inner, id)?;
        inner.by_id.get(&id).and_then(|e| e.loaded.clone())
    }

    /// Where a snapshot's bytes are (`None` for heaps inserted in memory only).
    pub fn file_of(&self, id: &str) -> Option<PathBuf> {
        let inner = self.read();
        let id = Store::resolve(&inner, id)?;
        inner.by_id.get(&id).and_then(|e| e.file.clone())
    }

    /// A snapshot's info without loading it.
    pub fn info(&self, id: &str) -> Option<SnapshotInfo> {
        let inner = self.read();
        let id = Store::resolve(&inner, id)?;
        inner.by_id.get(&id).map(|e| e.info.clone())
    }

    /// Renames, retags or annotates a stored snapshot.
    pub fn update(&self, id: &str, patch: &MetaPatch) -> Result<SnapshotInfo, StoreError> {
        let storage = self.storage.as_ref().ok_or_else(|| StoreError::NotStored(id.to_owned()))?;
        let info = self.info(id).ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        if !info.store.stored {
            return Err(StoreError::NotStored(info.id));
        }
        let s = storage.update(&info.id, patch)?.ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        let mut inner = self.write();
        let e = inner.by_id.get_mut(&info.id).ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        e.info = stored_info(&s, e.info.clone());
        Ok(e.info.clone())
    }

    /// Deletes a stored snapshot (metadata, then bytes); requests holding its heap finish.
    pub fn delete(&self, id: &str) -> Result<(), StoreError> {
        let info = self.info(id).ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        let storage =
            self.storage.as_ref().filter(|_| info.store.stored).ok_or(StoreError::NotStored(info.id.clone()))?;
        storage.delete(&info.id)?;
        let mut inner = self.write();
        inner.by_id.remove(&info.id);
        inner.order.retain(|x| *x != info.id);
        inner.aliases.retain(|_, v| *v != info.id);
        Ok(())
    }

    /// The ids whose heaps are in memory now.
    pub fn loaded_ids(&self) -> Vec<String> {
        self.read().by_id.iter().filter(|(_, e)| e.loaded.is_some()).map(|(id, _)| id.clone()).collect()
    }

    pub fn list(&self) -> SnapshotList {
        let inner = self.read();
        SnapshotList {
            snapshots: inner.order.iter().filter_map(|id| inner.by_id.get(id)).map(|e| e.info.clone()).collect(),
            failed: inner.failed.clone(),
        }
    }
}
