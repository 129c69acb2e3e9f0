//! Wire types of the heaplens HTTP API: plain serde structs shared by the server and the app.
//!
//! No logic lives here. Every endpoint under `/api` answers one of these types as JSON, or
//! an [`ErrorEnvelope`] with a non-2xx status.
//!
//! Endpoints:
//! * `GET /api/snapshots` → [`SnapshotList`]
//! * `GET /api/snapshots/{id}` → [`SnapshotInfo`]
//! * `GET /api/snapshots/{id}/partition?q=QUERY&by=RELATION&offset=N&limit=N` → [`PartitionView`]
//! * `GET /api/relations` → [`RelationList`]
//! * `POST /api/snapshots?name=NAME` (body: the snapshot file) → [`SnapshotInfo`] (201)

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

/// A relation the server can partition by (heapy's `.byX`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationInfo {
    /// Name used in queries and URLs, e.g. `clodo`, `type`, `size`, `module`.
    pub name: String,
    /// heapy's column header, e.g. `Kind (class / dict of class)`.
    pub header: String,
    /// One-paragraph explanation, like heapy's `.doc`.
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationList {
    pub relations: Vec<RelationInfo>,
}

/// One row of a partition table, with heapy's columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionRow {
    pub index: u32,
    pub count: u64,
    /// Count as a percentage of the set's count, rounded as heapy prints it.
    pub count_pct: u32,
    pub size: u64,
    pub size_pct: u32,
    pub cumulative: u64,
    pub cumulative_pct: u32,
    pub label: String,
    /// Query that selects this row's set (for drilling in).
    pub query: String,
}

/// One step of the query path, for breadcrumbs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breadcrumb {
    /// Query that selects the set at this step.
    pub query: String,
    /// What to show: `heap`, or the row label chosen at this step.
    pub label: String,
    /// Relation the row was chosen under (`None` for `heap`).
    pub relation: Option<String>,
}

/// A partition of the set selected by `query`, by `relation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionView {
    pub snapshot: String,
    /// The query as the server normalised it.
    pub query: String,
    pub relation: String,
    /// heapy's title line, e.g. `Partition of a set of 12 objects. Total size = 960 bytes.`
    pub title: String,
    /// heapy's relation header, e.g. `Kind (class / dict of class)`.
    pub header: String,
    pub count: u64,
    pub size: u64,
    /// Number of rows in the whole partition.
    pub total_rows: u64,
    /// First row returned (rows `offset..offset + rows.len()`).
    pub offset: u64,
    pub rows: Vec<PartitionRow>,
    pub breadcrumbs: Vec<Breadcrumb>,
}

/// The one JSON shape of every error the API returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable code: `not_found`, `bad_query`, `bad_request`, `bad_snapshot`, `internal`.
    pub code: String,
    /// Human-readable explanation naming the problem.
    pub message: String,
    /// For query errors: the byte offset in the query where the problem is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
}
