//! Router tests without a socket (`tower::ServiceExt::oneshot`): every endpoint, the error
//! envelope, uploads of good, corrupt and oversized files, and the SPA fallback.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heaplens_engine::testing::small_snapshot;
use heaplens_engine::{read_snapshot, Heap};
use heaplens_server::api::{router, AppState};
use heaplens_server::store::Store;
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

fn state(max_upload: u64) -> AppState {
    let store = Store::new(None);
    let bytes = small_snapshot();
    store.insert("small.hls", bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    AppState { store: Arc::new(store), max_upload }
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, serde_json::Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into_owned()));
    (status, json)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post(app: &axum::Router, uri: &str, body: Vec<u8>) -> (StatusCode, serde_json::Value) {
    send(app, Request::post(uri).body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn lists_snapshots() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, "/api/snapshots").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!(json);
}

#[tokio::test]
async fn whole_heap_partition_by_kind() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, "/api/snapshots/small/partition").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!(json);
}

#[tokio::test]
async fn drill_down_carries_breadcrumbs_and_row_queries() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, "/api/snapshots/small/partition?q=heap.byclodo%5B0%5D&by=size").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["title"], "Partition of a set of 2 objects. Total size = 704 bytes.");
    assert_eq!(json["breadcrumbs"][1]["label"], "dict (no owner)");
    assert_eq!(json["rows"][0]["query"], "heap.byclodo[0].bysize[0]");
    insta::assert_json_snapshot!(json);
}

#[tokio::test]
async fn paging_returns_the_requested_rows() {
    let app = router(state(1 << 20), None);
    let (_, json) = get(&app, "/api/snapshots/small/partition?offset=2&limit=3").await;
    assert_eq!(json["total_rows"], 7);
    assert_eq!(json["offset"], 2);
    let idx: Vec<u64> = json["rows"].as_array().unwrap().iter().map(|r| r["index"].as_u64().unwrap()).collect();
    assert_eq!(idx, vec![2, 3, 4]);
    assert_eq!(json["rows"][0]["cumulative"], 704 + 360 + 208);
}

#[tokio::test]
async fn table_endpoint_prints_heapy_text() {
    let app = router(state(1 << 20), None);
    let (status, text) = get(&app, "/api/snapshots/small/table?by=type").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_snapshot!(text.as_str().unwrap());
}

#[tokio::test]
async fn errors_use_one_envelope() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, "/api/snapshots/nope/partition").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["error"]["code"], "not_found");
    assert!(json["error"]["message"].as_str().unwrap().contains("\"nope\""));

    let (status, json) = get(&app, "/api/snapshots/small/partition?q=heap.byclodo%5B99%5D").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "bad_query");
    assert_eq!(json["error"]["position"], 13);

    let (status, json) = get(&app, "/api/snapshots/small/partition?q=heap.bykind").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["position"], 5);

    let (status, json) = get(&app, "/api/snapshots/small/partition?by=colour").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"].as_str().unwrap().contains("unknown relation \"colour\""));

    let (status, json) = get(&app, "/api/snapshots/small/partition?limit=lots").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "bad_request");

    let (status, json) = get(&app, "/api/no/such/thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["error"]["code"], "not_found");
}

#[tokio::test]
async fn corrupt_uploads_are_refused_and_the_good_snapshot_stays() {
    let app = router(state(1 << 20), None);
    let good = small_snapshot();
    let (status, json) = post(&app, "/api/snapshots?name=cut.hls", good[..good.len() / 2].to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "bad_snapshot");
    assert!(json["error"]["message"].as_str().unwrap().contains("truncated snapshot"), "{json}");

    let (status, json) =
        post(&app, "/api/snapshots?name=noise.hls", (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"].as_str().unwrap().contains("not a heaplens snapshot"), "{json}");

    let (_, list) = get(&app, "/api/snapshots").await;
    assert_eq!(list["snapshots"].as_array().unwrap().len(), 1);
    let (status, json) = get(&app, "/api/snapshots/small/partition").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["count"], 12);
}

#[tokio::test]
async fn good_upload_is_added_and_oversize_is_413() {
    let app = router(state(2000), None);
    let good = small_snapshot();
    assert!(good.len() < 2000);
    let (status, json) = post(&app, "/api/snapshots?name=second%20one.hls", good.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(json["id"], "second-one");
    assert_eq!(json["objects"], 12);
    let (status, _) = get(&app, "/api/snapshots/second-one/partition").await;
    assert_eq!(status, StatusCode::OK);

    let (status, json) = post(&app, "/api/snapshots?name=big.hls", vec![0; 5000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json["error"]["message"].as_str().unwrap().contains("limit of 2000 bytes"));
}

#[tokio::test]
async fn app_paths_fall_back_to_index_html() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>heaplens</title>").unwrap();
    let app = router(state(1 << 20), Some(dir.path().to_owned()));
    let (status, body) = get(&app, "/s/small?q=heap.byclodo%5B1%5D&by=type").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.as_str().unwrap().contains("<title>heaplens</title>"));
    let (status, json) = get(&app, "/api/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["error"]["code"], "not_found");
}

#[tokio::test]
async fn expression_queries_and_every_relation_answer() {
    let app = router(state(1 << 20), None);
    let q = "heap.bytype%5B%22str%22%5D.referrers";
    let (status, json) = get(&app, &format!("/api/snapshots/small/partition?q={q}&by=rcs")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["query"], "heap.bytype[\"str\"].referrers");
    let crumbs: Vec<&str> =
        json["breadcrumbs"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert_eq!(crumbs, vec!["heap", "str", ".referrers"]);
    assert_eq!(json["rows"][0]["query"], "heap.bytype[\"str\"].referrers.byrcs[0]");
    let (_, rels) = get(&app, "/api/relations").await;
    for r in rels["relations"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        let (status, json) = get(&app, &format!("/api/snapshots/small/partition?by={name}")).await;
        assert_eq!(status, StatusCode::OK, "{name}: {json}");
        assert_eq!(json["count"], 12, "{name}");
        assert_eq!(json["header"], r["header"], "{name}");
    }
}
