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
//! * `GET /api/snapshots/{id}/objects/{addr}?limit=N` → [`ObjectView`] (`addr` is hex, `0x7f...`)
//! * `GET /api/snapshots/{id}/graph?q=QUERY&expand=Q1&expand=Q2&k=12` → [`GraphView`]
//! * `GET /api/snapshots/{id}/treemap?q=QUERY&by=R1&then=R2&limit=200&child_limit=50` → [`TreemapView`]
//! * `GET /api/snapshots/{id}/shpaths?q=QUERY` → heapy's `shpaths` text (`text/plain`)
//! * `GET /api/snapshots/{id}/retained?q=QUERY&by=RELATION&rows=0,1` → [`RetainedView`]
//! * `GET /api/snapshots/{id}/domtree?q=QUERY|addr=ADDR&offset=N&limit=N` → [`DomTreeView`]
//! * `GET /api/snapshots/{id}/treemap?...&measure=retained` → [`TreemapView`] sized by retained size

//! * `GET /api/diff?a=ID&b=ID&by=RELATION&qa=QUERY&qb=QUERY&offset=N&limit=N&all=BOOL` → [`DiffView`]
//! * `GET /api/snapshots/{id}/disjoint?qa=QUERY&qb=QUERY` → [`DisjointView`]

//! * `GET /api/identity?a=ID&b=ID&by=RELATION&side=new|gone` → [`PartitionView`] of B's
//!   objects not in A (`new`) or A's objects not in B (`gone`), two captures of one process
//! * `GET /api/snapshots/{id}/rebase?q=QUERY&to=heapnew|heap|toggle` → [`RebasedQuery`]

//! * `GET /api/snapshots/{id}/rp?q=QUERY&depth=N&limit=N` → [`RpView`] (heapy's reference pattern)

use serde::{Deserialize, Serialize};

mod access;
mod diff;
mod identity;
mod retained;
mod rp;
mod series;
pub use access::{LoginRequest, SessionInfo, ShareLink, ShareRequest};
pub use diff::{DiffRowView, DiffView, DisjointView};
pub use identity::{RebasedQuery, ReferenceInfo};
pub use retained::{DomNodeView, DomTreeView, RetainedRow, RetainedView};
pub use rp::{RpLineView, RpView};
pub use series::{PackageRow, PackageView, SeriesInfo, SeriesList, SeriesSample, SeriesView};

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
    /// The row's object (`0x7f..`) when rows are objects (`byid`, `byidset`), for the inspector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
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
    /// With a `filter`: the number of rows whose label matches it. `offset`, the returned
    /// rows and their order are then those of the matching rows (each keeps its `index`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_rows: Option<u64>,
    /// First row returned (rows `offset..offset + rows.len()`).
    pub offset: u64,
    pub rows: Vec<PartitionRow>,
    pub breadcrumbs: Vec<Breadcrumb>,
}

/// One object up close (the page's inspector).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectView {
    pub snapshot: String,
    /// The object's address, `0x` and lowercase hex (`0x0` is the root, `hp.Root`).
    pub addr: String,
    /// heapy's type label, e.g. `dict`, `__main__.Node`.
    pub type_name: String,
    /// heapy's kind (clodo), e.g. `dict of __main__.Node`.
    pub kind: String,
    pub size: u64,
    /// What deleting the references to this object would free, itself included (its
    /// dominator subtree's size; heapy's `domisize`). 0 when the root does not reach it.
    pub retained: u64,
    /// heapy's brief, e.g. `list: 0x7f..*3`.
    pub brief: String,
    /// The value the capture recorded (`'abc'`, `42`, `m.f`), if any.
    pub preview: Option<String>,
    /// Whether the root reaches the object (`false`: it is in heapu's world).
    pub reachable: bool,
    /// The objects it refers to, in its edge order.
    pub referents: ObjectEdges,
    /// The objects that refer to it (reachable ones and the root, for a reachable object),
    /// by ascending object number.
    pub referrers: ObjectEdges,
    pub shpaths: ShortestPaths,
}

/// The first edges of one direction of an object, and how many there are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectEdges {
    pub total: u64,
    pub items: Vec<ObjectEdge>,
}

/// One edge from or to the inspected object, and the object at its other end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectEdge {
    /// heapy's edge name: `.__dict__`, `['key']`, `[3]`, `.keys()[0]`, `list(_)[2]`, `.??`.
    pub name: String,
    pub addr: String,
    pub brief: String,
    pub kind: String,
    pub size: u64,
}

/// heapy's shortest paths from the root (`hp.Root`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortestPaths {
    /// The number of shortest paths (saturating at 2^64 - 1).
    pub total: u64,
    /// The paths `text` numbers (heapy's first 10, or all 11), each a list of steps from
    /// the root.
    pub paths: Vec<Vec<PathStep>>,
    /// heapy's lines, e.g. ` 0: hp.Root.i0_modules['__main__'].__dict__['x']`, then
    /// `<... N more paths ...>` if cut; one `<No path: ...>` line when the root does not
    /// reach the object.
    pub text: Vec<String>,
}

/// One step of a path: the edge taken and the object reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathStep {
    pub name: String,
    pub addr: String,
    pub brief: String,
}

/// The referrer graph of a set: kinds of referrers as nodes, unfolded on demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphView {
    pub snapshot: String,
    /// The current set's query, normalised.
    pub query: String,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// Whether nodes were left out (the graph holds at most 500).
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphNode {
    /// The node's id: its query.
    pub id: String,
    /// The query selecting the node's set, e.g. `heap.byclodo[0].referrers.byclodo["list"]`.
    pub query: String,
    /// The kind of its members (for the current set: its last breadcrumb).
    pub label: String,
    pub count: u64,
    pub size: u64,
    /// Steps away from the current set (0 for it).
    pub depth: u32,
    pub current: bool,
    /// Whether its referrers are in the graph.
    pub expanded: bool,
}

/// References from the members of node `from` to those of node `to` (node ids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    pub count: u64,
    /// The commonest edge names (at most three), most first.
    pub via: Vec<ViaCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViaCount {
    /// heapy's edge name, e.g. `.__dict__`, `['cache']`, `[3]`.
    pub name: String,
    pub count: u64,
}

/// A set partitioned by `relation`, each of the largest rows partitioned again by `then`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreemapView {
    pub snapshot: String,
    pub query: String,
    pub relation: String,
    pub then: Option<String>,
    pub count: u64,
    pub size: u64,
    pub cells: Vec<TreemapCell>,
    /// The rows beyond `limit`, aggregated.
    pub other: Option<TreemapOther>,
}

/// One rectangle: a row of the partition, or (in `children`) of a row's partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreemapCell {
    pub label: String,
    pub count: u64,
    pub size: u64,
    /// The row's index in its partition.
    pub index: u32,
    /// The query selecting the cell: `Q.byR1[i]`, or `Q.byR1[i].byR2[j]` for a child.
    pub query: String,
    pub children: Vec<TreemapCell>,
    /// The children beyond `child_limit`, aggregated.
    pub other: Option<TreemapOther>,
    /// The row's retained size (`domisize`), when the treemap is sized by it (`measure=retained`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retained: Option<u64>,
}

/// Rows aggregated instead of shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreemapOther {
    pub rows: u64,
    pub count: u64,
    pub size: u64,
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
