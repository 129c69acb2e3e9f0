//! Wire types of one object (the inspector): its edges both ways and shortest paths from the root.

use serde::{Deserialize, Serialize};

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
