//! Every array of a saved index checked against its snapshot before a heap is made of it. A
//! right checksum only says the bytes are the ones written: a buggy or foreign writer, or a
//! file made on purpose, can still hold an id out of range or offsets that go backwards, which
//! would panic (or answer wrong) far from here. So each array's length, each id's range and
//! each offset table's order is checked here, and a bad one is an [`IndexError`] naming the
//! array (the caller then indexes afresh).

use super::index_file::IndexError;
use crate::heap::classes::{SetClasses, ROOT_ITEM};
use crate::heap::dominators::Dominators;
use crate::heap::idorder::ModeOrder;
use crate::heap::ids::NONE;
use crate::heap::kinds::Kinds;
use crate::heap::snapshot::{EdgeName, Snapshot};
use crate::heap::Reverse;

fn bad(what: &str, why: String) -> IndexError {
    IndexError(format!("{what}: {why}"))
}

fn len_is(what: &str, len: usize, want: usize) -> Result<(), IndexError> {
    if len != want {
        return Err(bad(what, format!("{len} items where the snapshot needs {want}")));
    }
    Ok(())
}

/// Every value is below `limit`, or is `NONE` where `none_ok` allows it.
fn ids_below(what: &str, v: &[u32], limit: usize, none_ok: impl Fn(usize) -> bool) -> Result<(), IndexError> {
    for (i, &x) in v.iter().enumerate() {
        if (x as usize) >= limit && !(x == NONE && none_ok(i)) {
            return Err(bad(what, format!("item {i} is {x}, out of range (< {limit})")));
        }
    }
    Ok(())
}

/// A CSR offset table: starts at 0, never goes down, ends at `total`.
fn offsets(what: &str, start: &[u32], total: usize) -> Result<(), IndexError> {
    if start.first() != Some(&0) {
        return Err(bad(what, "offsets do not start at 0".into()));
    }
    if let Some(i) = start.windows(2).position(|w| w[0] > w[1]) {
        return Err(bad(what, format!("offsets go down at item {}", i + 1)));
    }
    if *start.last().expect("not empty") as usize != total {
        return Err(bad(what, format!("offsets end at {}, not at {total}", start.last().expect("not empty"))));
    }
    Ok(())
}

fn kinds(snap: &Snapshot, k: &Kinds) -> Result<(), IndexError> {
    let n = snap.object_count();
    if k.labels.len() >= NONE as usize {
        return Err(bad("kind labels", "too many".into()));
    }
    len_is("kind of each object", k.kind_of.len(), n)?;
    ids_below("kind of each object", &k.kind_of, k.labels.len(), |_| true)?;
    if let Some((d, o)) = k.owners.iter().find(|(&d, &o)| d as usize >= n || o as usize >= n) {
        return Err(bad("dict owners", format!("{d} -> {o}, out of range (< {n})")));
    }
    Ok(())
}

fn reverse(snap: &Snapshot, r: &Reverse) -> Result<(), IndexError> {
    let (n, e) = (snap.object_count(), snap.edge_count());
    len_is("reverse edge offsets", r.start.len(), n + 1)?;
    offsets("reverse edge offsets", &r.start, e)?;
    len_is("reverse edges", r.edge.len(), e)?;
    ids_below("reverse edges", &r.edge, e, |_| false)?;
    len_is("reverse edge sources", r.source.len(), e)?;
    ids_below("reverse edge sources", &r.source, n, |_| false)
}

/// A class table: a class per object (the root's may be `NONE`), offsets over the items, and
/// each item accepted by `item_ok`.
fn classes(what: &str, snap: &Snapshot, c: &SetClasses, item_ok: impl Fn(u32) -> bool) -> Result<(), IndexError> {
    len_is(what, c.of.len(), snap.object_count())?;
    if c.start.is_empty() || c.start.len() > NONE as usize {
        return Err(bad(what, "no class offsets".into()));
    }
    offsets(what, &c.start, c.items.len())?;
    ids_below(what, &c.of, c.start.len() - 1, |i| i == 0)?;
    match c.items.iter().position(|&x| !item_ok(x)) {
        Some(i) => Err(bad(what, format!("item {i} ({}) is not a valid member", c.items[i]))),
        None => Ok(()),
    }
}

fn mode(what: &str, snap: &Snapshot, k: &Kinds, m: &ModeOrder) -> Result<(), IndexError> {
    let n = snap.object_count();
    len_is(what, m.order.len(), n)?;
    ids_below(what, &m.order, n, |_| false)?;
    len_is(what, m.kind_rank.len(), k.labels.len() + 1)?;
    ids_below(what, &m.kind_rank, m.kind_rank.len(), |_| false)
}

fn dominators(snap: &Snapshot, d: &Dominators) -> Result<(), IndexError> {
    let n = snap.object_count();
    len_is("immediate dominators", d.idom.len(), n)?;
    ids_below("immediate dominators", &d.idom, n, |_| true)?;
    len_is("retained sizes", d.retained.len(), n)?;
    if d.order.len() > n {
        return Err(bad("dominator tree order", format!("{} items, more than {n} objects", d.order.len())));
    }
    ids_below("dominator tree order", &d.order, n, |_| false)?;
    len_is("dominator tree positions", d.tree_pre.len(), n)?;
    ids_below("dominator tree positions", &d.tree_pre, d.order.len(), |_| true)?;
    for (p, &o) in d.order.iter().enumerate() {
        if d.tree_pre[o as usize] as usize != p {
            return Err(bad("dominator tree positions", format!("object {o} is at {p}, not where its position says")));
        }
    }
    len_is("dominator subtree sizes", d.tree_len.len(), d.order.len())?;
    for (p, &len) in d.tree_len.iter().enumerate() {
        if len == 0 || p + len as usize > d.order.len() {
            return Err(bad("dominator subtree sizes", format!("the subtree at {p} has {len} objects")));
        }
    }
    Ok(())
}

/// Checks every array of a saved index against `snap` (see the module's text).
#[allow(clippy::too_many_arguments)]
pub(super) fn check(
    snap: &Snapshot,
    k: &Kinds,
    rev: &Reverse,
    reachable: &[bool],
    rcs: &SetClasses,
    via: &SetClasses,
    modes: [&ModeOrder; 2],
    dom: Option<&Dominators>,
) -> Result<(), IndexError> {
    kinds(snap, k)?;
    reverse(snap, rev)?;
    len_is("reachability", reachable.len(), snap.object_count())?;
    let labels = k.labels.len();
    classes("rcs classes", snap, rcs, |x| (x as usize) < labels || x == ROOT_ITEM)?;
    let strings = snap.strings.len();
    classes("via classes", snap, via, |x| match EdgeName::decode(x) {
        Some(EdgeName::Str(s)) => s.idx() < strings,
        Some(_) => true,
        None => false,
    })?;
    mode("byid order", snap, k, modes[0])?;
    mode("byidset order", snap, k, modes[1])?;
    dom.map_or(Ok(()), |d| dominators(snap, d))
}
