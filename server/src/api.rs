//! The HTTP API (`/api/...`) and the static app with SPA fallback. Handlers stay thin:
//! parameters → engine → view type → JSON.

use crate::error::ApiError;
use crate::store::{id_from_name, Store};
use crate::views::{partition_view, relation_list, resolve_relation};
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_wire::{PartitionView, RelationList, SnapshotInfo, SnapshotList};
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
        .route("/relations", get(get_relations))
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
    let view =
        tokio::task::spawn_blocking(move || partition_view(&id, &snap.heap, &query, relation, offset, Some(limit)))
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
