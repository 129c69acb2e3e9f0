//! heapy's referrer classifications, computed once per object at index time: `rcs` (the
//! set of kinds of an object's referrers) and `via` (the set of names of the edges into it).
//! Equal sets are interned to one class id, so partitions by rcs or via are dense counts.

use crate::heap::ids::ObjId;
use crate::heap::kinds::Kinds;
use crate::heap::pyrepr::py_repr;
use crate::heap::snapshot::EdgeName;
use crate::heap::snapshot::Snapshot;
use std::collections::HashMap;

/// Interned sets of `u32` items: class id → sorted items.
#[derive(Debug, Clone, Default)]
pub struct SetClasses {
    /// Class id per object (`u32::MAX` for the root).
    pub of: Vec<u32>,
    pub(crate) start: Vec<u32>,
    pub(crate) items: Vec<u32>,
}

impl SetClasses {
    pub fn len(&self) -> usize {
        self.start.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sorted items of a class.
    pub fn items(&self, class: u32) -> &[u32] {
        &self.items[self.start[class as usize] as usize..self.start[class as usize + 1] as usize]
    }

    /// Builds classes by calling `collect(o, &mut scratch)` for each object but the root;
    /// the scratch vector is sorted and deduplicated before interning (no allocation per
    /// object unless its set is new).
    fn build(n: usize, mut collect: impl FnMut(u32, &mut Vec<u32>)) -> SetClasses {
        let mut ids: HashMap<Box<[u32]>, u32> = HashMap::new();
        let mut c = SetClasses { of: vec![u32::MAX; n], start: vec![0], items: Vec::new() };
        let mut scratch = Vec::new();
        for o in 1..n as u32 {
            scratch.clear();
            collect(o, &mut scratch);
            scratch.sort_unstable();
            scratch.dedup();
            let id = match ids.get(scratch.as_slice()) {
                Some(&id) => id,
                None => {
                    let id = ids.len() as u32;
                    ids.insert(scratch.clone().into_boxed_slice(), id);
                    c.items.extend_from_slice(&scratch);
                    c.start.push(c.items.len() as u32);
                    id
                }
            };
            c.of[o as usize] = id;
        }
        c
    }
}

/// The root's kind label in rcs rows, as heapy prints it.
pub const ROOT_KIND: &str = "guppy.heapy.heapyc.RootStateType";
/// Item standing for the root among rcs items (kind ids are smaller).
pub(crate) const ROOT_ITEM: u32 = u32::MAX - 1;

/// `rcs`: per object, the kinds of its referrers that the root reaches.
pub fn rcs(s: &Snapshot, kinds: &Kinds, rev: &crate::heap::Reverse, reachable: &[bool]) -> SetClasses {
    SetClasses::build(s.object_count(), |o, out| {
        for &src in rev.sources(ObjId(o)) {
            if src == 0 {
                out.push(ROOT_ITEM);
            } else if reachable[src as usize] {
                out.push(kinds.of(ObjId(src)).map_or(ROOT_ITEM, |k| k.0));
            }
        }
    })
}

/// The label of an rcs class: the referrers' kind labels sorted, joined `, `; `<Nothing>`.
pub fn rcs_label(c: &SetClasses, kinds: &Kinds, class: u32) -> String {
    let mut labels: Vec<&str> = c
        .items(class)
        .iter()
        .map(|&k| if k == ROOT_ITEM { ROOT_KIND } else { kinds.label(crate::KindId(k)) })
        .collect();
    if labels.is_empty() {
        return "<Nothing>".to_owned();
    }
    labels.sort_unstable();
    labels.join(", ")
}

/// `via`: per object, the names of the edges into it from referrers the root reaches.
/// Unnamed edges (`''`) and `->ob_type` are not via names in heapy.
pub fn via(s: &Snapshot, rev: &crate::heap::Reverse, reachable: &[bool]) -> SetClasses {
    let skip: Vec<bool> =
        (0..s.strings.len() as u32).map(|i| matches!(s.strings.get(crate::StrId(i)), "" | "->ob_type")).collect();
    SetClasses::build(s.object_count(), |o, out| {
        for (&e, &src) in rev.edges(ObjId(o)).iter().zip(rev.sources(ObjId(o))) {
            if src != 0 && !reachable[src as usize] {
                continue;
            }
            let code = s.edge_name[e as usize];
            if let Some(EdgeName::Str(id)) = EdgeName::decode(code) {
                if skip[id.idx()] {
                    continue;
                }
            }
            out.push(code);
        }
    })
}

/// The label of a via class: `repr()` of each edge name, sorted, joined `, `.
pub fn via_label(c: &SetClasses, s: &Snapshot, class: u32) -> String {
    let mut names: Vec<String> = c
        .items(class)
        .iter()
        .map(|&code| {
            let mut text = String::new();
            EdgeName::decode(code).expect("validated on read").write_to(&s.strings, &mut text);
            py_repr(&text)
        })
        .collect();
    names.sort_unstable();
    names.join(", ")
}

/// Every class's label, made once, and its rank in label order (so partitions sort rows
/// by integers instead of comparing strings).
#[derive(Debug, Clone, Default)]
pub struct ClassLabels {
    pub labels: Vec<String>,
    pub rank: Vec<u32>,
}

impl ClassLabels {
    pub fn new(labels: Vec<String>) -> ClassLabels {
        let mut order: Vec<u32> = (0..labels.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| labels[a as usize].cmp(&labels[b as usize]));
        let mut rank = vec![0u32; labels.len()];
        for (r, &class) in order.iter().enumerate() {
            rank[class as usize] = r as u32;
        }
        ClassLabels { labels, rank }
    }
}
