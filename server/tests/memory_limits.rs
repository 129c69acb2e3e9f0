//! Bounded memory (issue 16): an upload whose index would not fit the memory budget is
//! refused before indexing, from the counts its `ENDS` section declares; a snapshot that
//! the budget unloaded is read again once however many requests ask for it at the same
//! time (single flight, off the async threads), and `/api/status` counts those loads.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heaplens_engine::testing::small_snapshot;
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

async fn send(app: &axum::Router, method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder().method(method).uri(uri).body(Body::from(body)).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn real() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls")).unwrap()
}

fn cost(b: &[u8]) -> u64 {
    Store::cost(heaplens_engine::read_snapshot(b).unwrap().object_count() as u64, b.len() as u64)
}

#[tokio::test]
async fn an_upload_too_big_to_index_is_refused_before_indexing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (real(), small_snapshot());
    let (store, _) = Store::open(dir.path(), 64 << 20).unwrap();
    let store = Arc::new(store);
    let app = router(AppState { store: store.clone(), max_upload: 1 << 26 }, None);
    assert_eq!(send(&app, "POST", "/api/snapshots?name=a.hls", a).await.0, StatusCode::CREATED);
    // a real snapshot of 600,000 objects (about 10 MiB, 96 MiB to index) on a 64 MiB budget
    let big = heaplens_engine::synth::write_synthetic(Vec::new(), 600_000, 5).unwrap();
    let (status, body) = send(&app, "POST", "/api/snapshots?name=big.hls", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["code"], "too_big_to_index");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("600001 objects") && msg.contains("64 MiB") && msg.contains("--memory-budget"), "{msg}");
    // a count no file of its size could hold is the reader's to name (bad_snapshot)
    let mut lying = b.clone();
    let n = lying.len();
    lying[n - 28..n - 20].copy_from_slice(&(1u64 << 36).to_le_bytes());
    let (status, body) = send(&app, "POST", "/api/snapshots?name=lying.hls", lying).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_snapshot")), "{body}");
    // nothing was added and what was there still answers
    let (_, list) = send(&app, "GET", "/api/snapshots", vec![]).await;
    assert_eq!(list["snapshots"].as_array().unwrap().len(), 1);
    let id = list["snapshots"][0]["id"].as_str().unwrap();
    assert_eq!(send(&app, "GET", &format!("/api/snapshots/{id}/partition"), vec![]).await.0, StatusCode::OK);
    // the honest file is taken
    assert_eq!(send(&app, "POST", "/api/snapshots?name=b.hls", b).await.0, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unloaded_snapshot_is_loaded_once_for_many_requests() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (real(), heaplens_engine::synth::write_synthetic(Vec::new(), 40_000, 3).unwrap());
    // room for one heap: the second upload unloads the first
    let (store, _) = Store::open(dir.path(), cost(&a).max(cost(&b))).unwrap();
    let store = Arc::new(store);
    let app = router(AppState { store: store.clone(), max_upload: 1 << 26 }, None);
    let (_, first) = send(&app, "POST", "/api/snapshots?name=a.hls", a).await;
    let (_, second) = send(&app, "POST", "/api/snapshots?name=b.hls", b).await;
    let (a_id, b_id) = (first["id"].as_str().unwrap().to_owned(), second["id"].as_str().unwrap().to_owned());
    assert_eq!(store.loaded_ids(), vec![b_id.clone()]);
    let asks: Vec<_> = (0..8)
        .map(|i| {
            let (app, uri) = (app.clone(), format!("/api/snapshots/{a_id}/partition?by=type&limit={}", i + 1));
            tokio::spawn(async move { send(&app, "GET", &uri, vec![]).await })
        })
        .collect();
    for t in asks {
        let (status, p) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(p["count"], first["objects"]);
    }
    let (_, st) = send(&app, "GET", "/api/status", vec![]).await;
    assert_eq!(st["cold_loads"], 1, "{st}");
    assert_eq!(store.loaded_ids(), vec![a_id]);
}

#[tokio::test]
async fn a_series_of_snapshots_loads_one_at_a_time_within_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    // three captures of one process; room for one of them in memory
    let caps: Vec<Vec<u8>> = (1..=3).map(|seq| heaplens_engine::testing::small_capture(seq, &[], None)).collect();
    let (store, _) = Store::open(dir.path(), caps.iter().map(|c| cost(c)).max().unwrap()).unwrap();
    let store = Arc::new(store);
    let app = router(AppState { store: store.clone(), max_upload: 1 << 26 }, None);
    for (i, c) in caps.into_iter().enumerate() {
        assert_eq!(send(&app, "POST", &format!("/api/snapshots?name=c{i}.hls"), c).await.0, StatusCode::CREATED);
    }
    assert_eq!(store.loaded_ids().len(), 1);
    // listing the series reads no heap
    let (status, list) = send(&app, "GET", "/api/series", vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let series: Vec<&Value> =
        list["series"].as_array().unwrap().iter().filter(|s| s["source"] == "snapshots").collect();
    assert_eq!(series.len(), 1, "{list}");
    let (_, st) = send(&app, "GET", "/api/status", vec![]).await;
    assert_eq!(st["cold_loads"], 0, "{st}");
    // its samples take each snapshot in turn: never more than the budget holds
    let id = series[0]["id"].as_str().unwrap();
    let (status, view) = send(&app, "GET", &format!("/api/series/{id}"), vec![]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["samples"].as_array().unwrap().len(), 3);
    assert_eq!(store.loaded_ids().len(), 1);
    let (_, st) = send(&app, "GET", "/api/status", vec![]).await;
    // in time order: the first two were unloaded, and the last by the time its turn came
    assert_eq!(st["cold_loads"], 3, "{st}");
}
