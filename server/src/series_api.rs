//! HTTP handlers of series and heapy dump files: list and show series, one package's
//! table, the difference of two packages, a table exported as a heapy dump package, and
//! uploads of dump files (through `POST /api/snapshots`, told apart by content).

use crate::api::AppState;
use crate::error::ApiError;
use crate::series::{self, Series};
use crate::store::id_from_name;
use crate::views::resolve_relation;
use crate::views_series::{package_view, samples, series_view};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use heaplens_engine::heapydump::{diff, read_dump, write_partition, Package};
use heaplens_engine::partition::partition;
use heaplens_engine::series::Measure;
use heaplens_engine::Relation;
use heaplens_wire::{PackageView, SeriesList, SeriesView};
use serde::Deserialize;

/// Kinds shown per series unless `k` says otherwise, and the most.
pub const SERIES_K: usize = 8;
pub const SERIES_K_MAX: usize = 50;

#[derive(Deserialize)]
pub struct SeriesParams {
    by: Option<String>,
    measure: Option<String>,
    k: Option<usize>,
    a: Option<usize>,
    b: Option<usize>,
}

fn series_params(p: Result<Query<SeriesParams>, QueryRejection>) -> Result<SeriesParams, ApiError> {
    p.map(|Query(p)| p).map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))
}

fn found(st: &AppState, id: &str) -> Result<Series, ApiError> {
    series::find(&st.store, id).ok_or_else(|| ApiError::not_found(format!("no series with id {id:?}")))
}

/// The relation snapshots are partitioned by: one with kinds (not `id`/`idset`).
fn kind_relation(by: Option<&str>) -> Result<Relation, ApiError> {
    let r = resolve_relation(&heaplens_engine::Query::heap(), by)?;
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
    p: Result<Query<SeriesParams>, QueryRejection>,
) -> Result<Json<SeriesView>, ApiError> {
    let p = series_params(p)?;
    let s = found(&st, &id)?;
    let by = kind_relation(p.by.as_deref())?;
    let measure = match p.measure.as_deref() {
        None => Measure::Size,
        Some(m) => Measure::parse(m)
            .ok_or_else(|| ApiError::bad_request(format!("unknown measure {m:?}; known: size, count")))?,
    };
    let k = p.k.unwrap_or(SERIES_K).clamp(1, SERIES_K_MAX);
    let view = tokio::task::spawn_blocking(move || series_view(&s, by, measure, k))
        .await
        .map_err(|e| ApiError::internal(format!("series task failed: {e}")))?;
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
    by: Option<&str>,
    f: impl FnOnce(Vec<Package>) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let s = found(st, id)?;
    let by = kind_relation(by)?;
    tokio::task::spawn_blocking(move || f(samples(&s, by)))
        .await
        .map_err(|e| ApiError::internal(format!("series task failed: {e}")))?
}

/// Sample `n`'s table (a snapshot's partitioned by `by`).
pub async fn get_package(
    State(st): State<AppState>,
    Path((id, n)): Path<(String, usize)>,
    p: Result<Query<SeriesParams>, QueryRejection>,
) -> Result<Json<PackageView>, ApiError> {
    let p = series_params(p)?;
    let view = on_samples(&st, &id, p.by.as_deref(), move |packages| {
        let n = sample_index(Some(n), "package", packages.len())?;
        Ok(package_view(n, &packages[n]))
    })
    .await?;
    Ok(Json(view))
}

/// heapy's difference of samples `a` and `b` (`A - B`, `DiffFormat`).
pub async fn get_diff(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<SeriesParams>, QueryRejection>,
) -> Result<Json<PackageView>, ApiError> {
    let p = series_params(p)?;
    let (a, b) = (p.a, p.b);
    let view = on_samples(&st, &id, p.by.as_deref(), move |packages| {
        let a = sample_index(a, "a", packages.len())?;
        let b = sample_index(b, "b", packages.len())?;
        let d = diff(&packages[a], &packages[b], packages[a].timemade).map_err(ApiError::bad_request)?;
        Ok(package_view(0, &d))
    })
    .await?;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct DumpParams {
    q: Option<String>,
    by: Option<String>,
}

/// A snapshot's table (any query, any relation) as one heapy dump package, a download
/// that guppy3's `hp.load()` reads (`byid` as `IdFormat`, the rest as `SetFormat`).
pub async fn get_heapy_dump(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<DumpParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let snap = st.store.get(&id).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let relation = resolve_relation(&query, p.by.as_deref())?;
    let file = format!("{id}.{}.dump", relation.name());
    let text = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let heap = &snap.heap;
        let set = heap.select(&query)?.set;
        let mut out = Vec::new();
        write_partition(heap, &set, &partition(heap, &set, relation), heap.snap.meta.time, &mut out)
            .map_err(|e| ApiError::internal(format!("cannot write the dump: {e}")))?;
        Ok(out)
    })
    .await
    .map_err(|e| ApiError::internal(format!("dump task failed: {e}")))??;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        text,
    )
        .into_response())
}

/// An uploaded heapy dump file (already written to `path`): every package is read (a bad
/// file is answered `bad_dump` naming the line, and nothing is added), kept in the data
/// folder as `NAME.dump` when there is one, and added as a series (201, its info).
pub async fn upload_dump(st: &AppState, name: &str, path: std::path::PathBuf) -> Result<Response, ApiError> {
    let read = path.clone();
    let packages = tokio::task::spawn_blocking(move || std::fs::read(&read).map(|b| read_dump(&b)))
        .await
        .map_err(|e| ApiError::internal(format!("load task failed: {e}")))?
        .map_err(|e| ApiError::internal(format!("cannot read upload: {e}")))?
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_dump", e.to_string()))?;
    let stem = id_from_name(name.strip_suffix(".dump").unwrap_or(name).trim_end_matches(".hls"));
    let mut file_name = format!("{stem}.dump");
    if let Some(data) = &st.store.data_dir {
        let mut n = 2;
        while data.join(&file_name).exists() {
            file_name = format!("{stem}-{n}.dump");
            n += 1;
        }
        std::fs::rename(&path, data.join(&file_name))
            .map_err(|e| ApiError::internal(format!("cannot store upload: {e}")))?;
    }
    let info = st.store.series.insert(&file_name, packages);
    Ok((StatusCode::CREATED, Json(info)).into_response())
}
