//! Partitions of a set by a relation (heapy's `.byclodo`, `.bytype`, ...), in heapy's order.

use crate::heap::Heap;
use crate::ids::{ObjId, NONE};
use crate::set::ObjSet;
use std::collections::HashMap;

/// A way to classify objects: heapy's equivalence relations.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Class, or dict of class: heapy's default kind.
    Clodo,
    /// The object's type.
    Type,
    /// The object's individual size.
    Size,
    /// Module objects by name; everything else `~module`.
    Module,
}

impl Relation {
    pub const ALL: [Relation; 4] = [Relation::Clodo, Relation::Type, Relation::Size, Relation::Module];

    /// The name used in queries (`.byclodo`) and URLs (`by=clodo`).
    pub fn name(self) -> &'static str {
        match self {
            Relation::Clodo => "clodo",
            Relation::Type => "type",
            Relation::Size => "size",
            Relation::Module => "module",
        }
    }

    pub fn parse(name: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.name() == name)
    }

    /// heapy's column header for this relation.
    pub fn header(self) -> &'static str {
        match self {
            Relation::Clodo => "Kind (class / dict of class)",
            Relation::Type => "Type",
            Relation::Size => "Individual Size",
            Relation::Module => "Module",
        }
    }

    /// A short explanation, like heapy's `.doc`.
    pub fn doc(self) -> &'static str {
        match self {
            Relation::Clodo => "heapy's default: objects by class, except that a dict owned by an object (its __dict__) is classified as 'dict of' the owner's class, and a dict with no owner as 'dict (no owner)'.",
            Relation::Type => "Objects by their exact type (type(obj)); all dicts fall in one 'dict' row.",
            Relation::Size => "Objects by their individual size in bytes (sys.getsizeof), one row per distinct size.",
            Relation::Module => "Module objects by their __name__; every object that is not a module falls in one '~module' row.",
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
    pub rows: Vec<Row>,
}

/// The class key of one object under a relation.
#[inline]
fn key_of(heap: &Heap, rel: Relation, o: ObjId) -> u64 {
    let s = &heap.snap;
    match rel {
        Relation::Clodo => heap.kinds.of(o).map_or(NONE as u64, |k| k.0 as u64),
        Relation::Type => s.ty[o.idx()] as u64,
        Relation::Size => s.size[o.idx()],
        Relation::Module => match s.module_name(o) {
            Some(_) => o.0 as u64,
            None => NONE as u64,
        },
    }
}

fn label_of(heap: &Heap, rel: Relation, key: u64) -> String {
    let s = &heap.snap;
    match rel {
        Relation::Clodo if key == NONE as u64 => "RootStateType".to_owned(),
        Relation::Clodo => heap.kinds.label(crate::KindId(key as u32)).to_owned(),
        Relation::Type if key == NONE as u64 => "RootStateType".to_owned(),
        Relation::Type => s.type_label(crate::TypeId(key as u32)).to_owned(),
        Relation::Size => format!("{key:9}"),
        Relation::Module if key == NONE as u64 => "~module".to_owned(),
        Relation::Module => s.module_name(ObjId(key as u32)).unwrap_or("~module").to_owned(),
    }
}

/// Partitions `set` by `rel`.
pub fn partition(heap: &Heap, set: &ObjSet, rel: Relation) -> Partition {
    let sizes = &heap.snap.size;
    let mut classes: HashMap<u64, (u64, u64)> = HashMap::new();
    let mut count = 0u64;
    let mut size = 0u64;
    for o in set.iter() {
        let s = sizes[o.idx()];
        let c = classes.entry(key_of(heap, rel, o)).or_default();
        c.0 += 1;
        c.1 += s;
        count += 1;
        size += s;
    }
    let mut rows: Vec<Row> = classes
        .into_iter()
        .map(|(key, (count, size))| Row { count, size, label: label_of(heap, rel, key), key })
        .collect();
    rows.sort_unstable_by(|a, b| b.size.cmp(&a.size).then_with(|| a.label.cmp(&b.label)).then(a.key.cmp(&b.key)));
    Partition { relation: rel, count, size, rows }
}

impl Partition {
    /// The members of `set` (the set this partition was made of) that fall in `row`.
    pub fn row_set(&self, heap: &Heap, set: &ObjSet, row: usize) -> ObjSet {
        let key = self.rows[row].key;
        set.filter(|o| key_of(heap, self.relation, o) == key)
    }

    /// The index of the row with this label.
    pub fn find_label(&self, label: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.label == label)
    }
}

/// A percentage as heapy prints it: `int('%.0f' % (part * 100.0 / whole))`, which rounds
/// the exact binary value half to even.
pub fn percent(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        return 0;
    }
    let v = part as f64 * 100.0 / whole as f64;
    format!("{v:.0}").parse().unwrap_or(0)
}
