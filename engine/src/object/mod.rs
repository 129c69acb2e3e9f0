//! The object feature: one object up close (the page's inspector): address, type, kind,
//! size, brief, value preview, reachability, its referents and referrers with the edge
//! names, and heapy's shortest paths from the root to it ([`paths`], heapy's `shpaths`).

use crate::heap::brief::brief;
use crate::heap::ids::ObjId;
use crate::heap::set::ObjSet;
use crate::heap::Heap;
use paths::{shpaths, ShortestPaths};

pub mod paths;

/// Edges listed per direction when the caller does not say how many.
pub const DEFAULT_EDGE_LIMIT: usize = 200;

pub use crate::heap::{find_address, kind_label};

/// An object's type label (`RootStateType` for the root).
pub fn type_label(heap: &Heap, o: ObjId) -> &str {
    heap.snap.type_of(o).map_or("RootStateType", |t| heap.snap.type_label(t))
}

/// One edge seen from the inspected object: heapy's name of the edge and the object at its
/// other end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeItem {
    /// The edge's name as heapy prints it (`.__dict__`, `['key']`, `[3]`, `.keys()[0]`,
    /// `list(_)[2]`; `.??` for an edge heapy cannot name).
    pub name: String,
    /// The referent (for referents) or the referrer (for referrers).
    pub object: ObjId,
}

/// The first edges of one direction and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeList {
    pub total: u64,
    pub items: Vec<EdgeItem>,
}

/// Everything the inspector shows about one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub object: ObjId,
    pub addr: u64,
    pub type_label: String,
    pub kind: String,
    pub size: u64,
    pub brief: String,
    /// The agent's value preview, if it recorded one.
    pub preview: Option<String>,
    /// Whether the root reaches the object (else it is in heapu's world).
    pub reachable: bool,
    /// Outgoing edges in the object's edge order.
    pub referents: EdgeList,
    /// Incoming edges by referrer (ascending object number, then edge order). For a
    /// reachable object: the referrers the root reaches, the root included (heapy's
    /// `.referrers`, plus the root); for an unreachable one: all of them (none is reachable).
    pub referrers: EdgeList,
    pub shpaths: ShortestPaths,
}

/// Inspects one object, listing at most `limit` edges per direction and `path_limit`
/// shortest paths.
pub fn inspect(heap: &Heap, o: ObjId, limit: usize, path_limit: usize) -> ObjectInfo {
    let snap = &heap.snap;
    let name = |e: u32| paths::step_name(snap, e);
    let out = snap.edges_of(o);
    let referents = EdgeList {
        total: out.len() as u64,
        items: out.take(limit).map(|e| EdgeItem { name: name(e as u32), object: ObjId(snap.edge_target[e]) }).collect(),
    };
    let reachable = heap.reachable[o.idx()];
    let same_world = |&(_, &s): &(&u32, &u32)| heap.reachable[s as usize] == reachable;
    let incoming = || heap.rev.edges(o).iter().zip(heap.rev.sources(o)).filter(same_world);
    let referrers = EdgeList {
        total: incoming().count() as u64,
        items: incoming().take(limit).map(|(&e, &s)| EdgeItem { name: name(e), object: ObjId(s) }).collect(),
    };
    ObjectInfo {
        object: o,
        addr: snap.addr[o.idx()],
        type_label: type_label(heap, o).to_owned(),
        kind: kind_label(heap, o).to_owned(),
        size: snap.size[o.idx()],
        brief: brief(heap, o),
        preview: snap.preview(o).map(str::to_owned),
        reachable,
        referents,
        referrers,
        shpaths: shpaths(heap, &ObjSet::from_sorted(vec![o.0]), path_limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::classes::ROOT_KIND;
    use crate::testing::small_snapshot;
    use crate::{read_snapshot, SnapshotWriter};

    fn small() -> Heap {
        Heap::new(read_snapshot(&small_snapshot()).unwrap())
    }

    fn names(l: &EdgeList) -> Vec<(String, u32)> {
        l.items.iter().map(|i| (i.name.clone(), i.object.0)).collect()
    }

    #[test]
    fn addresses_find_objects() {
        let h = small();
        assert_eq!(find_address(&h, 0x8000), Some(ObjId(8)));
        assert_eq!(find_address(&h, 0), Some(ObjId::ROOT));
        assert_eq!(find_address(&h, 0x8001), None);
    }

    #[test]
    fn a_str_held_by_a_list_and_a_dict() {
        let h = small();
        let i = inspect(&h, ObjId(9), 10, 10);
        assert_eq!((i.addr, i.size, i.type_label.as_str(), i.kind.as_str()), (0x9000, 50, "str", "str"));
        assert_eq!(i.brief, "str: 0x9000");
        assert!(i.reachable);
        assert_eq!(i.referents.total, 0);
        assert_eq!(i.referrers.total, 2);
        assert_eq!(names(&i.referrers), vec![("['x']".to_owned(), 5), ("[0]".to_owned(), 8)]);
        assert_eq!(i.shpaths.text, vec![" 0: hp.Root.i0_modules['m'].__dict__['l'][0]"]);
    }

    #[test]
    fn edge_lists_are_cut_at_the_limit_but_count_everything() {
        let h = small();
        let i = inspect(&h, ObjId(3), 2, 0);
        assert_eq!(i.kind, "dict of module");
        assert_eq!(i.referents.total, 4);
        assert_eq!(names(&i.referents), vec![("['a']".to_owned(), 4), ("['b']".to_owned(), 6)]);
        assert_eq!(i.referrers.total, 1);
        assert_eq!(names(&i.referrers), vec![(".__dict__".to_owned(), 2)]);
        assert!(i.shpaths.paths.is_empty());
        assert_eq!(i.shpaths.total, 1);
        // the root is listed as a referrer, and can itself be inspected
        let m = inspect(&h, ObjId(1), 10, 10);
        assert_eq!(names(&m.referrers), vec![(".i0_modules".to_owned(), 0)]);
        let root = inspect(&h, ObjId::ROOT, 10, 10);
        assert_eq!((root.brief.as_str(), root.kind.as_str()), ("hp.Root", ROOT_KIND));
        assert_eq!(names(&root.referents), vec![(".i0_modules".to_owned(), 1)]);
    }

    #[test]
    fn unreachable_objects_list_their_unreachable_referrers_and_no_path() {
        // root → str 1; a cycle 2 ⇄ 3 that also points at the reachable str
        let mut w = SnapshotWriter::new(Vec::new()).unwrap();
        let t_str = w.add_type(None, "str").unwrap();
        let t_list = w.add_type(None, "list").unwrap();
        let top = w.name(".i0_top").unwrap();
        w.object(0, None, 0, &[(ObjId(1), top)]).unwrap();
        w.object(0x10, Some(t_str), 50, &[]).unwrap();
        w.object(0x20, Some(t_list), 64, &[(ObjId(3), crate::format::EdgeName::Index(0))]).unwrap();
        w.object(
            0x30,
            Some(t_list),
            64,
            &[(ObjId(2), crate::format::EdgeName::Index(0)), (ObjId(1), crate::format::EdgeName::Index(1))],
        )
        .unwrap();
        w.unreachable(ObjId(2));
        w.unreachable(ObjId(3));
        let h = Heap::new(read_snapshot(&w.finish(&serde_json::json!({})).unwrap()).unwrap());
        let i = inspect(&h, ObjId(2), 10, 10);
        assert!(!i.reachable);
        assert_eq!(names(&i.referrers), vec![("[0]".to_owned(), 3)]);
        assert_eq!(i.shpaths.total, 0);
        assert_eq!(i.shpaths.text, vec![paths::NO_PATH]);
        // the reachable str does not list the garbage list that points at it
        let s = inspect(&h, ObjId(1), 10, 10);
        assert_eq!(names(&s.referrers), vec![(".i0_top".to_owned(), 0)]);
    }
}
