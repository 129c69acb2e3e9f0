//! Engine → wire for identity diffs (`/api/identity`, `newobjects`): one side as a partition view.

use crate::partition::view::{set_view, SetView};
use heaplens_engine::identity::{identity_diff, IdentityDiff};
use heaplens_engine::{Heap, ObjSet, Relation};
use heaplens_wire::{Breadcrumb, PartitionView};

/// Which side of an identity diff to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// B's objects that were not in A.
    New,
    /// A's objects that are not in B.
    Gone,
}

impl Side {
    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "new" => Some(Side::New),
            "gone" => Some(Side::Gone),
            _ => None,
        }
    }
}

/// The chosen side of the diff of A and B: the set and the heap it lives in.
pub fn side_set<'h>(a: &'h Heap, b: &'h Heap, d: &IdentityDiff, side: Side) -> (&'h Heap, ObjSet) {
    match side {
        Side::New => (b, d.new.clone()),
        Side::Gone => (a, d.gone.clone()),
    }
}

/// Partition view of one side of the identity diff of snapshots `a_id` and `b_id`.
pub fn identity_view(
    (a_id, a): (&str, &Heap),
    (b_id, b): (&str, &Heap),
    side: Side,
    relation: Relation,
    offset: usize,
    limit: Option<usize>,
) -> Result<PartitionView, heaplens_engine::identity::IdentityError> {
    let d = identity_diff(a, b)?;
    let (heap, set) = side_set(a, b, &d, side);
    let (id, label) = match side {
        Side::New => (b_id, format!("new in {b_id} since {a_id}")),
        Side::Gone => (a_id, format!("gone from {a_id} in {b_id}")),
    };
    let crumbs = vec![Breadcrumb { query: String::new(), label, relation: None }];
    Ok(set_view(heap, SetView { snapshot: id, set: &set, base: None, crumbs }, relation, offset, limit, None))
}
