//! Wire types of heapy's `A.diff(B)` (`GET /api/diff`) and `A.disjoint(B)`.

use serde::{Deserialize, Serialize};

/// heapy's `A.diff(B)`: set `qa` of snapshot `a` minus set `qb` of snapshot `b`, rows
/// matched by label under `relation`, largest absolute size difference first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffView {
    /// Snapshot ids of A and B.
    pub a: String,
    pub b: String,
    /// The queries of A's and B's sets, normalised.
    pub qa: String,
    pub qb: String,
    pub relation: String,
    /// heapy's kind header, e.g. `Kind (class / dict of class)`.
    pub header: String,
    pub a_count: u64,
    pub a_size: u64,
    pub b_count: u64,
    pub b_size: u64,
    /// A's count and size minus B's.
    pub count: i64,
    pub size: i64,
    /// heapy's `% of B` of the size difference (`-1.58`, `1.23e+05`), or `(n.a.)` when B is empty.
    pub pct_of_b: String,
    /// Number of rows in the whole diff.
    pub total_rows: u64,
    /// First row returned (rows `offset..offset + rows.len()`).
    pub offset: u64,
    pub rows: Vec<DiffRowView>,
    /// heapy's text of `str(A.diff(B))` (the first ten rows, unless `all=true`).
    pub text: String,
}

/// One row of a diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffRowView {
    pub index: u32,
    pub label: String,
    /// A's count minus B's, and each side's count (0 when that side has no such row).
    pub count: i64,
    pub count_a: u64,
    pub count_b: u64,
    /// A's size minus B's, and each side's size.
    pub size: i64,
    pub size_a: u64,
    pub size_b: u64,
    /// Sum of the size differences of the rows up to this one.
    pub cumulative: i64,
    /// heapy's `% of B` of `cumulative`, or `(n.a.)`.
    pub pct_of_b: String,
    /// The query of the row's set in A (`qa.byREL["label"]`), when A has the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_a: Option<String>,
    /// The query of the row's set in B, when B has the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_b: Option<String>,
}

/// heapy's `A.disjoint(B)` for two sets of one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisjointView {
    pub snapshot: String,
    pub qa: String,
    pub qb: String,
    /// Whether the sets share no object.
    pub disjoint: bool,
}
