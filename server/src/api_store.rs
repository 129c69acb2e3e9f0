//! The store's endpoints: upload a snapshot (streamed to the store's temporary folder while
//! hashed, never whole in memory; validated and indexed; then stored atomically, or the
//! existing snapshot returned for the same bytes), rename/retag/annotate, delete.

use crate::api::AppState;
use crate::error::ApiError;
use crate::storage::{MetaPatch, StorageError};
use crate::store::{hex, Store, StoreError};
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use heaplens_wire::{SnapshotInfo, SnapshotPatch};
use http_body_util::BodyExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(_) => ApiError::not_found(e.to_string()),
            StoreError::NotStored(_) => ApiError::new(StatusCode::CONFLICT, "not_stored", e.to_string()),
            StoreError::Storage(StorageError::Invalid(m)) => ApiError::bad_request(m),
            StoreError::Storage(e) => ApiError::internal(e.to_string()),
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> ApiError {
        ApiError::from(StoreError::Storage(e))
    }
}

#[derive(Deserialize)]
pub struct UploadParams {
    name: Option<String>,
    /// Who uploads ("agent", "page", a name): kept as metadata.
    uploader: Option<String>,
}

/// Removes a temporary file when the upload ends early.
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_path(st: &AppState) -> Result<PathBuf, ApiError> {
    if let Some(s) = st.store.storage() {
        return Ok(s.temp_file()?);
    }
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = st.store.data_dir.clone().unwrap_or_else(std::env::temp_dir);
    Ok(dir.join(format!(".upload-{}-{}.tmp", std::process::id(), N.fetch_add(1, Ordering::Relaxed))))
}

/// Receives a snapshot file as the request body. A bad file is answered with `bad_snapshot`
/// and changes nothing; too large a body with 413; the same bytes again with 200 and the
/// snapshot already stored; a new one with 201.
pub async fn upload_snapshot(
    State(st): State<AppState>,
    p: Result<Query<UploadParams>, QueryRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let name = p.name.unwrap_or_else(|| "upload.hls".to_owned());
    let uploader = p.uploader.unwrap_or_else(|| "upload".to_owned());
    for (what, text) in [("name", &name), ("uploader", &uploader)] {
        crate::storage::check_text(what, text, crate::storage::local::MAX_NAME)?;
    }
    let tmp = TempPath(temp_path(&st)?);
    let mut file =
        std::fs::File::create(&tmp.0).map_err(|e| ApiError::internal(format!("cannot create upload file: {e}")))?;
    let mut hasher = Sha256::new();
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
            hasher.update(data);
            file.write_all(data).map_err(|e| ApiError::internal(format!("cannot write upload: {e}")))?;
        }
    }
    file.sync_all().map_err(|e| ApiError::internal(format!("cannot write upload: {e}")))?;
    drop(file);
    // a heapy dump file (text) becomes a series, kept by name in the data folder
    if crate::series::is_dump_file(&tmp.0) {
        let response = crate::series_api::upload_dump(&st, &name, tmp.0.clone()).await;
        drop(tmp);
        return response;
    }
    let sha = hex(&hasher.finalize());
    let path = tmp.0.clone();
    let heap = tokio::task::spawn_blocking(move || Store::load(&path))
        .await
        .map_err(|e| ApiError::internal(format!("load task failed: {e}")))??;
    let store = st.store.clone();
    let path = tmp.0.clone();
    let added = tokio::task::spawn_blocking(move || store.add_upload(&path, &sha, &name, &uploader, heap))
        .await
        .map_err(|e| ApiError::internal(format!("store task failed: {e}")))??;
    drop(tmp);
    let status = if added.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(added.info)).into_response())
}

/// `PATCH /api/snapshots/{id}`: renames, retags or annotates a stored snapshot.
pub async fn patch_snapshot(
    State(st): State<AppState>,
    Path(id): Path<String>,
    body: Result<Json<SnapshotPatch>, JsonRejection>,
) -> Result<Json<SnapshotInfo>, ApiError> {
    let Json(p) = body.map_err(|e| ApiError::bad_request(format!("bad snapshot change: {}", e.body_text())))?;
    let patch = MetaPatch { name: p.name, tags: p.tags, note: p.note };
    let store = st.store.clone();
    let info = tokio::task::spawn_blocking(move || store.update(&id, &patch))
        .await
        .map_err(|e| ApiError::internal(format!("store task failed: {e}")))??;
    Ok(Json(info))
}

/// `DELETE /api/snapshots/{id}`: deletes a stored snapshot.
pub async fn delete_snapshot(State(st): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let store = st.store.clone();
    tokio::task::spawn_blocking(move || store.delete(&id))
        .await
        .map_err(|e| ApiError::internal(format!("store task failed: {e}")))??;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct RedactParams {
    /// `redact` (default: data strings become their length and a hash) or `none` (dropped).
    values: Option<String>,
}

/// `POST /api/snapshots/{id}/redact?values=redact|none`: stores a redacted copy of a snapshot
/// (docs/redaction.md) for sharing, and answers it (201, or 200 when that copy exists).
pub async fn redact_snapshot(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<RedactParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let text = p.values.unwrap_or_else(|| "redact".to_owned());
    let mode = heaplens_engine::redact::ValuesMode::parse(&text)
        .ok_or_else(|| ApiError::bad_request(format!("unknown values mode {text:?}; known: redact, none")))?;
    let info = st.store.info(&id).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))?;
    let source = st.store.file_of(&id).ok_or_else(|| {
        ApiError::new(StatusCode::CONFLICT, "not_stored", "this snapshot has no file to make a redacted copy from")
    })?;
    let tmp = TempPath(temp_path(&st)?);
    let out = tmp.0.clone();
    let (sha, heap) = tokio::task::spawn_blocking(move || -> Result<(String, heaplens_engine::Heap), ApiError> {
        let bytes = std::fs::read(&source).map_err(|e| ApiError::internal(format!("cannot read the snapshot: {e}")))?;
        let mut copy = Vec::new();
        heaplens_engine::redact::redact_snapshot(&bytes, mode, &mut copy)?;
        std::fs::write(&out, &copy).map_err(|e| ApiError::internal(format!("cannot write the copy: {e}")))?;
        Ok((hex(&Sha256::digest(&copy)), Store::load(&out)?))
    })
    .await
    .map_err(|e| ApiError::internal(format!("redact task failed: {e}")))??;
    let store = st.store.clone();
    let path = tmp.0.clone();
    let name = format!("{} (values {})", info.name, mode.as_str());
    let added = tokio::task::spawn_blocking(move || store.add_upload(&path, &sha, &name, "redaction", heap))
        .await
        .map_err(|e| ApiError::internal(format!("store task failed: {e}")))??;
    drop(tmp);
    let status = if added.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(added.info)).into_response())
}
