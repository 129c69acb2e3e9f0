//! heaplens engine: loads heaplens snapshots into flat arrays and answers heapy's questions.
//!
//! Bird's-eye view: [`format`] reads (and, for tests and generators, writes) the snapshot
//! file format described in `docs/format.md` into a [`Snapshot`] of flat columns and CSR
//! edge arrays. [`Heap`] indexes a snapshot once (reachability, heapy's default kind per
//! object) and is immutable afterwards. [`partition`] groups any [`ObjSet`] by a
//! [`Relation`] in heapy's row order, [`query`] parses and evaluates heapy-like
//! expressions (`heap.byclodo[2].bytype`), and [`render`] prints heapy's exact text.
//!
//! This crate depends on no web framework, async runtime or UI crate and builds for wasm32.

pub mod brief;
pub mod classes;
pub mod format;
pub mod heap;
pub mod ids;
pub mod kinds;
pub mod partition;
pub mod pyrepr;
pub mod query;
pub mod render;
pub mod set;
pub mod snapshot;
pub mod synth;
pub mod testing;
pub mod textwrap;

pub use format::{read_snapshot, FormatError, SnapshotWriter};
pub use heap::Heap;
pub use ids::{KindId, ObjId, StrId, TypeId};
pub use partition::{Partition, Relation, Row};
pub use query::{Query, QueryError};
pub use set::ObjSet;
pub use snapshot::{Meta, Snapshot};
