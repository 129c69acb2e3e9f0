//! The store's files are precious (issue 16): a lost or emptied database never deletes a stored
//! snapshot. Each snapshot's metadata is kept beside its bytes (`<sha256>.meta.json`), and a
//! start rebuilds missing rows from the files; a file without one gets a row from its own META.
//! Only temporary files (a crashed upload, a half-written index) are cleaned.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heaplens_engine::testing::small_snapshot;
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn app(dir: &Path) -> axum::Router {
    let (store, _) = Store::open(dir, 1 << 30).unwrap();
    router(AppState { store: Arc::new(store), max_upload: 1 << 26 }, None)
}

async fn send(app: &axum::Router, method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    common::send(app, req.body(Body::from(body)).unwrap()).await
}

/// Every file under `objects/` with its bytes.
fn objects(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for shard in std::fs::read_dir(dir.join("objects")).unwrap() {
        for f in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            out.insert(p.clone(), std::fs::read(&p).unwrap());
        }
    }
    out
}

fn snapshot_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    objects(dir).into_iter().filter(|(p, _)| p.extension().is_some_and(|x| x == "hls")).collect()
}

/// Two uploads, the first renamed, tagged and annotated: the list as the server shows it.
async fn two_uploads(dir: &Path) -> Vec<Value> {
    let app1 = app(dir);
    let real = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls")).unwrap();
    let (status, first) = send(&app1, "POST", "/api/snapshots?name=before.hls&uploader=agent", real).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, _) = send(&app1, "POST", "/api/snapshots?name=after.hls&uploader=ci", small_snapshot()).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = first["id"].as_str().unwrap();
    let patch = json!({ "name": "before the deploy", "tags": ["prod", "leak"], "note": "grew 2x overnight" });
    let (status, _) = send(&app1, "PATCH", &format!("/api/snapshots/{id}"), patch.to_string().into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = send(&app1, "GET", "/api/snapshots", vec![]).await;
    list["snapshots"].as_array().unwrap().clone()
}

async fn listed(dir: &Path) -> Value {
    send(&app(dir), "GET", "/api/snapshots", vec![]).await.1
}

#[tokio::test]
async fn a_deleted_database_is_rebuilt_from_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let before = two_uploads(dir.path()).await;
    assert_eq!(before[0]["name"], "before the deploy");
    let files = snapshot_files(dir.path());
    assert_eq!(files.len(), 2);
    for f in ["heaplens.db", "heaplens.db-wal", "heaplens.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
    }
    let after = listed(dir.path()).await;
    assert_eq!(after["snapshots"].as_array().unwrap(), &before, "every snapshot, with its name, tags and note");
    assert_eq!(after["failed"], json!([]));
    assert_eq!(snapshot_files(dir.path()), files, "no snapshot file deleted or changed");
    // and the rebuilt rows are in the database again: a second restart lists the same
    assert_eq!(listed(dir.path()).await["snapshots"].as_array().unwrap(), &before);
}

#[tokio::test]
async fn an_emptied_database_is_rebuilt_from_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let before = two_uploads(dir.path()).await;
    let files = snapshot_files(dir.path());
    let db = rusqlite::Connection::open(dir.path().join("heaplens.db")).unwrap();
    db.execute_batch("DELETE FROM tags; DELETE FROM snapshots;").unwrap();
    drop(db);
    assert_eq!(listed(dir.path()).await["snapshots"].as_array().unwrap(), &before);
    assert_eq!(snapshot_files(dir.path()), files);
}

#[tokio::test]
async fn a_file_without_row_or_metadata_is_listed_from_its_own_meta() {
    let dir = tempfile::tempdir().unwrap();
    let before = two_uploads(dir.path()).await;
    let files = snapshot_files(dir.path());
    std::fs::remove_file(dir.path().join("heaplens.db")).unwrap();
    for p in objects(dir.path()).keys() {
        if p.to_string_lossy().ends_with(".meta.json") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let after = listed(dir.path()).await;
    let after = after["snapshots"].as_array().unwrap();
    assert_eq!(after.len(), 2, "{after:?}");
    for (a, b) in after.iter().zip(&before) {
        assert_eq!((&a["id"], &a["objects"], &a["store"]["sha256"]), (&b["id"], &b["objects"], &b["store"]["sha256"]));
        assert_eq!(a["store"]["stored"], true);
        let (made, file) = (a["store"]["stored_at"].as_f64().unwrap(), b["store"]["stored_at"].as_f64().unwrap());
        assert!((made - file).abs() < 60.0, "the upload time is the file's mtime");
    }
    assert_eq!(snapshot_files(dir.path()), files);
    // the name comes from the snapshot's META (or its id when META has none), never lost
    assert!(after.iter().all(|s| !s["name"].as_str().unwrap().is_empty()));
    // editable again, and the edit is kept beside the bytes
    let app2 = app(dir.path());
    let id = after[0]["id"].as_str().unwrap();
    let patch = json!({ "name": "found again" });
    let (status, _) = send(&app2, "PATCH", &format!("/api/snapshots/{id}"), patch.to_string().into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    drop(app2);
    std::fs::remove_file(dir.path().join("heaplens.db")).unwrap();
    assert_eq!(listed(dir.path()).await["snapshots"][0]["name"], "found again");
}

#[tokio::test]
async fn only_temporary_files_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let before = two_uploads(dir.path()).await;
    let files = snapshot_files(dir.path());
    // an upload cut off mid-stream, a half-written index and a half-written metadata file
    std::fs::write(dir.path().join("tmp").join("upload-999-0.part"), b"half an upl").unwrap();
    let shard = files.keys().next().unwrap().parent().unwrap().to_owned();
    let sha = files.keys().next().unwrap().file_stem().unwrap().to_string_lossy().into_owned();
    std::fs::write(shard.join(format!("{sha}.idx.part")), b"half an index").unwrap();
    std::fs::write(shard.join(format!("{sha}.meta.json.tmp")), b"{\"na").unwrap();
    let after = listed(dir.path()).await;
    assert_eq!(after["snapshots"].as_array().unwrap(), &before);
    assert_eq!(std::fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0, "the upload's temporary file");
    assert!(!shard.join(format!("{sha}.idx.part")).exists());
    assert!(!shard.join(format!("{sha}.meta.json.tmp")).exists());
    assert_eq!(snapshot_files(dir.path()), files, "stored files untouched");
}
