//! The loaded snapshot: flat columns per object, CSR edge arrays, string and type tables,
//! the capture's metadata, and edge names ([`EdgeName`], as the file encodes them).

use crate::heap::ids::{ObjId, StrId, TypeId, NONE};
use serde::Deserialize;

/// The capture's metadata (the `META` section). Unknown keys are kept in `raw`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Meta {
    pub agent: String,
    pub python: String,
    pub python_version: Vec<u32>,
    pub implementation: String,
    pub platform: String,
    pub pid: u64,
    pub argv: Vec<String>,
    pub hostname: String,
    pub executable: String,
    pub time: f64,
    pub duration_s: f64,
    pub name: Option<String>,
    pub materialized_dicts: u64,
    /// The capturing process's identity (agents since setref support; `None` in older files).
    pub process: Option<ProcessIdentity>,
    /// This capture's number among the process's captures (dumps and setrefs), from 1.
    pub capture_seq: Option<u64>,
    /// The reference point set by `heaplens.setref()` before this capture, if any.
    pub reference: Option<ReferencePoint>,
    /// When the captured process started, Unix seconds (snapshots of one process share it).
    pub process_start: Option<f64>,
    #[serde(skip)]
    pub raw: serde_json::Value,
}

/// Who captured a snapshot: a random token per agent import, the pid and the agent's
/// import time (`META.process`). Two snapshots come from one process iff all three agree.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ProcessIdentity {
    pub token: String,
    pub pid: u64,
    pub started: f64,
}

/// The reference point a capture was taken after (`META.reference`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReferencePoint {
    /// The setref's capture number: objects first seen at or before it existed then.
    pub seq: u64,
    /// When setref ran, Unix seconds.
    pub time: f64,
    /// How many objects the reference point recorded.
    pub objects: u64,
}

/// The string table: one buffer and offsets, no allocation per string.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    data: String,
    ends: Vec<usize>,
}

impl Strings {
    /// Appends a string and returns its id.
    pub fn push(&mut self, s: &str) -> StrId {
        self.data.push_str(s);
        self.ends.push(self.data.len());
        StrId(self.ends.len() as u32 - 1)
    }

    pub fn get(&self, id: StrId) -> &str {
        let end = self.ends[id.idx()];
        let start = if id.0 == 0 { 0 } else { self.ends[id.idx() - 1] };
        &self.data[start..end]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The id of the first string equal to `s`, if any (linear: for setup, not hot paths).
    pub fn find(&self, s: &str) -> Option<StrId> {
        (0..self.ends.len() as u32).map(StrId).find(|&id| self.get(id) == s)
    }
}

/// One entry of the type table.
#[derive(Debug, Clone, Copy)]
pub struct TypeEntry {
    /// The type's own object, if it is in the heap.
    pub object: Option<ObjId>,
    /// heapy's type label.
    pub label: StrId,
}

/// A whole snapshot in flat arrays. Object 0 is the root. Immutable once read.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub meta: Meta,
    /// Address (`id()`) per object.
    pub addr: Vec<u64>,
    /// Type per object (`NONE` for the root).
    pub ty: Vec<u32>,
    /// `sys.getsizeof` per object.
    pub size: Vec<u64>,
    /// CSR: object i's edges are `edge_start[i]..edge_start[i + 1]`.
    pub edge_start: Vec<u32>,
    pub edge_target: Vec<u32>,
    /// Encoded [`EdgeName`] per edge.
    pub edge_name: Vec<u32>,
    pub strings: Strings,
    pub types: Vec<TypeEntry>,
    /// `__name__` of module objects, sorted by object.
    pub module_names: Vec<(ObjId, StrId)>,
    /// Value previews (`prev`), sorted by object.
    pub previews: Vec<(ObjId, StrId)>,
    /// Allocation sites `file:line` (`prod`), sorted by object.
    pub producers: Vec<(ObjId, StrId)>,
    /// heapy's `heapu`: GC-tracked objects the root does not reach (`unrc`), sorted.
    pub unreachable: Vec<u32>,
    /// Per object, the capture number since which the agent has seen it (`seen`); the
    /// root is 0. Empty in files without the section.
    pub first_seen: Vec<u32>,
}

fn lookup(pairs: &[(ObjId, StrId)], o: ObjId) -> Option<StrId> {
    pairs.binary_search_by_key(&o, |&(m, _)| m).ok().map(|i| pairs[i].1)
}

impl Snapshot {
    pub fn object_count(&self) -> usize {
        self.addr.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edge_target.len()
    }

    /// The type of an object; `None` for the root.
    #[inline]
    pub fn type_of(&self, o: ObjId) -> Option<TypeId> {
        let t = self.ty[o.idx()];
        (t != NONE).then_some(TypeId(t))
    }

    pub fn type_label(&self, t: TypeId) -> &str {
        self.strings.get(self.types[t.idx()].label)
    }

    /// The edge index range of an object's outgoing edges.
    #[inline]
    pub fn edges_of(&self, o: ObjId) -> std::ops::Range<usize> {
        self.edge_start[o.idx()] as usize..self.edge_start[o.idx() + 1] as usize
    }

    /// The targets of an object's outgoing edges.
    #[inline]
    pub fn referents(&self, o: ObjId) -> &[u32] {
        &self.edge_target[self.edges_of(o)]
    }

    /// The decoded name of edge `e` (validated by the reader).
    #[inline]
    pub fn edge_name(&self, e: usize) -> EdgeName {
        EdgeName::decode(self.edge_name[e]).expect("edge names are validated on read")
    }

    /// Renders an edge name as heapy prints it.
    pub fn edge_name_text(&self, e: usize) -> String {
        let mut s = String::new();
        self.edge_name(e).write_to(&self.strings, &mut s);
        s
    }

    /// The `__name__` of a module object.
    pub fn module_name(&self, o: ObjId) -> Option<&str> {
        lookup(&self.module_names, o).map(|s| self.strings.get(s))
    }

    /// The value preview the agent recorded for an object (see `docs/format.md`, `prev`).
    pub fn preview(&self, o: ObjId) -> Option<&str> {
        lookup(&self.previews, o).map(|s| self.strings.get(s))
    }

    /// The allocation site (`file:line`) tracemalloc recorded for an object.
    pub fn producer(&self, o: ObjId) -> Option<&str> {
        lookup(&self.producers, o).map(|s| self.strings.get(s))
    }
}

const NAME_TAG_SHIFT: u32 = 29;
const NAME_PAYLOAD: u32 = (1 << NAME_TAG_SHIFT) - 1;

/// A decoded edge name: heapy's via label of one reference.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum EdgeName {
    /// The whole name is a string of the string table (`.__dict__`, `['key']`, `->ob_type`).
    Str(StrId),
    /// `[i]`: list or tuple item.
    Index(u32),
    /// `.keys()[i]`: dict key at position i.
    Key(u32),
    /// `list(_)[i]`: set member number i.
    Member(u32),
}

impl EdgeName {
    /// Decodes the 32-bit form; `None` for a reserved tag.
    pub fn decode(raw: u32) -> Option<EdgeName> {
        let payload = raw & NAME_PAYLOAD;
        match raw >> NAME_TAG_SHIFT {
            0 => Some(EdgeName::Str(StrId(payload))),
            1 => Some(EdgeName::Index(payload)),
            2 => Some(EdgeName::Key(payload)),
            3 => Some(EdgeName::Member(payload)),
            _ => None,
        }
    }

    /// Encodes to the 32-bit form; `None` if the payload does not fit in 29 bits.
    pub fn encode(self) -> Option<u32> {
        let (tag, payload) = match self {
            EdgeName::Str(s) => (0, s.0),
            EdgeName::Index(i) => (1, i),
            EdgeName::Key(i) => (2, i),
            EdgeName::Member(i) => (3, i),
        };
        (payload <= NAME_PAYLOAD).then_some((tag << NAME_TAG_SHIFT) | payload)
    }

    /// Renders the name the way heapy prints it, writing into `out`.
    pub fn write_to(self, strings: &Strings, out: &mut String) {
        use std::fmt::Write;
        match self {
            EdgeName::Str(s) => out.push_str(strings.get(s)),
            EdgeName::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            EdgeName::Key(i) => {
                let _ = write!(out, ".keys()[{i}]");
            }
            EdgeName::Member(i) => {
                let _ = write!(out, "list(_)[{i}]");
            }
        }
    }
}
