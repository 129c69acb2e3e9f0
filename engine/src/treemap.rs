//! Treemap data: a set partitioned by one relation, each of the largest rows optionally
//! partitioned again by a second one, with the rest aggregated, and the drill-down query
//! of every cell (`Q.byR1[i]`, `Q.byR1[i].byR2[j]`).
//!
//! Built on [`partition`] and [`Partition::row_set`] only: one partition of the set, then
//! per shown row its members (taken out of the rest, largest row first) and their partition.

use crate::heap::Heap;
use crate::partition::{partition, Partition, Relation};
use crate::query::{Query, QueryError, Selector};

/// Rows shown when the caller does not say how many.
pub const DEFAULT_LIMIT: usize = 200;
/// Children shown per row when the caller does not say how many.
pub const DEFAULT_CHILD_LIMIT: usize = 50;

/// What was aggregated instead of shown: how many rows, objects and bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Other {
    pub rows: u64,
    pub count: u64,
    pub size: u64,
}

/// One rectangle: a row of the partition (or of a row's partition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub label: String,
    pub count: u64,
    pub size: u64,
    /// The row's index in its partition.
    pub index: u32,
    /// The query that selects the cell's set.
    pub query: String,
    /// The row's partition by the second relation (largest first), if one was asked for.
    pub children: Vec<Cell>,
    /// The children beyond the child limit, aggregated.
    pub other: Option<Other>,
    /// The row's retained size (`domisize` of its set), in a treemap sized by it.
    pub retained: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Treemap {
    /// The normalised query of the set.
    pub query: String,
    pub relation: Relation,
    pub then: Option<Relation>,
    pub count: u64,
    pub size: u64,
    pub cells: Vec<Cell>,
    /// The rows beyond the limit, aggregated.
    pub other: Option<Other>,
}

/// Why a treemap cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreemapError {
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The second relation has one row per object (`id`, `idset`): not a grouping.
    #[error("`{0}` cannot be the second relation of a treemap: it makes one row per object; use it as the first")]
    PerObject(&'static str),
}

/// Row `i` of `p` as a cell (its query refines `parent` by `p.relation`).
fn row_cell(heap: &Heap, p: &Partition, parent: &Query, i: usize) -> Cell {
    let row = p.row(heap, i);
    Cell {
        label: row.label,
        count: row.count,
        size: row.size,
        index: i as u32,
        query: parent.then(p.relation, Selector::Index(i as i64)).to_string(),
        children: Vec::new(),
        other: None,
        retained: None,
    }
}

/// The rows of `p` not among `cells`, aggregated (`None` when every row is a cell).
fn rest(p: &Partition, cells: &[Cell]) -> Option<Other> {
    (cells.len() < p.len()).then(|| Other {
        rows: (p.len() - cells.len()) as u64,
        count: p.count - cells.iter().map(|c| c.count).sum::<u64>(),
        size: p.size - cells.iter().map(|c| c.size).sum::<u64>(),
    })
}

/// The rows `0..limit` of `p` as cells, and the rest aggregated.
fn cells(heap: &Heap, p: &Partition, parent: &Query, limit: usize) -> (Vec<Cell>, Option<Other>) {
    let cells: Vec<Cell> = (0..p.len().min(limit)).map(|i| row_cell(heap, p, parent, i)).collect();
    let other = rest(p, &cells);
    (cells, other)
}

/// The treemap of `query`'s set by `by`, the first `limit` rows each split by `then` into
/// at most `child_limit` children.
pub fn treemap(
    heap: &Heap,
    query: &Query,
    by: Relation,
    then: Option<Relation>,
    limit: usize,
    child_limit: usize,
) -> Result<Treemap, TreemapError> {
    if let Some(r @ (Relation::Id | Relation::Idset)) = then {
        return Err(TreemapError::PerObject(r.name()));
    }
    let base = query.set_query();
    let set = heap.select(&base)?.set;
    let p = partition(heap, &set, by);
    let (mut cells, other) = cells(heap, &p, &base, limit);
    if let Some(then) = then {
        // Rows come largest first: taking each row's members out of what is left keeps the
        // work near one pass over the set for the usual few-big-rows partitions, instead of
        // one pass per row. (A row's members do not depend on the rest of the set, so
        // `row_set` of the remainder gives the same members.)
        let mut rest = set;
        for cell in &mut cells {
            let members = p.row_set(heap, &rest, cell.index as usize);
            rest = rest.sub(&members);
            let row_query = base.then(by, Selector::Index(cell.index as i64));
            let (children, other) = self::cells(heap, &partition(heap, &members, then), &row_query, child_limit);
            cell.children = children;
            cell.other = other;
        }
    }
    Ok(Treemap { query: base.to_string(), relation: by, then, count: p.count, size: p.size, cells, other })
}

/// Rows a treemap sized by retained size shows when the caller does not say (each row of a
/// grouping relation costs one walk of part of the heap).
pub const RETAINED_LIMIT: usize = 60;

/// The treemap of `query`'s set by `by`, each cell sized by its retained size (`domisize`):
/// for one-object relations (`id`) the `limit` objects retaining most, for groupings the
/// `limit` largest rows, largest retained first. Retained sizes overlap (a dict retains its
/// values), so the cells do not add up to the set.
pub fn treemap_retained(heap: &Heap, query: &Query, by: Relation, limit: usize) -> Result<Treemap, TreemapError> {
    let base = query.set_query();
    let set = heap.select(&base)?.set;
    let p = partition(heap, &set, by);
    let rows: Vec<usize> = if p.object(0).is_some() {
        let d = heap.dominators();
        let key = |&i: &usize| std::cmp::Reverse(p.object(i).map_or(0, |o| d.retained(o)));
        let mut all: Vec<usize> = (0..p.len()).collect();
        if limit < all.len() {
            all.select_nth_unstable_by_key(limit, key);
            all.truncate(limit);
        }
        all
    } else {
        (0..p.len().min(limit)).collect()
    };
    let retained = crate::retained::rows_retained_at(heap, &p, &set, &rows);
    let mut cells: Vec<Cell> =
        rows.iter().zip(retained).map(|(&i, r)| Cell { retained: Some(r), ..row_cell(heap, &p, &base, i) }).collect();
    cells.sort_by_key(|c| (std::cmp::Reverse(c.retained), c.index));
    let other = rest(&p, &cells);
    Ok(Treemap { query: base.to_string(), relation: by, then: None, count: p.count, size: p.size, cells, other })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_snapshot;
    use crate::testing::small_snapshot;

    fn small() -> Heap {
        Heap::new(read_snapshot(&small_snapshot()).unwrap())
    }

    #[test]
    fn rows_children_and_the_rest_aggregated() {
        let h = small();
        let t = treemap(&h, &Query::heap(), Relation::Type, Some(Relation::Clodo), 2, 1).unwrap();
        assert_eq!((t.count, t.size), (12, 1697));
        // dict: 5 objects, 1272 bytes; str; the other three types aggregated
        let labels: Vec<(&str, u64, u64)> = t.cells.iter().map(|c| (c.label.as_str(), c.count, c.size)).collect();
        assert_eq!(labels, vec![("dict", 5, 1272), ("str", 3, 153)]);
        assert_eq!(t.other, Some(Other { rows: 3, count: 4, size: 1697 - 1272 - 153 }));
        let dict = &t.cells[0];
        assert_eq!(dict.query, "heap.bytype[0]");
        assert_eq!(dict.children.len(), 1);
        assert_eq!(dict.children[0].label, "dict (no owner)");
        assert_eq!(dict.children[0].query, "heap.bytype[0].byclodo[0]");
        assert_eq!(dict.other, Some(Other { rows: 2, count: 3, size: 1272 - 704 }));
        // every cell's query selects the cell
        for c in t.cells.iter().chain(t.cells.iter().flat_map(|c| &c.children)) {
            let set = h.select(&Query::parse(&c.query).unwrap()).unwrap().set;
            assert_eq!((set.len() as u64, h.size_of(&set)), (c.count, c.size), "{}", c.query);
        }
    }

    #[test]
    fn no_second_relation_means_no_children_and_per_object_ones_are_refused() {
        let h = small();
        let t = treemap(&h, &Query::parse("heap.byclodo[0]").unwrap(), Relation::Id, None, 200, 50).unwrap();
        assert_eq!(t.cells.len(), 2);
        assert!(t.cells.iter().all(|c| c.children.is_empty() && c.other.is_none()));
        assert_eq!(t.other, None);
        assert_eq!(t.cells[0].query, "heap.byclodo[0].byid[0]");
        for r in [Relation::Id, Relation::Idset] {
            let e = treemap(&h, &Query::heap(), Relation::Type, Some(r), 200, 50).unwrap_err();
            assert!(e.to_string().contains(&format!("`{}` cannot be the second relation", r.name())), "{e}");
        }
        let e = treemap(&h, &Query::parse("heap.byclodo[99]").unwrap(), Relation::Type, None, 200, 50).unwrap_err();
        assert!(matches!(e, TreemapError::Query(QueryError { position: 13, .. })), "{e:?}");
    }

    #[test]
    fn every_pair_of_relations_gives_cells_that_their_queries_select() {
        let h = small();
        let rels = [Relation::Clodo, Relation::Type, Relation::Rcs, Relation::Via, Relation::Size, Relation::Module];
        for by in rels.into_iter().chain([Relation::Id, Relation::Unity]) {
            for then in rels {
                let t = treemap(&h, &Query::heap(), by, Some(then), 200, 50).unwrap();
                let children: u64 = t.cells.iter().flat_map(|c| &c.children).map(|c| c.count).sum();
                assert_eq!(children, 12, "{by:?} {then:?}");
                for c in t.cells.iter().flat_map(|c| &c.children) {
                    let set = h.select(&Query::parse(&c.query).unwrap()).unwrap().set;
                    assert_eq!((set.len() as u64, h.size_of(&set)), (c.count, c.size), "{}", c.query);
                }
            }
        }
    }

    #[test]
    fn sized_by_retained_size() {
        let h = small();
        let t = treemap_retained(&h, &Query::heap(), Relation::Type, 2).unwrap();
        assert_eq!(t.cells.len(), 2);
        for c in &t.cells {
            let set = h.select(&Query::parse(&c.query).unwrap()).unwrap().set;
            assert_eq!(c.retained, Some(crate::retained::domisize(&h, &set)), "{}", c.query);
        }
        assert!(t.cells[0].retained >= t.cells[1].retained);
        assert_eq!(t.other.unwrap().rows, 3);
        // one object per row: the objects retaining most, whichever row they are
        let t = treemap_retained(&h, &Query::heap(), Relation::Id, 3).unwrap();
        let mut all: Vec<u64> = h.heap().iter().map(|o| h.dominators().retained(o)).collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(t.cells.iter().map(|c| c.retained.unwrap()).collect::<Vec<_>>(), all[..3].to_vec());
    }

    #[test]
    fn many_cells() {
        // every object its own row, each split by type: 12 cells and 12 children
        let h = small();
        let t = treemap(&h, &Query::heap(), Relation::Idset, Some(Relation::Type), 5000, 50).unwrap();
        assert_eq!(t.cells.len(), 12);
        assert!(t.cells.iter().all(|c| c.children.len() == 1 && c.children[0].count == 1));
    }
}
