//! Wire types of the store: the snapshots served, their info and metadata, and changes to them.

use crate::ReferenceInfo;
use serde::{Deserialize, Serialize};

/// What the server knows about one loaded snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// Stable id used in URLs (the file stem, made URL-safe and unique).
    pub id: String,
    /// Human name: the capture's `name` or the file name.
    pub name: String,
    /// File name on disk.
    pub file: String,
    /// File size in bytes.
    pub file_size: u64,
    /// Capture time, Unix seconds.
    pub time: f64,
    /// Seconds the capture took.
    pub duration_s: f64,
    pub python: String,
    pub pid: u64,
    pub argv: Vec<String>,
    pub hostname: String,
    /// Objects in heapy's `heap()` (the root excluded).
    pub objects: u64,
    /// Total `sys.getsizeof` size of those objects.
    pub total_size: u64,
    pub edges: u64,
    /// GC-tracked objects the capture found but the root does not reach (heapy's `heapu`).
    #[serde(default)]
    pub unreachable: u64,
    /// The capturing process's random token (`META.process.token`); `None` in older files.
    #[serde(default)]
    pub process_token: Option<String>,
    /// Which process captured it (host, pid, start time), for grouping snapshots into
    /// series without loading them; `None` in infos kept by older servers.
    #[serde(default)]
    pub process_key: Option<String>,
    /// This capture's number in its process (dumps and setrefs counted from 1).
    #[serde(default)]
    pub capture_seq: Option<u64>,
    /// Whether the snapshot was captured after `heaplens.setref()` (`heapnew` works).
    #[serde(default)]
    pub has_reference_point: bool,
    /// The reference point and how many objects are new since it.
    #[serde(default)]
    pub reference: Option<ReferenceInfo>,
    /// Where the server keeps it and what people noted about it.
    #[serde(default)]
    pub store: StoreMeta,
}

/// A snapshot's place in the server's store: its content hash, tags and note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StoreMeta {
    /// SHA-256 of the file's bytes (the id is its first 16 hex digits), when known.
    pub sha256: Option<String>,
    /// Another id it answers to (the name-derived id of a file given on the command line).
    pub alias: Option<String>,
    /// Kept in the store across restarts (uploads); files from the command line are not.
    pub stored: bool,
    pub tags: Vec<String>,
    pub note: String,
    /// Who stored it ("agent", "page", a user name...).
    pub uploader: String,
    /// When it was stored, Unix seconds (0 when not stored).
    pub stored_at: f64,
}

/// `PATCH /api/snapshots/{id}` body: the fields to change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SnapshotPatch {
    pub name: Option<String>,
    pub tags: Option<Vec<String>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotList {
    pub snapshots: Vec<SnapshotInfo>,
    /// Files the server found but could not load, with the reason.
    #[serde(default)]
    pub failed: Vec<FailedSnapshot>,
}

/// A snapshot file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedSnapshot {
    pub file: String,
    pub message: String,
}
