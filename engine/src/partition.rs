//! Partitions of a set by a relation (heapy's `.byclodo`, `.byrcs`, `.byvia`, ...), in
//! heapy's row order: total size descending, then label ascending.
//!
//! Every relation maps an object to a class key in O(1) from arrays computed at load
//! (kinds, rcs and via classes, type, size, ...). Relations with few classes count into a
//! dense array; the others into a hash map. Labels are made once per row, not per object.

use crate::heap::brief::brief;
use crate::heap::idorder::IdMode;
use crate::heap::ids::{ObjId, NONE};
use crate::heap::set::ObjSet;
use crate::heap::Heap;
use std::collections::HashMap;

/// heapy's equivalence relations, by the name heapy gives them (`.by<name>`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Class, or dict of class: heapy's default kind.
    Clodo,
    /// The object's type.
    Type,
    /// The kinds of the object's referrers.
    Rcs,
    /// The names of the edges the object is referred via.
    Via,
    /// The object's individual size.
    Size,
    /// Module objects by name; everything else `~module`.
    Module,
    /// One row per object (heapy's `byid`, its own table format).
    Id,
    /// One row per object, in a normal partition table.
    Idset,
    /// Everything in one row.
    Unity,
    /// The line that allocated the object (tracemalloc).
    Prod,
}

impl Relation {
    pub const ALL: [Relation; 10] = [
        Relation::Clodo,
        Relation::Type,
        Relation::Rcs,
        Relation::Via,
        Relation::Size,
        Relation::Module,
        Relation::Id,
        Relation::Idset,
        Relation::Unity,
        Relation::Prod,
    ];

    /// The name used in queries (`.byclodo`) and URLs (`by=clodo`).
    pub fn name(self) -> &'static str {
        match self {
            Relation::Clodo => "clodo",
            Relation::Type => "type",
            Relation::Rcs => "rcs",
            Relation::Via => "via",
            Relation::Size => "size",
            Relation::Module => "module",
            Relation::Id => "id",
            Relation::Idset => "idset",
            Relation::Unity => "unity",
            Relation::Prod => "prod",
        }
    }

    pub fn parse(name: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.name() == name)
    }

    /// heapy's column header for this relation (for `id`, the header of mixed sets).
    pub fn header(self) -> &'static str {
        match self {
            Relation::Clodo => "Kind (class / dict of class)",
            Relation::Type => "Type",
            Relation::Rcs => "Referrers by Kind (class / dict of class)",
            Relation::Via => "Referred Via:",
            Relation::Size => "Individual Size",
            Relation::Module => "Module",
            Relation::Id => "Brief",
            Relation::Idset => "by identity set",
            Relation::Unity => "<unclassified>",
            Relation::Prod => "Producer (line of allocation)",
        }
    }

    /// A short explanation, like heapy's `.doc`.
    pub fn doc(self) -> &'static str {
        match self {
            Relation::Clodo => "heapy's default: objects by class, except that a dict owned by an object (its __dict__) is classified as 'dict of' the owner's class, and a dict with no owner as 'dict (no owner)'.",
            Relation::Type => "Objects by their exact type (type(obj)); all dicts fall in one 'dict' row.",
            Relation::Rcs => "Referrer classification: objects by the set of kinds (clodo) of the objects that refer to them. Shows who holds what: 'dict of __main__.Cache' means held only from Cache instances' attributes.",
            Relation::Via => "Objects by the names of the references that point at them: attribute names ('.x'), dict keys (\"['key']\"), indices ('[3]'), dict key positions ('.keys()[0]').",
            Relation::Size => "Objects by their individual size in bytes (sys.getsizeof), one row per distinct size.",
            Relation::Module => "Module objects by their __name__; every object that is not a module falls in one '~module' row.",
            Relation::Id => "One row per object, with heapy's brief of it (value, name, address and length).",
            Relation::Idset => "One row per object, as a partition table (heapy's byidset).",
            Relation::Unity => "Everything in one row: the set's totals.",
            Relation::Prod => "Objects by the source line that allocated them (tracemalloc must have been tracing when the snapshot was taken; otherwise every object is 'unknown').",
        }
    }
}

/// One row: the members of the set in one class of the relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub count: u64,
    pub size: u64,
    pub label: String,
    key: u64,
}

impl Row {
    /// A row with no class key (for building tables in tests and renderers).
    pub fn new(count: u64, size: u64, label: String) -> Row {
        Row { count, size, label, key: u64::MAX }
    }
}

/// A set partitioned by a relation; rows in heapy's order (size descending, then label).
#[derive(Debug, Clone)]
pub struct Partition {
    pub relation: Relation,
    pub count: u64,
    pub size: u64,
    rows: Rows,
}

/// The rows of a partition.
#[derive(Debug, Clone)]
enum Rows {
    /// One labelled row per class.
    Classes(Vec<Row>),
    /// One row per object (`byid`, `byidset`), in heapy's order: the object numbers only,
    /// labels are made for the rows asked for (a 10M-object heap has 10M rows).
    Objects {
        ids: Vec<u32>,
        /// Whether all members share one kind (`byid` rows then show the render alone).
        single_kind: bool,
    },
}

/// The class key of one object under a relation.
#[inline]
fn key_of(heap: &Heap, rel: Relation, o: ObjId) -> u64 {
    let s = &heap.snap;
    match rel {
        Relation::Clodo => heap.kinds.of(o).map_or(NONE as u64, |k| k.0 as u64),
        Relation::Type => s.ty[o.idx()] as u64,
        Relation::Rcs => heap.rcs().of[o.idx()] as u64,
        Relation::Via => heap.via().of[o.idx()] as u64,
        Relation::Size => s.size[o.idx()],
        Relation::Module | Relation::Prod => unreachable!("module and prod keys come from keys()"),
        Relation::Id | Relation::Idset => o.0 as u64,
        Relation::Unity => 0,
    }
}

/// The class key of every member of `set`, in set order. Relations whose key comes from a
/// sorted side table (module names, allocation sites) walk it in step with the sorted set
/// instead of searching it per object.
fn keys<'a>(heap: &'a Heap, rel: Relation, set: &'a ObjSet) -> Box<dyn Iterator<Item = (ObjId, u64)> + 'a> {
    let side = match rel {
        Relation::Module => Some((&heap.snap.module_names, true)),
        Relation::Prod => Some((&heap.snap.producers, false)),
        _ => None,
    };
    match side {
        None => Box::new(set.iter().map(move |o| (o, key_of(heap, rel, o)))),
        Some((pairs, by_object)) => {
            let mut i = 0;
            Box::new(set.iter().map(move |o| {
                while i < pairs.len() && pairs[i].0 < o {
                    i += 1;
                }
                let key = match pairs.get(i) {
                    // a module's class is its entry in the module table; a site's, its string
                    Some(&(m, text)) if m == o => {
                        if by_object {
                            i as u64
                        } else {
                            text.0 as u64
                        }
                    }
                    _ => NONE as u64,
                };
                (o, key)
            }))
        }
    }
}

/// Sizes below this count into a dense array; larger ones into a hash map.
const DENSE_SIZES: u64 = 1 << 16;

/// The number of classes when it is small enough to count densely.
fn dense_classes(heap: &Heap, rel: Relation, set_len: usize) -> Option<usize> {
    let n = match rel {
        Relation::Clodo => heap.kinds.len(),
        Relation::Type => heap.snap.types.len(),
        Relation::Rcs => heap.rcs().len(),
        Relation::Via => heap.via().len(),
        Relation::Unity => 1,
        Relation::Size => DENSE_SIZES as usize,
        Relation::Module => heap.snap.module_names.len(),
        Relation::Prod => heap.snap.strings.len(),
        _ => return None,
    };
    // A dense array of many classes for a small set costs more than it saves.
    (n <= set_len.max(1024)).then_some(n)
}

fn label_of(heap: &Heap, rel: Relation, key: u64) -> String {
    let s = &heap.snap;
    match rel {
        Relation::Clodo | Relation::Type if key == NONE as u64 => crate::heap::classes::ROOT_KIND.to_owned(),
        Relation::Clodo => heap.kinds.label(crate::KindId(key as u32)).to_owned(),
        Relation::Type => s.type_label(crate::TypeId(key as u32)).to_owned(),
        Relation::Rcs => heap.rcs_label(key as u32),
        Relation::Via => heap.via_label(key as u32),
        Relation::Size => format!("{key:9}"),
        Relation::Module if key == NONE as u64 => "~module".to_owned(),
        Relation::Module => s.strings.get(s.module_names[key as usize].1).to_owned(),
        Relation::Id | Relation::Idset => unreachable!("per-object rows are labelled by Partition::row"),
        Relation::Unity => "<Anything>".to_owned(),
        Relation::Prod if key == NONE as u64 => "unknown".to_owned(),
        Relation::Prod => s.strings.get(crate::StrId(key as u32)).to_owned(),
    }
}

/// Partitions `set` by `rel`.
pub fn partition(heap: &Heap, set: &ObjSet, rel: Relation) -> Partition {
    let sizes = &heap.snap.size;
    let count = set.len() as u64;
    let size: u64 = set.iter().map(|o| sizes[o.idx()]).sum();
    if let Some(mode) = match rel {
        Relation::Id => Some(IdMode::Id),
        Relation::Idset => Some(IdMode::Idset),
        _ => None,
    } {
        // heapy's byid: the brief for mixed sets, the detail alone when all share a kind
        let single_kind = rel == Relation::Id && crate::heap::brief::single_kind(heap, set).is_some();
        let ids = heap.id_order().rows_of(heap, mode, set);
        return Partition { relation: rel, count, size, rows: Rows::Objects { ids, single_kind } };
    }
    let mut sparse: HashMap<u64, (u64, u64)> = HashMap::new();
    let mut classes: Vec<(u64, u64, u64)> = match dense_classes(heap, rel, set.len()) {
        Some(n) => {
            // slot n holds the objects without a class (key NONE); keys beyond n (big
            // sizes) go to the hash map
            let mut acc = vec![(0u64, 0u64); n + 1];
            for (o, k) in keys(heap, rel, set) {
                let slot = if k == NONE as u64 && rel != Relation::Size {
                    n
                } else if k < n as u64 {
                    k as usize
                } else {
                    let c = sparse.entry(k).or_default();
                    c.0 += 1;
                    c.1 += sizes[o.idx()];
                    continue;
                };
                acc[slot].0 += 1;
                acc[slot].1 += sizes[o.idx()];
            }
            let key = |slot: usize| if slot == n { NONE as u64 } else { slot as u64 };
            acc.into_iter().enumerate().filter(|(_, c)| c.0 > 0).map(|(k, (c, s))| (key(k), c, s)).collect()
        }
        None => {
            for (o, k) in keys(heap, rel, set) {
                let c = sparse.entry(k).or_default();
                c.0 += 1;
                c.1 += sizes[o.idx()];
            }
            Vec::new()
        }
    };
    classes.extend(sparse.into_iter().map(|(k, (c, s))| (k, c, s)));
    let mut rows: Vec<Row> = classes
        .into_iter()
        .map(|(key, count, size)| Row { count, size, label: label_of(heap, rel, key), key })
        .collect();
    if let Some(rank) = match rel {
        Relation::Rcs => Some(&heap.rcs_labels().rank),
        Relation::Via => Some(&heap.via_labels().rank),
        _ => None,
    } {
        // label order is precomputed as a rank per class: integer comparisons only
        rows.sort_unstable_by(|a, b| b.size.cmp(&a.size).then_with(|| rank[a.key as usize].cmp(&rank[b.key as usize])));
    } else {
        rows.sort_unstable_by(|a, b| b.size.cmp(&a.size).then_with(|| a.label.cmp(&b.label)).then(a.key.cmp(&b.key)));
    }
    Partition { relation: rel, count, size, rows: Rows::Classes(rows) }
}

impl Partition {
    /// A partition made of given rows (for tests and renderers).
    pub fn from_rows(relation: Relation, count: u64, size: u64, rows: Vec<Row>) -> Partition {
        Partition { relation, count, size, rows: Rows::Classes(rows) }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        match &self.rows {
            Rows::Classes(rows) => rows.len(),
            Rows::Objects { ids, .. } => ids.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`'s count and size, without making its label.
    pub fn count_size(&self, heap: &Heap, i: usize) -> (u64, u64) {
        match &self.rows {
            Rows::Classes(rows) => (rows[i].count, rows[i].size),
            Rows::Objects { ids, .. } => (1, heap.snap.size[ids[i] as usize]),
        }
    }

    /// Row `i` with its label.
    pub fn row(&self, heap: &Heap, i: usize) -> Row {
        match &self.rows {
            Rows::Classes(rows) => rows[i].clone(),
            Rows::Objects { ids, single_kind } => {
                let o = ObjId(ids[i]);
                let label = match self.relation {
                    Relation::Id => crate::heap::brief::id_row_text(heap, *single_kind, o),
                    _ => format!("<1 {}>", brief(heap, o)),
                };
                Row { count: 1, size: heap.snap.size[o.idx()], label, key: o.0 as u64 }
            }
        }
    }

    /// The object of row `i` when rows are objects (`byid`, `byidset`).
    pub fn object(&self, i: usize) -> Option<ObjId> {
        match &self.rows {
            Rows::Classes(_) => None,
            Rows::Objects { ids, .. } => Some(ObjId(ids[i])),
        }
    }

    /// Every row with its label, in order (labels are made as the iterator advances).
    pub fn rows<'a>(&'a self, heap: &'a Heap) -> impl Iterator<Item = Row> + 'a {
        (0..self.len()).map(move |i| self.row(heap, i))
    }

    /// The members of `set` (the set this partition was made of) that fall in `row`.
    pub fn row_set(&self, heap: &Heap, set: &ObjSet, row: usize) -> ObjSet {
        let key = match &self.rows {
            Rows::Classes(rows) => rows[row].key,
            Rows::Objects { ids, .. } => return ObjSet::from_sorted(vec![ids[row]]),
        };
        ObjSet::from_sorted(keys(heap, self.relation, set).filter(|&(_, k)| k == key).map(|(o, _)| o.0).collect())
    }

    /// The indices of the rows whose label contains `needle`, ignoring case (the page's filter
    /// box). Per-object rows are labelled in parallel, each once.
    pub fn matching_rows(&self, heap: &Heap, needle: &str) -> Vec<u32> {
        use rayon::prelude::*;
        let needle = needle.to_lowercase();
        let hit = |label: &str| label.to_lowercase().contains(&needle);
        match &self.rows {
            Rows::Classes(rows) => {
                rows.iter().enumerate().filter(|(_, r)| hit(&r.label)).map(|(i, _)| i as u32).collect()
            }
            Rows::Objects { .. } => {
                (0..self.len() as u32).into_par_iter().filter(|&i| hit(&self.row(heap, i as usize).label)).collect()
            }
        }
    }

    /// The index of the row with this label (per-object rows: the first, labelling each in turn).
    pub fn find_label(&self, heap: &Heap, label: &str) -> Option<usize> {
        match &self.rows {
            Rows::Classes(rows) => rows.iter().position(|r| r.label == label),
            Rows::Objects { .. } => self.rows(heap).position(|r| r.label == label),
        }
    }
}

/// A percentage as heapy prints it: `int('%.0f' % (part * 100.0 / whole))`, which rounds
/// the exact binary value half to even.
pub fn percent(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        return 0;
    }
    // '%.0f' rounds the exact binary value, ties to even: the same as round_ties_even
    (part as f64 * 100.0 / whole as f64).round_ties_even() as u32
}
