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
//! * `POST /api/snapshots/{id}/share` ([`ShareRequest`]) → [`ShareLink`]; `GET
//!   /api/snapshots/{id}/shares` → [`ShareLinks`]; `DELETE /api/shares/{link}` → 204
//! * `GET /api/status` → [`ServerStatus`] (analyses running, cancelled, over budget; the
//!   answer cache)

use serde::{Deserialize, Serialize};

// one file per feature, named as the server's folders
mod access;
mod diff;
mod graph;
mod identity;
mod object;
mod partition;
mod retained;
mod rp;
mod series;
mod store;
mod treemap;
pub use access::{LoginRequest, SessionInfo, ShareLink, ShareLinks, ShareRequest};
pub use diff::{DiffRowView, DiffView, DisjointView};
pub use graph::{GraphEdge, GraphNode, GraphView, ViaCount};
pub use identity::{RebasedQuery, ReferenceInfo};
pub use object::{ObjectEdge, ObjectEdges, ObjectView, PathStep, ShortestPaths};
pub use partition::{Breadcrumb, PartitionRow, PartitionView, RelationInfo, RelationList};
pub use retained::{DomNodeView, DomTreeView, RetainedRow, RetainedView};
pub use rp::{RpLineView, RpView};
pub use series::{PackageRow, PackageView, SeriesInfo, SeriesList, SeriesSample, SeriesView};
pub use store::{FailedSnapshot, SnapshotInfo, SnapshotList, SnapshotPatch, StoreMeta};
pub use treemap::{TreemapCell, TreemapOther, TreemapView};

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

/// `GET /api/status`: what the server is doing (work limits, answers cached).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerStatus {
    /// The work budget of one analysis, in seconds (`--work-budget`).
    pub work_budget_s: f64,
    /// Analyses run at most this many at a time (the cores, at least two).
    pub analysis_slots: u64,
    /// Analyses running now.
    pub analyses_running: u64,
    /// Requests waiting for an analysis slot now.
    pub analyses_waiting: u64,
    /// Analyses finished (answered, or stopped) since the start.
    pub analyses_done: u64,
    /// Analyses stopped because their client went away.
    pub analyses_cancelled: u64,
    /// Analyses stopped by the work budget (answered 503 `budget_exceeded`).
    pub analyses_over_budget: u64,
    /// Snapshots read and indexed again after the memory budget unloaded them.
    pub cold_loads: u64,
    /// The cache of identical answers, over every loaded heap.
    pub answers: AnswerCacheStatus,
}

/// The answer cache's figures (hits and misses since the start; entries and bytes now).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnswerCacheStatus {
    pub hits: u64,
    pub misses: u64,
    pub entries: u64,
    pub bytes: u64,
    /// The bound on `bytes` per loaded heap.
    pub max_bytes_per_heap: u64,
}
