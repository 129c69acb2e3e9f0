//! Stored files that neither the database nor a sidecar names (a store from before sidecars
//! whose database was lost): listed again from the snapshot's own META, never deleted. The name
//! is META's (or the id), the upload time the file's mtime; a file that cannot be read is
//! reported as failed and kept.

use super::info::snapshot_info;
use super::storage::local::{LocalStorage, MAX_NAME};
use super::storage::{content_id, NewSnapshot};
use super::Store;
use heaplens_wire::FailedSnapshot;
use std::path::Path;

fn mtime(path: &Path) -> f64 {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Lists the files of `unlisted` (SHA-256s, [`super::storage::local::Recovery::unlisted`]),
/// oldest first; the failures, for the store's list of failed snapshots.
pub(super) fn adopt_unlisted(local: &LocalStorage, unlisted: &[String]) -> Vec<FailedSnapshot> {
    let mut files: Vec<(f64, &String)> = unlisted.iter().map(|sha| (mtime(&local.object_path(sha)), sha)).collect();
    files.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
    let mut failed = Vec::new();
    for (created, sha) in files {
        let path = local.object_path(sha);
        let id = content_id(sha);
        let file = format!("objects/{}/{sha}.hls", &sha[..2]);
        let adopted = Store::load(&path).map_err(|e| e.to_string()).and_then(|heap| {
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let mut info = snapshot_info(&id, &format!("{id}.hls"), size, &heap);
            let name = heap.snap.meta.name.clone().unwrap_or_else(|| id.clone());
            info.name = name.chars().filter(|c| !c.is_control()).take(MAX_NAME).collect();
            let facts = serde_json::to_value(&info).map_err(|e| e.to_string())?;
            let new = NewSnapshot { name: info.name.clone(), facts, ..Default::default() };
            local.adopt(sha, new, created).map_err(|e| e.to_string())
        });
        match adopted {
            Ok(_) => tracing::warn!(id = %id, "a stored file without metadata was listed again from its META"),
            Err(e) => failed.push(FailedSnapshot {
                file,
                message: format!("a stored file without metadata cannot be read (kept): {e}"),
            }),
        }
    }
    failed
}
