//! Reference points (`heaplens.setref()`) and identity diffs: wire types.

use serde::{Deserialize, Serialize};

/// A snapshot's reference point: when it was set and what is new since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceInfo {
    /// The setref's capture number in the process.
    pub seq: u64,
    /// When setref ran, Unix seconds.
    pub time: f64,
    /// Objects of `heap` created since the reference point (`heapnew`).
    pub new_objects: u64,
    /// Their total size.
    pub new_size: u64,
}

/// A query moved to the other side of the reference point (`/rebase`): every `heap` made
/// `heapnew` or back, rows picked by label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RebasedQuery {
    pub query: String,
    /// Whether `query` uses `heapnew`.
    pub heapnew: bool,
}
