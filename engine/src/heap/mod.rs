//! The loaded heap, the lowest layer: ids ([`ids`]), sets ([`set`]), the snapshot's columns
//! ([`snapshot`]), reverse edges ([`reverse`]), heapy's kinds ([`kinds`]), all of them with
//! reachability as the [`Graph`] the indexes are built from; the rcs and via
//! class of every object ([`classes`]), the `byid` order ([`idorder`], with the briefs of
//! [`brief`] and [`pyrepr`]'s edge names), the dominator tree ([`dominators`]) and the
//! reference point's `heapnew`/`heapref` ([`reference`]), and
//! [`Heap`], the indexed snapshot holding them: the kinds, reverse edges and reachability
//! computed at load, the rest on first use ([`Heap::indexed`] builds the classes and the
//! `byid` order at once). Nothing here imports a module above it.

pub mod brief;
pub mod classes;
pub mod dominators;
pub mod graph;
pub mod idorder;
pub mod ids;
pub mod kinds;
pub mod pyrepr;
pub mod reference;
pub mod reverse;
pub mod set;
pub mod snapshot;

pub use reverse::Reverse;

use classes::{ClassLabels, SetClasses};
use dominators::Dominators;
pub use graph::Graph;
use idorder::IdOrder;
use ids::ObjId;
use kinds::Kinds;
use set::ObjSet;
use snapshot::Snapshot;
use std::ops::Deref;
use std::sync::OnceLock;

/// A snapshot indexed for analysis. Immutable after [`Heap::new`].
#[derive(Debug, Clone)]
pub struct Heap {
    /// The snapshot, its kinds, reverse edges and reachability (`heap.snap`, `heap.kinds`,
    /// `heap.rev`, `heap.reachable` through `Deref`).
    graph: Graph,
    /// heapy's `byrcs` class of every object (built on first use: [`Heap::rcs`]).
    rcs: OnceLock<SetClasses>,
    /// heapy's `byvia` class of every object (built on first use: [`Heap::via`]).
    via: OnceLock<SetClasses>,
    /// Every object in `byid` and `byidset` row order (built on first use: [`Heap::id_order`]).
    id_order: OnceLock<IdOrder>,
    /// heapy's `heap()`: every object the root reaches, the root excluded.
    heap: ObjSet,
    total_size: u64,
    rcs_labels: OnceLock<ClassLabels>,
    via_labels: OnceLock<ClassLabels>,
    dominators: OnceLock<Dominators>,
}

/// A heap is its graph plus the indexes built from it: `heap.snap` reads the graph's.
impl Deref for Heap {
    type Target = Graph;

    fn deref(&self) -> &Graph {
        &self.graph
    }
}

impl Heap {
    pub fn new(snap: Snapshot) -> Heap {
        let Graph { snap, kinds, rev, reachable } = Graph::new(snap);
        Heap::from_parts(snap, kinds, rev, reachable, None, OnceLock::new())
    }

    /// [`Heap::new`] with every index built now ([`Heap::warm`]): what a server answering
    /// many questions wants; a one-off command (`heaplens table`) builds only what it asks.
    pub fn indexed(snap: Snapshot) -> Heap {
        let heap = Heap::new(snap);
        heap.warm();
        heap
    }

    /// Builds the rcs and via classes and the `byid` order now, if not built yet (the
    /// dominator tree stays on first use).
    pub fn warm(&self) {
        self.rcs();
        self.via();
        self.id_order();
    }

    /// A heap from its parts (computed by [`Heap::new`], or read back by [`crate::format::index_file`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        snap: Snapshot,
        kinds: Kinds,
        rev: Reverse,
        reachable: Vec<bool>,
        indexes: Option<(SetClasses, SetClasses, IdOrder)>,
        dominators: OnceLock<Dominators>,
    ) -> Heap {
        let (rcs, via, id_order) = (OnceLock::new(), OnceLock::new(), OnceLock::new());
        if let Some((r, v, i)) = indexes {
            let _ = (rcs.set(r), via.set(v), id_order.set(i));
        }
        let heap = ObjSet::from_sorted((1..snap.object_count() as u32).filter(|&o| reachable[o as usize]).collect());
        let total_size = heap.iter().map(|o| snap.size[o.idx()]).sum();
        Heap {
            graph: Graph { snap, kinds, rev, reachable },
            rcs,
            via,
            id_order,
            heap,
            total_size,
            rcs_labels: OnceLock::new(),
            via_labels: OnceLock::new(),
            dominators,
        }
    }

    /// heapy's `byrcs` class of every object, built on first use.
    pub fn rcs(&self) -> &SetClasses {
        self.rcs.get_or_init(|| classes::rcs(&self.snap, &self.kinds, &self.rev, &self.reachable))
    }

    /// heapy's `byvia` class of every object, built on first use.
    pub fn via(&self) -> &SetClasses {
        self.via.get_or_init(|| classes::via(&self.snap, &self.rev, &self.reachable))
    }

    /// Every object in `byid` and `byidset` row order, built on first use.
    pub fn id_order(&self) -> &IdOrder {
        self.id_order.get_or_init(|| IdOrder::new(&self.graph))
    }

    /// The dominator tree if it was built already (without building it).
    pub fn dominators_if_built(&self) -> Option<&Dominators> {
        self.dominators.get()
    }

    /// The set heapy's `hpy().heap()` returns.
    pub fn heap(&self) -> &ObjSet {
        &self.heap
    }

    /// heapy's `hpy().heapu()`: the GC-tracked objects the capture found unreachable.
    pub fn heapu(&self) -> ObjSet {
        ObjSet::from_sorted(self.snap.unreachable.iter().copied().filter(|&o| !self.reachable[o as usize]).collect())
    }

    /// Total size of [`Heap::heap`].
    pub fn total_size(&self) -> u64 {
        self.total_size
    }

    /// Sum of the sizes of a set.
    pub fn size_of(&self, set: &ObjSet) -> u64 {
        set.iter().map(|o| self.snap.size[o.idx()]).sum()
    }

    /// heapy's `X.referrers`: the objects the root reaches that refer to a member of X.
    pub fn referrers_of(&self, set: &ObjSet) -> ObjSet {
        let mut out = Vec::new();
        for o in set.iter() {
            crate::work::check();
            out.extend(self.rev.sources(o).iter().copied().filter(|&s| s != 0 && self.reachable[s as usize]));
        }
        ObjSet::from_unsorted(out)
    }

    /// heapy's `X.referents`: the objects that members of X refer to.
    pub fn referents_of(&self, set: &ObjSet) -> ObjSet {
        let mut out = Vec::new();
        for o in set.iter() {
            crate::work::check();
            out.extend(self.snap.referents(o).iter().copied().filter(|&t| t != 0));
        }
        ObjSet::from_unsorted(out)
    }

    /// The dominator tree and retained sizes, computed on first use (the server starts it
    /// right after a load; `heaplens bench` times it on its own).
    pub fn dominators(&self) -> &Dominators {
        self.dominators.get_or_init(|| Dominators::new(self))
    }

    /// The labels of all rcs classes, made on first use.
    pub fn rcs_labels(&self) -> &ClassLabels {
        self.rcs_labels.get_or_init(|| {
            ClassLabels::new(
                (0..self.rcs().len() as u32).map(|c| classes::rcs_label(self.rcs(), &self.kinds, c)).collect(),
            )
        })
    }

    /// The labels of all via classes, made on first use.
    pub fn via_labels(&self) -> &ClassLabels {
        self.via_labels.get_or_init(|| {
            ClassLabels::new(
                (0..self.via().len() as u32).map(|c| classes::via_label(self.via(), &self.snap, c)).collect(),
            )
        })
    }

    /// The label of an rcs class.
    pub fn rcs_label(&self, class: u32) -> String {
        self.rcs_labels().labels[class as usize].clone()
    }

    /// The label of a via class.
    pub fn via_label(&self, class: u32) -> String {
        self.via_labels().labels[class as usize].clone()
    }
}

/// The object at an address, if any (a linear scan of the address column: O(objects), no
/// index is kept for it). Address 0 is the root.
pub fn find_address(heap: &Graph, addr: u64) -> Option<ObjId> {
    heap.snap.addr.iter().position(|&a| a == addr).map(|i| ObjId(i as u32))
}

/// An object's kind (heapy's clodo label; the root's kind as heapy's rcs prints it).
pub fn kind_label(heap: &Graph, o: ObjId) -> &str {
    heap.kinds.of(o).map_or(classes::ROOT_KIND, |k| heap.kinds.label(k))
}
