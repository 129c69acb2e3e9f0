//! Engine partitions → wire types (the JSON the app and `table --json` see): a query's set
//! or any set ([`set_view`], shared with identity) as rows by page.

use heaplens_engine::heap::brief::{id_header, id_kind_name};
use heaplens_engine::partition::partition;
use heaplens_engine::query::Selector;
use heaplens_engine::render::{id_title, row_stats_upto, title};
use heaplens_engine::{Heap, Query, QueryError, Relation};
use heaplens_wire::{Breadcrumb, PartitionRow, PartitionView, RelationInfo, RelationList};

pub fn relation_list() -> RelationList {
    RelationList {
        relations: Relation::ALL
            .iter()
            .map(|r| RelationInfo { name: r.name().to_owned(), header: r.header().to_owned(), doc: r.doc().to_owned() })
            .collect(),
    }
}

/// Evaluates `query`, partitions its set by `relation`, and returns rows
/// `offset..offset + limit` (all rows when `limit` is `None`); with a non-empty `filter`,
/// of the rows whose label contains it (ignoring case), each with its own index.
pub fn partition_view(
    snapshot: &str,
    heap: &Heap,
    query: &Query,
    relation: Relation,
    offset: usize,
    limit: Option<usize>,
    filter: Option<&str>,
) -> Result<PartitionView, QueryError> {
    let selection = heap.select(query)?;
    let crumbs = selection.crumbs.iter().map(|c| Breadcrumb {
        query: c.query.to_string(),
        label: c.label.clone(),
        relation: c.relation.map(|r| r.name().to_owned()),
    });
    let view = SetView { snapshot, set: &selection.set, base: Some(query.set_query()), crumbs: crumbs.collect() };
    Ok(set_view(heap, view, relation, offset, limit, filter))
}

/// A set to show: its snapshot, the query that selects it (rows get their queries from
/// it; `None` for a set no query names, whose rows then have an empty query) and the crumbs.
pub struct SetView<'a> {
    pub snapshot: &'a str,
    pub set: &'a heaplens_engine::ObjSet,
    pub base: Option<Query>,
    pub crumbs: Vec<Breadcrumb>,
}

/// Partitions a set by `relation` and returns rows `offset..offset + limit`, as
/// [`partition_view`] does for a query's set.
pub fn set_view(
    heap: &Heap,
    v: SetView<'_>,
    relation: Relation,
    offset: usize,
    limit: Option<usize>,
    filter: Option<&str>,
) -> PartitionView {
    let SetView { snapshot, set, base, crumbs: breadcrumbs } = v;
    let p = partition(heap, set, relation);
    let matched = filter.filter(|f| !f.is_empty()).map(|f| p.matching_rows(heap, f));
    let listed = matched.as_ref().map_or(p.len(), Vec::len);
    let end = limit.map_or(listed, |l| offset.saturating_add(l).min(listed));
    let index = |k: usize| matched.as_ref().map_or(k, |m| m[k] as usize);
    // cumulative sizes run over the whole partition, up to the last row returned
    let stats = row_stats_upto(heap, &p, if end > 0 { index(end - 1) + 1 } else { 0 });
    let rows = (offset.min(end)..end)
        .map(index)
        .map(|i| {
            let (r, st) = (p.row(heap, i), stats[i]);
            PartitionRow {
                index: i as u32,
                count: r.count,
                count_pct: st.count_pct,
                size: r.size,
                size_pct: st.size_pct,
                cumulative: st.cumulative,
                cumulative_pct: st.cumulative_pct,
                label: r.label,
                query: base
                    .as_ref()
                    .map(|b| b.then(relation, Selector::Index(i as i64)).to_string())
                    .unwrap_or_default(),
                addr: p.object(i).map(|o| format!("{:#x}", heap.snap.addr[o.idx()])),
            }
        })
        .collect();
    PartitionView {
        snapshot: snapshot.to_owned(),
        query: base.map(|b| b.to_string()).unwrap_or_default(),
        relation: relation.name().to_owned(),
        title: match relation {
            Relation::Id => id_title(p.count, &id_kind_name(heap, set), p.size),
            _ => title(p.count, p.size),
        },
        header: match relation {
            Relation::Id => id_header(heap, set),
            _ => relation.header().to_owned(),
        },
        count: p.count,
        size: p.size,
        total_rows: p.len() as u64,
        matched_rows: matched.as_ref().map(|m| m.len() as u64),
        offset: offset.min(end) as u64,
        rows,
        breadcrumbs,
    }
}
