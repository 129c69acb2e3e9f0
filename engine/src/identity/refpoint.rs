//! heapy's `setref` reference point, for queries: a query moved across it ([`rebase`], the
//! page's "new since reference point" switch). The `heapnew`/`heapref` sets themselves are
//! the loaded heap's ([`crate::heap::reference`]). See `docs/identity.md`.

pub use crate::heap::reference::NO_REFERENCE;
pub use crate::heap::snapshot::{ProcessIdentity, ReferencePoint};
use crate::heap::Heap;
use crate::query::{Expr, Query, QueryError, RowLabels, Selector};
use std::sync::Arc;

/// The query with every `heap` atom made `heapnew` (`to_new`), or every `heapnew` made
/// `heap` again, and every row picked by index picked by its label instead, so that the
/// step keeps meaning the same kind in the other set (the page's "new since reference
/// point" switch). The query is evaluated once for the labels; its tree is bounded by the
/// parser's step limit.
pub fn rebase(heap: &Heap, q: &Query, to_new: bool) -> Result<Query, QueryError> {
    if to_new && heap.reference_point().is_none() {
        return Err(QueryError { position: 0, message: NO_REFERENCE.into() });
    }
    // only rows picked by index need the query evaluated (for their labels)
    let labels = if has_index_row(&q.expr) { heap.row_labels(&q.expr)? } else { RowLabels::default() };
    Ok(Query { expr: rebase_expr(&q.expr, to_new, &labels), view: q.view })
}

fn rebase_expr(e: &Expr, to_new: bool, labels: &RowLabels) -> Expr {
    let sub = |x: &Expr| Arc::new(rebase_expr(x, to_new, labels));
    match e {
        Expr::Heap if to_new => Expr::HeapNew { position: 0 },
        Expr::HeapNew { .. } if !to_new => Expr::Heap,
        Expr::Row { of, relation, selector, position } => {
            let selector = match selector {
                Selector::Index(_) => Selector::Label(labels.get(&(e as *const Expr)).cloned().unwrap_or_default()),
                label => label.clone(),
            };
            Expr::Row { of: sub(of), relation: *relation, selector, position: *position }
        }
        Expr::Referrers(of) => Expr::Referrers(sub(of)),
        Expr::Referents(of) => Expr::Referents(sub(of)),
        Expr::Dominos(of) => Expr::Dominos(sub(of)),
        Expr::Imdom(of) => Expr::Imdom(sub(of)),
        Expr::Binary { op, lhs, rhs } => Expr::Binary { op: *op, lhs: sub(lhs), rhs: sub(rhs) },
        other => other.clone(),
    }
}

/// Whether a query uses `heapnew` anywhere (the switch is on).
pub fn uses_heapnew(e: &Expr) -> bool {
    any_node(e, |e| matches!(e, Expr::HeapNew { .. }))
}

fn has_index_row(e: &Expr) -> bool {
    any_node(e, |e| matches!(e, Expr::Row { selector: Selector::Index(_), .. }))
}

/// Whether any node of the tree is `wanted`. Walks the tree with a stack.
fn any_node(e: &Expr, wanted: impl Fn(&Expr) -> bool) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if wanted(e) {
            return true;
        }
        match e {
            Expr::Row { of, .. } | Expr::Referrers(of) | Expr::Referents(of) | Expr::Dominos(of) | Expr::Imdom(of) => {
                stack.push(of)
            }
            Expr::Binary { lhs, rhs, .. } => {
                stack.push(lhs);
                stack.push(rhs);
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::testing::small_snapshot_seen;
    use crate::{read_snapshot, Heap, Query};

    #[test]
    fn heapnew_and_heapref_split_the_heap_at_the_reference_point() {
        let h = Heap::new(read_snapshot(&small_snapshot_seen(&[(6, 3), (7, 3), (12, 5)], Some(2))).unwrap());
        assert_eq!(h.heapnew().unwrap().as_slice(), &[6, 7, 12]);
        assert_eq!(h.heapref().unwrap().len() + 3, h.heap().len());
        let s = h.select(&Query::parse("heapnew & heap.byclodo[\"m.A\"]").unwrap()).unwrap();
        assert_eq!(s.set.as_slice(), &[6]);
        assert_eq!(Query::parse("heapnew.bytype").unwrap().to_string(), "heapnew.bytype");
        assert_eq!(Query::parse("heap - heapref").unwrap().to_string(), "heap - heapref");
    }

    #[test]
    fn rebase_swaps_the_atoms_and_pins_rows_by_label() {
        let h = Heap::new(read_snapshot(&small_snapshot_seen(&[(6, 3), (7, 3), (12, 5)], Some(2))).unwrap());
        let q = Query::parse("heap.byclodo[0].referrers - heap.bytype[\"str\"]").unwrap();
        let new = super::rebase(&h, &q, true).unwrap();
        assert_eq!(new.to_string(), "heapnew.byclodo[\"dict (no owner)\"].referrers - heapnew.bytype[\"str\"]");
        assert!(super::uses_heapnew(&new.expr));
        let back = super::rebase(&h, &new, false).unwrap();
        assert_eq!(back.to_string(), "heap.byclodo[\"dict (no owner)\"].referrers - heap.bytype[\"str\"]");
        assert!(!super::uses_heapnew(&back.expr));
        let old = Heap::new(read_snapshot(&crate::testing::small_snapshot()).unwrap());
        assert!(super::rebase(&old, &q, true).is_err());
    }

    #[test]
    fn seen_marks_must_cover_every_object_and_old_files_load_without_them() {
        let mut w = crate::SnapshotWriter::new(Vec::new()).unwrap();
        let t = w.add_type(None, "str").unwrap();
        w.object(0, None, 0, &[]).unwrap();
        w.object(0x10, Some(t), 50, &[]).unwrap();
        w.first_seen(&[0]);
        let e = read_snapshot(&w.finish(&serde_json::json!({})).unwrap()).unwrap_err();
        assert!(e.to_string().contains("seen marks 1 objects, but there are 2"), "{e}");
        let old = read_snapshot(&crate::testing::small_snapshot()).unwrap();
        assert!(old.first_seen.is_empty() && old.meta.process.is_none() && old.meta.capture_seq.is_none());
    }

    #[test]
    fn without_a_reference_point_heapnew_is_an_error_at_the_atom() {
        let h = Heap::new(read_snapshot(&small_snapshot_seen(&[], None)).unwrap());
        let e = h.select(&Query::parse("heap - heapnew").unwrap()).unwrap_err();
        assert_eq!(e.position, 7);
        assert!(e.message.contains("heaplens.setref()"), "{e}");
        let old = Heap::new(read_snapshot(&crate::testing::small_snapshot()).unwrap());
        assert!(old.select(&Query::parse("heapref").unwrap()).is_err());
        assert_eq!(old.reference_point(), None);
    }
}
