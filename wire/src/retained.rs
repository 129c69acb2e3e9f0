//! Wire types of retained sizes: the table's retained column and the dominator tree view.

use serde::{Deserialize, Serialize};

/// `GET /api/snapshots/{id}/retained?q=QUERY&by=RELATION&rows=0,1,2`: the retained size
/// (heapy's `domisize`) of some rows of a partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetainedView {
    pub snapshot: String,
    pub query: String,
    pub relation: String,
    /// The size of the whole reachable heap (for percentages).
    pub heap_size: u64,
    pub rows: Vec<RetainedRow>,
}

/// One row's retained size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RetainedRow {
    pub index: u64,
    pub retained: u64,
}

/// `GET /api/snapshots/{id}/domtree?q=QUERY` (the set's members no other member dominates)
/// or `?addr=0x...` (the objects that object immediately dominates), `&offset=N&limit=N`:
/// one level of the dominator tree, largest retained size first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomTreeView {
    pub snapshot: String,
    /// The set's query (for `q`), or `@ADDR` (for `addr`).
    pub query: String,
    /// The object whose children these are (for `addr`).
    pub parent: Option<DomNodeView>,
    pub heap_size: u64,
    pub total: u64,
    pub offset: u64,
    pub nodes: Vec<DomNodeView>,
    /// Nodes not listed, and their retained sizes summed.
    pub rest_count: u64,
    pub rest_retained: u64,
}

/// One object of the dominator tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomNodeView {
    pub addr: String,
    pub kind: String,
    /// heapy's one-line description (heap data: show as text).
    pub brief: String,
    pub size: u64,
    pub retained: u64,
    /// How many objects it immediately dominates.
    pub children: u64,
}
