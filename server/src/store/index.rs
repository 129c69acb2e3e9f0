//! Saved indexes: a stored snapshot's derived indexes (and dominator tree) written next to
//! its file (`objects/ab/<sha256>.idx`) after its first load, and read back instead of
//! indexing again; the dominator tree is built in the background after every load.

use super::{Loaded, Store};
use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::{FormatError, Heap};
use heaplens_wire::SnapshotInfo;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How many heaps were loaded from a saved index (not indexed again), since the start.
pub static INDEX_LOADS: AtomicU64 = AtomicU64::new(0);

/// The dominator tree (retained sizes, dominos) is built in the background right after a
/// load, so the first question that needs it rarely waits; then a stored snapshot's indexes
/// are saved at `index` (if not there yet) so a restart loads it without indexing.
pub(super) fn build_dominators(loaded: Arc<Loaded>, index: Option<(PathBuf, String)>) {
    std::thread::spawn(move || {
        loaded.heap.dominators();
        if let Some((path, sha)) = index {
            if !path.exists() {
                if let Err(e) = save_index(&loaded.heap, &sha, &path) {
                    tracing::warn!(id = %loaded.info.id, "index not saved: {e}");
                }
            }
        }
    });
}

/// Where a stored snapshot's index goes (next to its `file`: `objects/ab/<sha256>.idx`), and
/// its key; `None` for snapshots not in the storage.
pub(super) fn index_target(info: &SnapshotInfo, file: Option<&Path>) -> Option<(PathBuf, String)> {
    let sha = info.store.sha256.clone().filter(|_| info.store.stored)?;
    let dir = file?.parent()?;
    Some((dir.join(format!("{sha}.idx")), sha))
}

/// Writes the index atomically: a temporary file, fsynced, renamed, the folder fsynced.
fn save_index(heap: &Heap, sha: &str, path: &Path) -> std::io::Result<()> {
    let tmp = path.with_extension("idx.part");
    let mut f = std::fs::File::create(&tmp)?;
    heaplens_engine::format::index_file::save(heap, sha, std::io::BufWriter::new(&mut f))?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    super::storage::durable::sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Loads a stored snapshot, from its saved index when there is a good one.
pub(super) fn load_stored(file: &Path, info: &SnapshotInfo) -> Result<Heap, FormatError> {
    if let Some((idx, sha)) = index_target(info, Some(file)) {
        if let Ok(bytes) = std::fs::read(&idx) {
            let snap = read_snapshot_file(file)?;
            match heaplens_engine::format::index_file::load(snap, &sha, &bytes) {
                Ok(heap) => {
                    INDEX_LOADS.fetch_add(1, Ordering::Relaxed);
                    return Ok(heap);
                }
                Err(e) => {
                    tracing::warn!(id = %info.id, "{e}; indexing again");
                    let _ = std::fs::remove_file(&idx);
                }
            }
        }
    }
    Store::load(file)
}
