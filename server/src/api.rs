//! The HTTP API (`/api/...`) and the static app with SPA fallback. Handlers stay thin:
//! parameters → engine → view type → JSON.

use crate::error::ApiError;
use crate::store::{id_from_name, Store};
use crate::views::{partition_view, relation_list, resolve_relation};
use crate::views_object::{graph_view, object_at, object_view, parse_addr, shpaths_text, treemap_view};
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_wire::{GraphView, ObjectView, PartitionView, RelationList, SnapshotInfo, SnapshotList, TreemapView};
use http_body_util::BodyExt;
use serde::Deserialize;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// Rows returned when the client does not say how many.
pub const DEFAULT_LIMIT: usize = 1000;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    /// Largest snapshot upload accepted, in bytes.
    pub max_upload: u64,
}

/// The whole app: `/api` routes, and when `static_dir` is given, the built app with SPA
/// fallback (any other path serves `index.html`).
pub fn router(state: AppState, static_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/snapshots", get(list_snapshots).post(upload_snapshot))
        .route("/snapshots/{id}", get(get_snapshot))
        .route("/snapshots/{id}/partition", get(get_partition))
        .route("/snapshots/{id}/table", get(get_table))
        .route("/snapshots/{id}/objects/{addr}", get(get_object))
        .route("/snapshots/{id}/graph", get(get_graph))
        .route("/snapshots/{id}/treemap", get(get_treemap))
        .route("/snapshots/{id}/shpaths", get(get_shpaths))
        .route("/relations", get(get_relations))
        .route("/series", get(crate::series_api::list_series))
        .route("/series/{id}", get(crate::series_api::get_series))
        .route("/series/{id}/packages/{n}", get(crate::series_api::get_package))
        .route("/series/{id}/diff", get(crate::series_api::get_diff))
        .route("/snapshots/{id}/heapy-dump", get(crate::series_api::get_heapy_dump))
        .fallback(|| async { ApiError::not_found("no such API endpoint") })
        .layer(DefaultBodyLimit::disable())
        .with_state(state);
    let app = Router::new().nest("/api", api);
    match static_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            app.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
        }
        None => app.fallback(|| async { ApiError::not_found("this server was started without the app (--static)") }),
    }
}

async fn list_snapshots(State(st): State<AppState>) -> Json<SnapshotList> {
    Json(st.store.list())
}

fn loaded(st: &AppState, id: &str) -> Result<Arc<crate::store::Loaded>, ApiError> {
    st.store.get(id).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))
}

async fn get_snapshot(State(st): State<AppState>, Path(id): Path<String>) -> Result<Json<SnapshotInfo>, ApiError> {
    Ok(Json(loaded(&st, &id)?.info.clone()))
}

async fn get_relations() -> Json<RelationList> {
    Json(relation_list())
}

#[derive(Deserialize)]
pub struct PartitionParams {
    q: Option<String>,
    by: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
    all: Option<bool>,
    /// Only rows whose label contains this, ignoring case (`/partition` only).
    filter: Option<String>,
}

fn params(p: Result<Query<PartitionParams>, QueryRejection>) -> Result<PartitionParams, ApiError> {
    p.map(|Query(p)| p).map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))
}

async fn get_partition(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<PartitionParams>, QueryRejection>,
) -> Result<Json<PartitionView>, ApiError> {
    let p = params(p)?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let relation = resolve_relation(&query, p.by.as_deref())?;
    let (offset, limit) = (p.offset.unwrap_or(0), p.limit.unwrap_or(DEFAULT_LIMIT));
    let view = tokio::task::spawn_blocking(move || {
        partition_view(&id, &snap.heap, &query, relation, offset, Some(limit), p.filter.as_deref())
    })
    .await
    .map_err(|e| ApiError::internal(format!("partition task failed: {e}")))??;
    Ok(Json(view))
}

/// heapy's text of a partition (`all=true` for every row), as `text/plain`.
async fn get_table(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<PartitionParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = params(p)?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let relation = resolve_relation(&query, p.by.as_deref())?;
    let all = p.all.unwrap_or(false);
    let text = tokio::task::spawn_blocking(move || -> Result<String, ApiError> {
        let set = snap.heap.select(&query)?.set;
        Ok(render_table(&snap.heap, &set, &partition(&snap.heap, &set, relation), all))
    })
    .await
    .map_err(|e| ApiError::internal(format!("table task failed: {e}")))??;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text + "\n").into_response())
}

/// Edges listed per direction by the inspector unless `limit` says otherwise, and the most.
pub const OBJECT_EDGE_LIMIT: usize = heaplens_engine::inspect::DEFAULT_EDGE_LIMIT;
pub const OBJECT_EDGE_MAX: usize = 5000;

#[derive(Deserialize)]
pub struct ObjectParams {
    limit: Option<usize>,
}

/// One object by address (`0x7f12ab`): the inspector's view. `limit` (default 200, at most
/// 5000: larger values are clamped) caps each edge list; totals are always exact.
async fn get_object(
    State(st): State<AppState>,
    Path((id, addr)): Path<(String, String)>,
    p: Result<Query<ObjectParams>, QueryRejection>,
) -> Result<Json<ObjectView>, ApiError> {
    let limit = p
        .map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?
        .0
        .limit
        .unwrap_or(OBJECT_EDGE_LIMIT)
        .min(OBJECT_EDGE_MAX);
    let snap = loaded(&st, &id)?;
    let addr = parse_addr(&addr)?;
    let view = tokio::task::spawn_blocking(move || -> Result<ObjectView, ApiError> {
        let o = object_at(&snap.heap, addr)?;
        Ok(object_view(&id, &snap.heap, o, limit))
    })
    .await
    .map_err(|e| ApiError::internal(format!("object task failed: {e}")))??;
    Ok(Json(view))
}

/// Referrer groups kept per unfolded graph node unless `k` says otherwise, and the most.
pub const GRAPH_K: usize = heaplens_engine::refgraph::DEFAULT_K;
pub const GRAPH_K_MAX: usize = 100;

/// The parameters of `/graph`: `q`, `k`, and `expand` once per unfolded node.
struct GraphParams {
    q: Option<String>,
    expand: Vec<String>,
    k: Option<usize>,
}

/// Reads `/graph`'s parameters from the raw query string with `form_urlencoded`, because
/// `expand` repeats (`expand=Q1&expand=Q2`), which axum's `Query` (serde_urlencoded) cannot
/// gather into a list. Unknown parameters are ignored, as `Query` does.
fn graph_params(raw: Option<&str>) -> Result<GraphParams, ApiError> {
    let mut p = GraphParams { q: None, expand: Vec::new(), k: None };
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match &*key {
            "q" => p.q = Some(value.into_owned()),
            "expand" => p.expand.push(value.into_owned()),
            "k" => {
                p.k = Some(value.parse().map_err(|_| {
                    ApiError::bad_request(format!("bad query parameters: k: expected a number, not {value:?}"))
                })?)
            }
            _ => {}
        }
    }
    Ok(p)
}

/// The referrer graph of `q`'s set (default `heap`), with every `expand` node unfolded
/// (`expand` repeats; see [`graph_params`]); `k` groups per node (default 12, at most 100).
async fn get_graph(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<GraphView>, ApiError> {
    let p = graph_params(raw.as_deref())?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let expand = p
        .expand
        .iter()
        .enumerate()
        .map(|(i, text)| {
            heaplens_engine::Query::parse(text).map_err(|e| {
                let mut err = ApiError::from(e);
                err.message = format!("in expand parameter {} ({text:?}): {}", i + 1, err.message);
                err
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let k = p.k.unwrap_or(GRAPH_K).min(GRAPH_K_MAX);
    let view = tokio::task::spawn_blocking(move || graph_view(&id, &snap.heap, &query, &expand, k))
        .await
        .map_err(|e| ApiError::internal(format!("graph task failed: {e}")))??;
    Ok(Json(view))
}

/// Rows and children per row of a treemap unless the client says otherwise, and the most.
pub const TREEMAP_LIMIT: usize = heaplens_engine::treemap::DEFAULT_LIMIT;
pub const TREEMAP_CHILD_LIMIT: usize = heaplens_engine::treemap::DEFAULT_CHILD_LIMIT;
pub const TREEMAP_MAX: usize = 5000;

#[derive(Deserialize)]
pub struct TreemapParams {
    q: Option<String>,
    by: Option<String>,
    then: Option<String>,
    limit: Option<usize>,
    child_limit: Option<usize>,
}

/// `q`'s set partitioned by `by` (default: the query's `.byX`, else clodo), the first
/// `limit` rows (default 200) each partitioned by `then` (optional; not `id`/`idset`) into
/// at most `child_limit` children (default 50); both limits clamped to 5000.
async fn get_treemap(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<TreemapParams>, QueryRejection>,
) -> Result<Json<TreemapView>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let by = resolve_relation(&query, p.by.as_deref())?;
    let then = p.then.as_deref().map(|t| resolve_relation(&query, Some(t))).transpose()?;
    let limit = p.limit.unwrap_or(TREEMAP_LIMIT).min(TREEMAP_MAX);
    let child_limit = p.child_limit.unwrap_or(TREEMAP_CHILD_LIMIT).min(TREEMAP_MAX);
    let view = tokio::task::spawn_blocking(move || treemap_view(&id, &snap.heap, &query, by, then, limit, child_limit))
        .await
        .map_err(|e| ApiError::internal(format!("treemap task failed: {e}")))??;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct ShpathsParams {
    q: Option<String>,
}

/// heapy's `shpaths` of `q`'s set as `text/plain`: the shortest paths from the root to its
/// members at the smallest depth, ten lines and `<... N more paths ...>` beyond eleven.
async fn get_shpaths(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<ShpathsParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let text = tokio::task::spawn_blocking(move || shpaths_text(&snap.heap, &query))
        .await
        .map_err(|e| ApiError::internal(format!("shpaths task failed: {e}")))??;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text + "\n").into_response())
}

#[derive(Deserialize)]
pub struct UploadParams {
    name: Option<String>,
}

/// Receives a snapshot file as the request body, streamed to a temporary file (never whole
/// in memory), validates and indexes it, and adds it to the store. A bad file is answered
/// with `bad_snapshot` and changes nothing; too large a body with 413.
async fn upload_snapshot(
    State(st): State<AppState>,
    p: Result<Query<UploadParams>, QueryRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let name = p
        .map(|Query(p)| p.name)
        .map_err(|e| ApiError::bad_request(e.body_text()))?
        .unwrap_or_else(|| "upload.hls".to_owned());
    let dir = st.store.data_dir.clone().unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile_in(&dir)?;
    let mut file =
        std::fs::File::create(&tmp.0).map_err(|e| ApiError::internal(format!("cannot create upload file: {e}")))?;
    let mut received: u64 = 0;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::bad_request(format!("upload interrupted: {e}")))?;
        if let Some(data) = frame.data_ref() {
            received += data.len() as u64;
            if received > st.max_upload {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("snapshot upload is larger than this server's limit of {} bytes", st.max_upload),
                ));
            }
            file.write_all(data).map_err(|e| ApiError::internal(format!("cannot write upload: {e}")))?;
        }
    }
    file.sync_all().map_err(|e| ApiError::internal(format!("cannot write upload: {e}")))?;
    drop(file);
    if crate::series::is_dump_file(&tmp.0) {
        return crate::series_api::upload_dump(&st, &name, tmp.0.clone()).await;
    }
    let path = tmp.0.clone();
    let heap = tokio::task::spawn_blocking(move || Store::load(&path))
        .await
        .map_err(|e| ApiError::internal(format!("load task failed: {e}")))??;
    let mut file_name = format!("{}.hls", id_from_name(&name));
    if let Some(data) = &st.store.data_dir {
        let mut n = 2;
        while data.join(&file_name).exists() || st.store.contains(file_name.trim_end_matches(".hls")) {
            file_name = format!("{}-{n}.hls", id_from_name(&name));
            n += 1;
        }
        std::fs::rename(&tmp.0, data.join(&file_name))
            .map_err(|e| ApiError::internal(format!("cannot store upload: {e}")))?;
    }
    let info = st.store.insert(&file_name, received, heap);
    Ok((StatusCode::CREATED, Json(info)).into_response())
}

/// A temporary file path removed on drop (unless renamed away first).
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn tempfile_in(dir: &std::path::Path) -> Result<TempPath, ApiError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let name = format!(".upload-{}-{}.tmp", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    Ok(TempPath(dir.join(name)))
}
