//! Wire types of the treemap: a partition's rows as cells, each optionally partitioned again.

use serde::{Deserialize, Serialize};

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
