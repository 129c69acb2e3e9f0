//! Series over time (heapy's `pb()`) and heapy dump files: list and show series, one
//! package's table, the difference of two packages, a table exported as a heapy dump
//! package; [`view`] converts them to wire types, [`cli`] holds the `heapy-dump` commands.
//! The series themselves are kept in [`crate::store::series`]; dump files are uploaded
//! through `POST /api/snapshots` (told apart by content).

pub mod cli;
pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{By, Params, SetQuery, Snap};
use crate::state::{AppState, SERIES_K, SERIES_K_MAX};
use crate::store::series::{self, Series};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use heaplens_engine::heapydump::{diff, write_partition, Package};
use heaplens_engine::partition::partition;
use heaplens_engine::series::Measure;
use heaplens_engine::Relation;
use heaplens_wire::{PackageView, SeriesList, SeriesView};
use serde::Deserialize;
use view::{package_view, samples, series_view};

#[derive(Deserialize)]
pub struct SeriesParams {
    measure: Option<String>,
    k: Option<usize>,
    a: Option<usize>,
    b: Option<usize>,
}

fn found(st: &AppState, id: &str) -> Result<Series, ApiError> {
    series::find(&st.store, id).ok_or_else(|| ApiError::not_found(format!("no series with id {id:?}")))
}

/// The relation snapshots are partitioned by: one with kinds (not `id`/`idset`).
fn kind_relation(by: &By) -> Result<Relation, ApiError> {
    let r = by.resolve(&heaplens_engine::Query::heap())?;
    if matches!(r, Relation::Id | Relation::Idset) {
        return Err(ApiError::bad_request(format!(
            "a series needs a relation with kinds; {} has one row per object",
            r.name()
        )));
    }
    Ok(r)
}

pub async fn list_series(State(st): State<AppState>) -> Json<SeriesList> {
    Json(series::list(&st.store))
}

/// A series with its top `k` kinds (default 8, at most 50) by `measure` (`size`, default,
/// or `count`); snapshots are partitioned by `by` (default clodo).
pub async fn get_series(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Params(p): Params<SeriesParams>,
    by: By,
) -> Result<Json<SeriesView>, ApiError> {
    let s = found(&st, &id)?;
    let by = kind_relation(&by)?;
    let measure = match p.measure.as_deref() {
        None => Measure::Size,
        Some(m) => Measure::parse(m)
            .ok_or_else(|| ApiError::bad_request(format!("unknown measure {m:?}; known: size, count")))?,
    };
    let k = p.k.unwrap_or(SERIES_K).clamp(1, SERIES_K_MAX);
    let store = st.store.clone();
    let view = blocking("series", move || series_view(&store, &s, by, measure, k)).await?;
    Ok(Json(view))
}

fn sample_index(n: Option<usize>, what: &str, len: usize) -> Result<usize, ApiError> {
    let n = n.ok_or_else(|| ApiError::bad_request(format!("missing parameter {what} (a sample index)")))?;
    if n >= len {
        return Err(ApiError::not_found(format!("no sample {n} ({what}): the series has {len} samples")));
    }
    Ok(n)
}

/// Runs `f` on a series' samples (snapshots partitioned by `by`) off the async threads.
async fn on_samples<T: Send + 'static>(
    st: &AppState,
    id: &str,
    by: &By,
    f: impl FnOnce(Vec<Package>) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let s = found(st, id)?;
    let by = kind_relation(by)?;
    let store = st.store.clone();
    blocking("series", move || f(samples(&store, &s, by)?)).await
}

/// Sample `n`'s table (a snapshot's partitioned by `by`).
pub async fn get_package(
    State(st): State<AppState>,
    Path((id, n)): Path<(String, usize)>,
    Params(_): Params<SeriesParams>,
    by: By,
) -> Result<Json<PackageView>, ApiError> {
    let view = on_samples(&st, &id, &by, move |packages| {
        let n = sample_index(Some(n), "package", packages.len())?;
        Ok(package_view(n, &packages[n]))
    })
    .await?;
    Ok(Json(view))
}

/// heapy's difference of samples `a` and `b` (`A - B`, `DiffFormat`).
pub async fn get_sample_diff(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Params(p): Params<SeriesParams>,
    by: By,
) -> Result<Json<PackageView>, ApiError> {
    let (a, b) = (p.a, p.b);
    let view = on_samples(&st, &id, &by, move |packages| {
        let a = sample_index(a, "a", packages.len())?;
        let b = sample_index(b, "b", packages.len())?;
        let d = diff(&packages[a], &packages[b], packages[a].timemade).map_err(ApiError::bad_request)?;
        Ok(package_view(0, &d))
    })
    .await?;
    Ok(Json(view))
}

/// A snapshot's table (any query, any relation) as one heapy dump package, a download
/// that guppy3's `hp.load()` reads (`byid` as `IdFormat`, the rest as `SetFormat`).
pub async fn get_heapy_dump(Snap { id, snap }: Snap, SetQuery(query): SetQuery, by: By) -> Result<Response, ApiError> {
    let relation = by.resolve(&query)?;
    let file = format!("{id}.{}.dump", relation.name());
    let text = blocking("dump", move || -> Result<Vec<u8>, ApiError> {
        let heap = &snap.heap;
        let set = heap.select(&query)?.set;
        let mut out = Vec::new();
        write_partition(heap, &set, &partition(heap, &set, relation), heap.snap.meta.time, &mut out)
            .map_err(|e| ApiError::internal(format!("cannot write the dump: {e}")))?;
        Ok(out)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        text,
    )
        .into_response())
}
