//! heapy's default kind ("clodo": class, or dict of class) for every object, interned.

use crate::heap::ids::{KindId, ObjId, TypeId, NONE};
use crate::heap::snapshot::EdgeName;
use crate::heap::snapshot::Snapshot;
use std::collections::HashMap;

/// The label of a dict that no object owns.
pub const DICT_NO_OWNER: &str = "dict (no owner)";

/// Interned kind labels and the kind of each object (`NONE` for the root).
#[derive(Debug, Clone, Default)]
pub struct Kinds {
    pub(crate) labels: Vec<String>,
    pub(crate) kind_of: Vec<u32>,
    /// The owner of each exact dict that has one (object whose `__dict__` it is).
    pub(crate) owners: HashMap<u32, u32>,
}

impl Kinds {
    /// Computes every object's kind. An exact `dict` reached by an edge named `.__dict__`
    /// is `dict of <owner's type label>`; other exact dicts are `dict (no owner)`.
    pub fn compute(s: &Snapshot) -> Kinds {
        let dict_types: Vec<bool> = s.types.iter().map(|t| s.strings.get(t.label) == "dict").collect();
        let is_dict = |o: u32| {
            let t = s.ty[o as usize];
            t != NONE && dict_types[t as usize]
        };
        let dunder_dict: Vec<bool> =
            (0..s.strings.len() as u32).map(|i| s.strings.get(crate::StrId(i)) == ".__dict__").collect();
        let mut owners = HashMap::new();
        if dunder_dict.iter().any(|&b| b) {
            for o in 0..s.object_count() as u32 {
                for e in s.edges_of(ObjId(o)) {
                    if let Some(EdgeName::Str(id)) = EdgeName::decode(s.edge_name[e]) {
                        let target = s.edge_target[e];
                        if dunder_dict[id.idx()] && is_dict(target) {
                            owners.entry(target).or_insert(o);
                        }
                    }
                }
            }
        }
        // heapy classifies by type object, not by label: two classes with the same label
        // (ctypes makes several `ctypes.CFunctionType`) are two kinds, two rows.
        let mut labels: Vec<String> = (0..s.types.len() as u32).map(|t| s.type_label(TypeId(t)).to_owned()).collect();
        let no_owner = labels.len() as u32;
        labels.push(DICT_NO_OWNER.to_owned());
        let mut dict_of: HashMap<u32, u32> = HashMap::new();
        let kind_of = (0..s.object_count() as u32)
            .map(|o| {
                let t = s.ty[o as usize];
                if t == NONE {
                    NONE
                } else if !dict_types[t as usize] {
                    t
                } else {
                    match owners.get(&o).map(|&w| s.ty[w as usize]) {
                        None => no_owner,
                        Some(ot) => *dict_of.entry(ot).or_insert_with(|| {
                            let owner = if ot == NONE { "RootStateType" } else { s.type_label(TypeId(ot)) };
                            labels.push(format!("dict of {owner}"));
                            labels.len() as u32 - 1
                        }),
                    }
                }
            })
            .collect();
        Kinds { labels, kind_of, owners }
    }

    /// The kind of an object; `None` for the root.
    #[inline]
    pub fn of(&self, o: ObjId) -> Option<KindId> {
        let k = self.kind_of[o.idx()];
        (k != NONE).then_some(KindId(k))
    }

    pub fn label(&self, k: KindId) -> &str {
        &self.labels[k.idx()]
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The object whose `__dict__` this dict is, if any.
    pub fn owner(&self, dict: ObjId) -> Option<ObjId> {
        self.owners.get(&dict.0).map(|&o| ObjId(o))
    }
}
