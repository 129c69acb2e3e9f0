//! Engine → wire for heapy's reference pattern (`rp`), and the text of the `rp` command.

use heaplens_engine::rp::{rp, Marker, ReferencePattern};
use heaplens_engine::{Heap, Query, QueryError};
use heaplens_wire::{RpLineView, RpView};

/// heapy's `rp` of `query`'s set to `depth`, at most `limit` lines.
pub fn rp_view(snapshot: &str, heap: &Heap, query: &Query, depth: u32, limit: usize) -> Result<RpView, QueryError> {
    let base = query.set_query();
    let set = heap.select(&base)?.set;
    let p = rp(heap, &set, depth, limit);
    let lines = (0..p.lines.len()).map(|i| line_view(&p, &base, i)).collect();
    Ok(RpView {
        snapshot: snapshot.to_owned(),
        query: base.to_string(),
        depth,
        lines,
        complete: p.complete,
        text: p.text,
    })
}

fn line_view(p: &ReferencePattern, base: &Query, i: usize) -> RpLineView {
    let l = &p.lines[i];
    RpLineView {
        name: l.name.clone(),
        depth: l.depth,
        parent: l.parent,
        marker: l.marker.to_string(),
        seen: match l.marker {
            Marker::Seen(n) => Some(n),
            _ => None,
        },
        count: l.set.len() as u64,
        size: l.size,
        kind: l.kind.clone(),
        set_query: p.line_query(base, i).map(|q| q.to_string()),
        members: l.members.clone(),
        text: l.text.clone(),
    }
}

/// heapy's `str(hp.iso(...).rp)` of `query`'s set (its first page).
pub fn rp_text(heap: &Heap, query: &Query, depth: u32) -> Result<String, QueryError> {
    let set = heap.select(&query.set_query())?.set;
    Ok(rp(heap, &set, depth, 0).text)
}
