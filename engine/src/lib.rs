//! heaplens engine: loads heaplens snapshots into flat arrays and answers heapy's questions.
//!
//! Bird's-eye view: [`format`] reads (and, for tests and generators, writes) the snapshot
//! file format described in `docs/format.md` into a [`Snapshot`] of flat columns and CSR
//! edge arrays. [`Heap`] indexes a snapshot once (reachability, heapy's default kind per
//! object) and is immutable afterwards. [`partition`] groups any [`ObjSet`] by a
//! [`Relation`] in heapy's row order, [`query`] parses and evaluates heapy-like
//! expressions (`heap.byclodo[2].bytype`), and [`render`] prints heapy's exact text.
//! For one object or set, [`inspect`] gathers the inspector's facts, [`paths`] finds heapy's
//! shortest paths from the root, [`refgraph`] groups referrers into a graph by kind, and
//! [`treemap`] makes two-level partitions for a treemap.
//!
//! This crate depends on no web framework, async runtime or UI crate and builds for wasm32.

pub mod brief;
pub mod classes;
pub mod diff;
pub mod dominators;
pub mod domtree;
pub mod format;
pub mod heap;
pub mod heapydump;
pub mod identity;
pub mod idorder;
pub mod ids;
pub mod index_file;
pub mod inspect;
pub mod kinds;
pub mod partition;
pub mod paths;
pub mod pyrepr;
pub mod query;
pub mod redact;
pub mod refgraph;
pub mod refpoint;
pub mod render;
pub mod retained;
pub mod rp;
pub mod series;
pub mod set;
pub mod snapshot;
pub mod synth;
pub mod testing;
pub mod textwrap;
pub mod treemap;

pub use format::{read_snapshot, FormatError, SnapshotWriter};
pub use heap::Heap;
pub use ids::{KindId, ObjId, StrId, TypeId};
pub use partition::{Partition, Relation, Row};
pub use query::{Query, QueryError};
pub use set::ObjSet;
pub use snapshot::{Meta, Snapshot};
