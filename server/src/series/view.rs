//! Engine series and dump packages → wire types.

use crate::http::error::ApiError;
use crate::store::series::Series;
use crate::store::Store;
use heaplens_engine::heapydump::{package_title, render_package, row_header, Package};
use heaplens_engine::series::{heap_sample, top_kinds, Measure};
use heaplens_engine::Relation;
use heaplens_wire::{PackageRow, PackageView, SeriesSample, SeriesView};

/// One package with its rows and guppy's text.
pub fn package_view(index: usize, p: &Package) -> PackageView {
    let mut cumulative = 0;
    let rows = p
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            cumulative += r.size;
            PackageRow { index: i as u32, count: r.count, size: r.size, cumulative, label: r.label.clone() }
        })
        .collect();
    PackageView {
        index: index as u32,
        format: p.format.name().to_owned(),
        timemade: p.timemade,
        count: p.count,
        size: p.size,
        kindname: p.kindname.clone(),
        kindheader: p.kindheader.clone(),
        b_count: p.b_count,
        b_size: p.b_size,
        title: package_title(p),
        header: row_header(p),
        rows,
        text: render_package(p, false),
    }
}

/// The samples of a series as packages: a dump's own, or each snapshot partitioned by `by`.
/// Snapshots are taken one at a time from the store (loaded again if the memory budget
/// unloaded them, and free to be unloaded again after), never all at once; one that can
/// no longer be read is an error naming it.
pub fn samples(store: &Store, series: &Series, by: Relation) -> Result<Vec<Package>, ApiError> {
    match series {
        Series::Dump(d) => Ok(d.packages.clone()),
        Series::Snapshots(info) => info
            .snapshots
            .iter()
            .map(|id| {
                let l = store
                    .get(id)
                    .ok_or_else(|| ApiError::not_found(format!("snapshot {id:?} of the series is gone")))?;
                Ok(heap_sample(&l.heap, by))
            })
            .collect(),
    }
}

/// The series with its top `k` kinds by `measure`.
pub fn series_view(
    store: &Store,
    series: &Series,
    by: Relation,
    measure: Measure,
    k: usize,
) -> Result<SeriesView, ApiError> {
    let packages = samples(store, series, by)?;
    let top = top_kinds(&packages.iter().collect::<Vec<_>>(), measure, k);
    let snapshots = &series.info().snapshots;
    Ok(SeriesView {
        info: series.info().clone(),
        by: matches!(series, Series::Snapshots(..)).then(|| by.name().to_owned()),
        measure: measure.name().to_owned(),
        kinds: top.kinds,
        samples: packages
            .iter()
            .enumerate()
            .map(|(i, p)| SeriesSample {
                index: i as u32,
                timemade: p.timemade,
                count: p.count,
                size: p.size,
                format: p.format.name().to_owned(),
                kindheader: p.kindheader.clone(),
                snapshot: snapshots.get(i).cloned(),
            })
            .collect(),
        values: top.values.into_iter().map(|row| row.into_iter().map(|(c, s)| [c, s]).collect()).collect(),
    })
}
