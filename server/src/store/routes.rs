//! The store's endpoints: list the snapshots and one's info, upload a snapshot (streamed to
//! the store's temporary folder while hashed, never whole in memory; validated and indexed;
//! then stored atomically, or the existing snapshot returned for the same bytes) or a heapy
//! dump file (a series), rename/retag/annotate, delete, make a redacted copy.

use super::storage::{MetaPatch, StorageError};
use super::{hex, id_from_name, Store, StoreError};
use crate::access::auth::ShareScope;
use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::JsonBody;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use heaplens_engine::heapydump::read_dump;
use heaplens_wire::{SnapshotInfo, SnapshotList, SnapshotPatch};
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

/// Every snapshot (a share link sees its one snapshot, and nothing of the others, not even
/// failed files).
pub async fn list_snapshots(
    State(st): State<AppState>,
    scope: Option<axum::Extension<ShareScope>>,
) -> Json<SnapshotList> {
    let mut list = st.store.list();
    if let Some(axum::Extension(ShareScope(id))) = scope {
        list.snapshots.retain(|s| s.id == id);
        list.failed.clear();
    }
    Json(list)
}

/// One snapshot's info, without loading it.
pub async fn get_snapshot(State(st): State<AppState>, Path(id): Path<String>) -> Result<Json<SnapshotInfo>, ApiError> {
    st.store.info(&id).map(Json).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))
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
        super::storage::check_text(what, text, super::storage::local::MAX_NAME)?;
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
    if super::series::is_dump_file(&tmp.0) {
        let response = upload_dump(&st, &name, tmp.0.clone()).await;
        drop(tmp);
        return response;
    }
    let sha = hex(&hasher.finalize());
    check_memory(&st, &tmp.0, received)?;
    let _permit = st.store.loads.acquire().await.map_err(|e| ApiError::internal(e.to_string()))?;
    let path = tmp.0.clone();
    let heap = blocking("load", move || Store::load(&path)).await?;
    let store = st.store.clone();
    let path = tmp.0.clone();
    let added = blocking("store", move || store.add_upload(&path, &sha, &name, &uploader, heap)).await?;
    drop(tmp);
    let status = if added.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(added.info)).into_response())
}

/// Refuses (413 `too_big_to_index`) an upload whose index would not fit the memory budget,
/// from the counts its `ENDS` section declares (the last 40 bytes; a file without a valid
/// one is left to the reader, which names what is wrong).
fn check_memory(st: &AppState, path: &std::path::Path, size: u64) -> Result<(), ApiError> {
    use std::io::{Read, Seek, SeekFrom};
    let Some(objects) = (|| -> Option<u64> {
        let mut f = std::fs::File::open(path).ok()?;
        f.seek(SeekFrom::End(-40)).ok()?;
        let mut tail = [0u8; 40];
        f.read_exact(&mut tail).ok()?;
        (&tail[..4] == b"ENDS" && tail[4..12] == 28u64.to_le_bytes())
            .then(|| u64::from_le_bytes(tail[12..20].try_into().expect("8 bytes")))
    })() else {
        return Ok(());
    };
    if objects > size {
        return Ok(()); // more objects than bytes: a false count, which the reader names
    }
    let need = Store::cost(objects, size);
    let budget = st.store.budget();
    if need > budget {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_big_to_index",
            format!(
                "this snapshot declares {objects} objects: indexing it needs about {} MiB, more than this \
                 server's memory budget of {} MiB (start it with a larger --memory-budget)",
                need >> 20,
                budget >> 20
            ),
        ));
    }
    Ok(())
}

/// `PATCH /api/snapshots/{id}`: renames, retags or annotates a stored snapshot.
pub async fn patch_snapshot(
    State(st): State<AppState>,
    Path(id): Path<String>,
    JsonBody(p): JsonBody<SnapshotPatch>,
) -> Result<Json<SnapshotInfo>, ApiError> {
    let patch = MetaPatch { name: p.name, tags: p.tags, note: p.note };
    let store = st.store.clone();
    let info = blocking("store", move || store.update(&id, &patch)).await?;
    Ok(Json(info))
}

/// `DELETE /api/snapshots/{id}`: deletes a stored snapshot.
pub async fn delete_snapshot(State(st): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let store = st.store.clone();
    blocking("store", move || store.delete(&id)).await?;
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
    let _permit = st.store.loads.acquire().await.map_err(|e| ApiError::internal(e.to_string()))?;
    let (sha, heap) = blocking("redact", move || -> Result<(String, heaplens_engine::Heap), ApiError> {
        let bytes = std::fs::read(&source).map_err(|e| ApiError::internal(format!("cannot read the snapshot: {e}")))?;
        let mut copy = Vec::new();
        heaplens_engine::redact::redact_snapshot(&bytes, mode, &mut copy)?;
        std::fs::write(&out, &copy).map_err(|e| ApiError::internal(format!("cannot write the copy: {e}")))?;
        Ok((hex(&Sha256::digest(&copy)), Store::load(&out)?))
    })
    .await?;
    let store = st.store.clone();
    let path = tmp.0.clone();
    let name = format!("{} (values {})", info.name, mode.as_str());
    let added = blocking("store", move || store.add_upload(&path, &sha, &name, "redaction", heap)).await?;
    drop(tmp);
    let status = if added.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(added.info)).into_response())
}

/// An uploaded heapy dump file (already written to `path`): every package is read (a bad
/// file is answered `bad_dump` naming the line, and nothing is added), kept in the data
/// folder as `NAME.dump` when there is one, and added as a series (201, its info).
async fn upload_dump(st: &AppState, name: &str, path: PathBuf) -> Result<Response, ApiError> {
    let read = path.clone();
    let packages = blocking("load", move || {
        std::fs::read(&read).map(|b| read_dump(&b)).map_err(|e| ApiError::internal(format!("cannot read upload: {e}")))
    })
    .await?
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
