//! heaplens engine: loads heaplens snapshots into flat arrays and answers heapy's questions.
//!
//! Layers, bottom up (a module imports only from its own layer or below; `README.md` here
//! lists the files):
//! 1. [`heap`]: the loaded heap — ids, sets, the [`Snapshot`]'s flat columns and CSR edges,
//!    reverse edges, heapy's kinds, rcs/via classes, the `byid` order, the dominator tree,
//!    the reference point's `heapnew`/`heapref`, and [`Heap`], which indexes a snapshot once and is immutable afterwards;
//!    [`work`]: the cancel flag and time budget the long analyses check.
//! 2. [`format`]: bytes in and out — the snapshot file (`docs/format.md`) and saved indexes.
//! 3. [`partition`]: the relations (heapy's classifiers and their labels) and partitions of
//!    any [`ObjSet`] by a [`Relation`] in heapy's row order.
//! 4. heapy's text: [`render`] (tables), [`textwrap`], [`heapydump`] (dump files).
//! 5. [`retained`]: heapy's `dominos`/`domisize`/`imdom` of any set, the dominator tree as a
//!    view ([`retained::domtree`]).
//! 6. [`query`]: heapy-like expressions (`heap.byclodo[2].bytype`), parsed and evaluated.
//! 7. one module per analysis, named as the server's feature folders: [`object`] (one object,
//!    and [`object::paths`], heapy's shortest paths), [`rp`], [`graph`] (the referrer graph
//!    by kind), [`treemap`], [`diff`], [`identity`]
//!    (two captures of one process; heapy's `setref`), [`series`], [`redact`]; and helpers
//!    for tests and benchmarks ([`testing`], [`synth`]).
//!
//! This crate depends on no web framework, async runtime or UI crate and builds for wasm32.

pub mod diff;
pub mod format;
pub mod graph;
pub mod heap;
pub mod heapydump;
pub mod identity;
pub mod object;
pub mod partition;
pub mod query;
pub mod redact;
pub mod render;
pub mod retained;
pub mod rp;
pub mod series;
pub mod synth;
pub mod testing;
pub mod textwrap;
pub mod treemap;
pub mod work;

pub use format::{read_snapshot, FormatError, SnapshotWriter};
pub use heap::ids::{KindId, ObjId, StrId, TypeId};
pub use heap::set::ObjSet;
pub use heap::snapshot::{Meta, Snapshot};
pub use heap::Heap;
pub use partition::{Partition, Relation, Row};
pub use query::{Query, QueryError};
