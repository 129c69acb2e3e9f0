//! Wire types of heapy's reference pattern: `GET /api/snapshots/{id}/rp?q=QUERY&depth=N&limit=N` → [`RpView`].

use serde::{Deserialize, Serialize};

/// heapy's `rp` of a query's set: the lines as a tree, and heapy's printout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RpView {
    pub snapshot: String,
    /// The query of line 0's set, normalised.
    pub query: String,
    /// The depth limit (heapy's default is 7).
    pub depth: u32,
    /// Lines in heapy's order (depth first); line `i` is `lines[i]`.
    pub lines: Vec<RpLineView>,
    /// False when the pattern has more lines than `limit` and the list stops there.
    pub complete: bool,
    /// heapy's `str(hp.iso(...).rp)`: the label and its first page of lines.
    pub text: String,
}

/// One line of a reference pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RpLineView {
    /// heapy's line name: `_`, `a`, `ab`, `a3` (one letter per level).
    pub name: String,
    pub depth: u32,
    /// The line whose referrers this line is a row of (`None` for line 0).
    pub parent: Option<u32>,
    /// `[^ N]`, `[R]`, `[S]`, `[-]` or `[+]`.
    pub marker: String,
    /// For `[^ N]`: N, the first line with the same set.
    pub seen: Option<u32>,
    pub count: u64,
    pub size: u64,
    /// The kind label (`dict of module`); `guppy.heapy.heapyc.RootStateType` for heapy's root.
    pub kind: String,
    /// The query selecting this line's set (`None` for heapy's root).
    pub set_query: Option<String>,
    /// The first members as the kind renders them (`0x7f..*3`, `'abc'`, `__main__`), with
    /// more room than heapy's 80-column line.
    pub members: String,
    /// heapy's text of the line.
    pub text: String,
}
