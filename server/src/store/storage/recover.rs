//! What [`LocalStorage::open`] does before serving: the database is rebuilt from the files,
//! never the files cut down to the database. A snapshot file (`<sha256>.hls`) is never deleted
//! here: a file without a row gets its row back from its sidecar (`<sha256>.meta.json`), or, with
//! neither, is reported in [`Recovery::unlisted`] for the store to list from its own META.
//! Removed: temporary files only (`tmp/`, `*.part`, `*.tmp`: uploads and writes cut off by a
//! crash), and derived files whose snapshot file is gone (a saved index, a sidecar no row names).

use super::durable::{read_sidecar, sync_dir, write_sidecar, SIDECAR_SUFFIX, TMP_SUFFIX};
use super::local::{check_tags, is_sha, LocalStorage, MAX_NAME, MAX_NOTE};
use super::{check_text, content_id, SnapshotStorage, StorageError, StoredSnapshot};
use std::collections::{BTreeSet, HashMap};
use std::fs;

/// What [`LocalStorage::open`] found and repaired.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Recovery {
    /// Temporary files removed: uploads, indexes and sidecars a crash cut off.
    pub temp_files_removed: usize,
    /// Derived files removed whose snapshot file is gone (saved indexes, sidecars no row names).
    pub stray_files_removed: usize,
    /// Rows rebuilt from sidecars (ids): the database was lost or emptied, or a crash came
    /// between storing a file and committing its row.
    pub rows_restored: Vec<String>,
    /// Sidecars (re)written from their row: missing (a store from before sidecars) or stale.
    pub sidecars_written: usize,
    /// Stored files with neither row nor sidecar (their SHA-256): kept, for the store to list
    /// from their own META ([`LocalStorage::adopt`]).
    pub unlisted: Vec<String>,
    /// Rows whose file is gone (listed as failed, not served).
    pub missing_files: Vec<String>,
}

/// The files of one shard folder, by kind.
#[derive(Default)]
struct Found {
    hls: BTreeSet<String>,
    idx: BTreeSet<String>,
    meta: BTreeSet<String>,
}

/// Whether a sidecar's values are ones a client could have set (a sidecar is read like any
/// file: one that is not is ignored, and the snapshot listed from its own META).
fn plausible(s: &StoredSnapshot) -> bool {
    check_text("the name", &s.name, MAX_NAME).is_ok()
        && check_text("the note", &s.note, MAX_NOTE).is_ok()
        && check_text("the uploader", &s.uploader, MAX_NAME).is_ok()
        && check_tags(&s.tags).is_ok()
        && s.created.is_finite()
}

impl LocalStorage {
    pub(super) fn recover(&self) -> Result<Recovery, StorageError> {
        let mut r = Recovery::default();
        for e in fs::read_dir(self.dir.join("tmp"))? {
            let p = e?.path();
            if p.is_file() && fs::remove_file(&p).is_ok() {
                r.temp_files_removed += 1;
            }
        }
        let rows: HashMap<String, StoredSnapshot> = self.list()?.into_iter().map(|s| (s.sha256.clone(), s)).collect();
        let mut found = Found::default();
        for shard in fs::read_dir(self.dir.join("objects"))? {
            let shard = shard?.path();
            if !shard.is_dir() {
                continue;
            }
            let mut removed = false;
            for e in fs::read_dir(&shard)? {
                let p = e?.path();
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if name.ends_with(".part") || name.ends_with(TMP_SUFFIX) {
                    if fs::remove_file(&p).is_ok() {
                        r.temp_files_removed += 1;
                        removed = true;
                    }
                    continue;
                }
                let Some((sha, rest)) = name.split_at_checked(64).filter(|(s, _)| is_sha(s)) else { continue };
                match rest {
                    ".hls" => found.hls.insert(sha.to_owned()),
                    ".idx" => found.idx.insert(sha.to_owned()),
                    SIDECAR_SUFFIX => found.meta.insert(sha.to_owned()),
                    _ => false, // not ours: left alone
                };
            }
            if removed {
                sync_dir(&shard)?;
            }
        }
        let mut restored = Vec::new();
        for sha in &found.hls {
            let path = self.object_path(sha);
            match rows.get(sha) {
                Some(row) => {
                    if read_sidecar(&path, sha).as_ref() != Some(row) {
                        write_sidecar(&path, row)?;
                        r.sidecars_written += 1;
                    }
                }
                None => match read_sidecar(&path, sha).filter(|s| plausible(s)) {
                    Some(s) => restored.push(s),
                    None => r.unlisted.push(sha.clone()),
                },
            }
        }
        r.rows_restored = self.insert_rows(&restored)?;
        for sha in found.idx.iter().filter(|s| !found.hls.contains(*s)) {
            if fs::remove_file(self.object_path(sha).with_extension("idx")).is_ok() {
                r.stray_files_removed += 1;
            }
        }
        for sha in found.meta.iter().filter(|s| !found.hls.contains(*s) && !rows.contains_key(*s)) {
            if fs::remove_file(super::durable::sidecar_path(&self.object_path(sha))).is_ok() {
                r.stray_files_removed += 1;
            }
        }
        for sha in rows.keys() {
            if !found.hls.contains(sha) {
                r.missing_files.push(content_id(sha));
            }
        }
        r.missing_files.sort();
        Ok(r)
    }

    /// Commits rows rebuilt from sidecars, in one transaction; the ids inserted (a row whose
    /// content id is taken by other bytes is skipped, its file kept).
    fn insert_rows(&self, rows: &[StoredSnapshot]) -> Result<Vec<String>, StorageError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let mut ids = Vec::new();
        for s in rows {
            if Self::get_in(&tx, &s.id)?.is_some() {
                tracing::warn!(id = %s.id, "a stored file's content id is taken by other bytes: not listed");
                continue;
            }
            Self::insert_row(&tx, s)?;
            ids.push(s.id.clone());
        }
        tx.commit()?;
        Ok(ids)
    }
}
