//! Router tests of the store (`--data`): uploads kept by content across a restart, duplicate
//! uploads, renaming, tagging, annotating and deleting, names that look like paths, and the
//! memory budget unloading and reloading heaps.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heaplens_engine::testing::small_snapshot;
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

fn app(dir: &Path, budget: u64) -> axum::Router {
    let (store, _) = Store::open(dir, budget).unwrap();
    router(AppState { store: Arc::new(store), max_upload: 1 << 26 }, None)
}

async fn send(app: &axum::Router, method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    let res = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A real heap's bytes, and a second, different snapshot.
fn two_snapshots() -> (Vec<u8>, Vec<u8>) {
    let real = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls")).unwrap();
    (real, small_snapshot())
}

fn top_level(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn uploads_survive_a_restart_with_their_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_snapshots();
    let app1 = app(dir.path(), 1 << 30);
    let (status, first) =
        send(&app1, "POST", "/api/snapshots?name=before%20deploy.hls&uploader=agent", a.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!((first["store"]["stored"].clone(), first["store"]["uploader"].clone()), (json!(true), json!("agent")));
    let id = first["id"].as_str().unwrap().to_owned();
    let (status, dup) = send(&app1, "POST", "/api/snapshots?name=again.hls", a.clone()).await;
    assert_eq!((status, dup["id"].as_str()), (StatusCode::OK, Some(id.as_str())), "same bytes, same snapshot");
    let (status, second) = send(&app1, "POST", "/api/snapshots?name=after.hls", b.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let patch = json!({ "name": "before the deploy", "tags": ["prod", "leak"], "note": "grew 2x overnight" });
    let (status, edited) = send(&app1, "PATCH", &format!("/api/snapshots/{id}"), patch.to_string().into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["store"]["tags"], json!(["leak", "prod"]));
    let (_, before) = send(&app1, "GET", &format!("/api/snapshots/{id}/table?by=type"), vec![]).await;
    drop(app1);

    // a restart: the same list, names, tags and notes; the heaps load again on demand
    let app2 = app(dir.path(), 1 << 30);
    let (_, list) = send(&app2, "GET", "/api/snapshots", vec![]).await;
    let ids: Vec<&str> = list["snapshots"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![id.as_str(), second["id"].as_str().unwrap()]);
    assert_eq!(list["snapshots"][0], edited);
    let (status, after) = send(&app2, "GET", &format!("/api/snapshots/{id}/table?by=type"), vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after, before);
    assert_eq!(top_level(dir.path()), vec!["heaplens.db", "heaplens.db-shm", "heaplens.db-wal", "objects", "tmp"]);

    // delete: gone from the list, the API and the disk
    let (status, _) = send(&app2, "DELETE", &format!("/api/snapshots/{id}"), vec![]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send(&app2, "GET", &format!("/api/snapshots/{id}/partition"), vec![]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(&app2, "DELETE", &format!("/api/snapshots/{id}"), vec![]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let files: usize = walk(&dir.path().join("objects"));
    assert_eq!(files, 1, "only the second snapshot's file is left");
    drop(app2);
    let app3 = app(dir.path(), 1 << 30);
    let (_, list) = send(&app3, "GET", "/api/snapshots", vec![]).await;
    assert_eq!(list["snapshots"].as_array().unwrap().len(), 1);
}

/// Snapshot files under a folder (saved indexes, `.idx`, are not counted).
fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { walk(&p) } else { p.extension().is_some_and(|x| x == "hls") as usize })
        .sum()
}

#[tokio::test]
async fn names_are_labels_never_paths_and_bad_changes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), 1 << 30);
    let (a, _) = two_snapshots();
    let name = "..%2F..%2F..%2Fetc%2Fpasswd.hls";
    let (status, info) = send(&app, "POST", &format!("/api/snapshots?name={name}"), a).await;
    assert_eq!(status, StatusCode::CREATED, "{info}");
    assert_eq!(info["name"], "../../../etc/passwd");
    let id = info["id"].as_str().unwrap().to_owned();
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    assert_eq!(top_level(dir.path()), vec!["heaplens.db", "heaplens.db-shm", "heaplens.db-wal", "objects", "tmp"]);
    assert!(!dir.path().parent().unwrap().join("etc").exists());
    for (body, needle) in [
        (json!({ "name": "a\u{7}b" }), "control characters"),
        (json!({ "name": "" }), "the name is empty"),
        (json!({ "tags": ["x".repeat(65)] }), "longer than 64"),
        (json!({ "note": "n".repeat(10_001) }), "longer than 10000"),
    ] {
        let (status, e) = send(&app, "PATCH", &format!("/api/snapshots/{id}"), body.to_string().into_bytes()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(e["error"]["message"].as_str().unwrap().contains(needle), "{e}");
    }
    let (status, _) = send(&app, "PATCH", &format!("/api/snapshots/{id}"), b"{not json".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(&app, "PATCH", "/api/snapshots/0000000000000000", b"{}".to_vec()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, e) = send(&app, "POST", "/api/snapshots?name=a%07b.hls", vec![1, 2, 3]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn files_from_the_command_line_cannot_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path(), 1 << 30).unwrap();
    let info = store.add_file(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls"))).unwrap();
    assert_eq!(info.store.alias.as_deref(), Some("small"));
    let app = router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None);
    // it answers to its content id and to its name
    for id in [info.id.as_str(), "small"] {
        let (status, _) = send(&app, "GET", &format!("/api/snapshots/{id}/partition"), vec![]).await;
        assert_eq!(status, StatusCode::OK, "{id}");
    }
    let (status, e) = send(&app, "DELETE", "/api/snapshots/small", vec![]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(e["error"]["message"].as_str().unwrap().contains("command line"), "{e}");
}

#[tokio::test]
async fn the_memory_budget_unloads_and_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = two_snapshots();
    let b = heaplens_engine::synth::write_synthetic(Vec::new(), 40_000, 3).unwrap();
    // a budget for one heap, not two: only the last one used stays loaded
    let cost = |b: &[u8]| Store::cost(heaplens_engine::read_snapshot(b).unwrap().object_count() as u64, b.len() as u64);
    let (store, _) = Store::open(dir.path(), cost(&a).max(cost(&b))).unwrap();
    let store = Arc::new(store);
    let app = router(AppState { store: store.clone(), max_upload: 1 << 26 }, None);
    let (_, first) = send(&app, "POST", "/api/snapshots?name=a.hls", a).await;
    let (_, second) = send(&app, "POST", "/api/snapshots?name=b.hls", b).await;
    assert_eq!(store.loaded_ids(), vec![second["id"].as_str().unwrap().to_owned()]);
    for _ in 0..3 {
        for s in [&first, &second] {
            let id = s["id"].as_str().unwrap();
            let (status, p) = send(&app, "GET", &format!("/api/snapshots/{id}/partition?by=type"), vec![]).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(p["count"], s["objects"]);
            assert_eq!(store.loaded_ids(), vec![id.to_owned()], "loaded again, the other unloaded");
        }
    }
}

#[tokio::test]
async fn a_redacted_copy_for_sharing_keeps_the_tables_and_drops_the_strings() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), 1 << 30);
    let (real, _) = two_snapshots();
    let (_, orig) = send(&app, "POST", "/api/snapshots?name=prod.hls", real).await;
    let id = orig["id"].as_str().unwrap().to_owned();
    let (status, copy) = send(&app, "POST", &format!("/api/snapshots/{id}/redact"), vec![]).await;
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    let cid = copy["id"].as_str().unwrap().to_owned();
    assert_ne!(cid, id);
    assert_eq!(copy["name"], format!("{} (values redact)", orig["name"].as_str().unwrap()));
    assert_eq!(copy["store"]["uploader"], "redaction");
    // the same tables by type and size
    for by in ["type", "size"] {
        let (_, a) = send(&app, "GET", &format!("/api/snapshots/{id}/table?by={by}&all=true"), vec![]).await;
        let (_, b) = send(&app, "GET", &format!("/api/snapshots/{cid}/table?by={by}&all=true"), vec![]).await;
        assert_eq!(a, b, "{by}");
    }
    // every str of the original is there, shown only as a redaction token (that no data text
    // survives in the file's bytes is proved with random markers in capture/tests/test_redact.py)
    let (_, strs) = send(
        &app,
        "GET",
        &format!("/api/snapshots/{id}/partition?q=heap.bytype%5B%22str%22%5D&by=id&limit=5000"),
        vec![],
    )
    .await;
    assert!(strs["rows"].as_array().unwrap().len() > 20);
    // and the copy's strs show only redaction tokens
    let (_, copied) = send(
        &app,
        "GET",
        &format!("/api/snapshots/{cid}/partition?q=heap.bytype%5B%22str%22%5D&by=id&limit=5000"),
        vec![],
    )
    .await;
    let labels: Vec<&str> = copied["rows"].as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels.len(), strs["rows"].as_array().unwrap().len());
    assert!(labels.iter().all(|l| l.starts_with("<redacted len=")), "{:?}", &labels[..3]);
    // asked again: the same copy; an unknown mode is refused
    let (status, again) = send(&app, "POST", &format!("/api/snapshots/{id}/redact"), vec![]).await;
    assert_eq!((status, again["id"].as_str()), (StatusCode::OK, Some(cid.as_str())));
    let (status, e) = send(&app, "POST", &format!("/api/snapshots/{id}/redact?values=some"), vec![]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["error"]["message"].as_str().unwrap().contains("unknown values mode"));
}

#[tokio::test]
async fn saved_indexes_make_a_restart_load_without_indexing() {
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let (real, _) = two_snapshots();
    let app1 = app(dir.path(), 1 << 30);
    let (_, info) = send(&app1, "POST", "/api/snapshots?name=indexed.hls", real).await;
    let id = info["id"].as_str().unwrap().to_owned();
    let sha = info["store"]["sha256"].as_str().unwrap().to_owned();
    let idx = dir.path().join("objects").join(&sha[..2]).join(format!("{sha}.idx"));
    // saved in the background once the dominator tree is built
    for _ in 0..200 {
        if idx.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(idx.exists(), "the index is saved next to the snapshot");
    let (_, before) = send(&app1, "GET", &format!("/api/snapshots/{id}/table?by=rcs&all=true"), vec![]).await;
    let (_, dom_before) = send(&app1, "GET", &format!("/api/snapshots/{id}/domtree?limit=5"), vec![]).await;
    drop(app1);

    // a restart loads it from the index: the same tables and dominator tree
    let loads = heaplens_server::store::INDEX_LOADS.load(Ordering::Relaxed);
    let app2 = app(dir.path(), 1 << 30);
    let (_, after) = send(&app2, "GET", &format!("/api/snapshots/{id}/table?by=rcs&all=true"), vec![]).await;
    assert!(heaplens_server::store::INDEX_LOADS.load(Ordering::Relaxed) > loads, "loaded from the index");
    assert_eq!(after, before);
    let (_, dom_after) = send(&app2, "GET", &format!("/api/snapshots/{id}/domtree?limit=5"), vec![]).await;
    assert_eq!(dom_after, dom_before);
    drop(app2);

    // a damaged index is not trusted: indexed again, same answers, the bad file removed
    let mut bytes = std::fs::read(&idx).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&idx, &bytes).unwrap();
    let app3 = app(dir.path(), 1 << 30);
    let (status, again) = send(&app3, "GET", &format!("/api/snapshots/{id}/table?by=rcs&all=true"), vec![]).await;
    assert_eq!((status, again), (StatusCode::OK, before));
    // (rewritten in the background after the rebuild)
    for _ in 0..200 {
        if std::fs::read(&idx).map(|b| b != bytes).unwrap_or(false) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_ne!(std::fs::read(&idx).unwrap(), bytes, "the damaged index was replaced");
    drop(app3);

    // an index of another format version (checksum right): refused, indexed again, replaced
    let mut old = std::fs::read(&idx).unwrap();
    assert_eq!(heaplens_engine::format::index_file::version_of(&old), Some(2));
    old[6..8].copy_from_slice(b"01");
    std::fs::write(&idx, &old).unwrap();
    let app4 = app(dir.path(), 1 << 30);
    let (status, again) = send(&app4, "GET", &format!("/api/snapshots/{id}/table?by=rcs&all=true"), vec![]).await;
    assert_eq!((status, &again), (StatusCode::OK, &after));
    for _ in 0..200 {
        if std::fs::read(&idx).is_ok_and(|b| heaplens_engine::format::index_file::version_of(&b) == Some(2)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(heaplens_engine::format::index_file::version_of(&std::fs::read(&idx).unwrap()), Some(2));
}
