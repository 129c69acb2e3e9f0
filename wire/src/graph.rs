//! Wire types of the referrer graph: kinds of referrers as nodes, references with via counts as edges.

use serde::{Deserialize, Serialize};

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
