//! Where snapshots live between restarts: files stored by content (the SHA-256 of their bytes)
//! and their metadata, behind one small trait so a team that outgrows one machine can put the
//! metadata in PostgreSQL and the files in an S3-compatible object store (see
//! `docs/store.md`). [`local::LocalStorage`] is the embedded default: a data folder with
//! the files and an SQLite database.
//!
//! Invariants every implementation keeps:
//! - a snapshot is listed only once its bytes are durably stored under their hash, and its
//!   metadata committed in one transaction (a crash at any moment never lists half a snapshot);
//! - the id is derived from the content, so a link keeps pointing at the same bytes, and a
//!   duplicate upload returns the snapshot already stored;
//! - deleting removes the metadata first, then the bytes;
//! - no snapshot file is ever deleted because the metadata does not name it: the metadata is
//!   rebuilt from the files (the local store keeps a sidecar beside each file, `durable.rs`).

pub mod durable;
pub mod local;
mod recover;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Hex digits of the SHA-256 kept in a snapshot's id.
pub const ID_HEX: usize = 16;

/// The id of content with this SHA-256 (hex): its first [`ID_HEX`] digits.
pub fn content_id(sha256: &str) -> String {
    sha256[..ID_HEX.min(sha256.len())].to_owned()
}

/// A stored snapshot's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSnapshot {
    /// The content id (see [`content_id`]).
    pub id: String,
    pub sha256: String,
    pub name: String,
    pub tags: Vec<String>,
    pub note: String,
    /// Who uploaded it (the session's user, or "cli" / "agent" / "local file").
    pub uploader: String,
    /// When it was stored, Unix seconds.
    pub created: f64,
    pub file_size: u64,
    /// Facts read from the snapshot when it was stored (objects, total size, process info).
    pub facts: serde_json::Value,
}

/// What the caller knows about a new snapshot besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct NewSnapshot {
    pub name: String,
    pub uploader: String,
    pub tags: Vec<String>,
    pub note: String,
    pub facts: serde_json::Value,
}

/// A change of a snapshot's editable metadata (`None`: unchanged).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetaPatch {
    pub name: Option<String>,
    pub tags: Option<Vec<String>>,
    pub note: Option<String>,
}

/// Why storing failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("storage database error: {0}")]
    Db(String),
    #[error("{0}")]
    Invalid(String),
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Db(e.to_string())
    }
}

/// The result of [`SnapshotStorage::put`]: the stored snapshot, and whether it was already there.
#[derive(Debug, Clone)]
pub struct Put {
    pub snapshot: StoredSnapshot,
    pub duplicate: bool,
}

/// Snapshot files and metadata. Implementations are shared between request threads.
pub trait SnapshotStorage: Send + Sync {
    /// A fresh temporary file to stream an upload into (on the same volume as the store).
    fn temp_file(&self) -> Result<PathBuf, StorageError>;
    /// Stores a complete, validated file (moved in from `temp`) whose SHA-256 is `sha256`;
    /// if those bytes are already stored, `temp` is removed and the existing snapshot returned.
    fn put(&self, temp: &Path, sha256: &str, new: NewSnapshot) -> Result<Put, StorageError>;
    /// Every stored snapshot, oldest first.
    fn list(&self) -> Result<Vec<StoredSnapshot>, StorageError>;
    fn get(&self, id: &str) -> Result<Option<StoredSnapshot>, StorageError>;
    /// The path of a stored snapshot's bytes (read-only).
    fn file(&self, id: &str) -> Result<Option<PathBuf>, StorageError>;
    /// Renames, retags or annotates; `None` when there is no such snapshot.
    fn update(&self, id: &str, patch: &MetaPatch) -> Result<Option<StoredSnapshot>, StorageError>;
    /// Deletes metadata, then bytes; whether it existed.
    fn delete(&self, id: &str) -> Result<bool, StorageError>;
}

/// Checks a name, tag or note from a client: length-limited, no control characters.
pub fn check_text(what: &str, text: &str, max: usize) -> Result<(), StorageError> {
    if text.chars().count() > max {
        return Err(StorageError::Invalid(format!("{what} is longer than {max} characters")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(StorageError::Invalid(format!("{what} contains control characters")));
    }
    Ok(())
}
