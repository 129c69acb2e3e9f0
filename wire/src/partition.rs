//! Wire types of partitions: the relations, a partition's rows and the query path's breadcrumbs.

use serde::{Deserialize, Serialize};

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
