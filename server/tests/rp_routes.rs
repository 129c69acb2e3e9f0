//! Router tests of `GET /api/snapshots/{id}/rp` (heapy's reference pattern): the tree, each
//! line's set as a query that selects exactly that set, heapy's text, and bad parameters.

mod common;

use axum::http::StatusCode;
use common::get;
use heaplens_engine::testing::small_snapshot;
use heaplens_engine::{read_snapshot, Heap};
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use std::sync::Arc;

fn app() -> axum::Router {
    let store = Store::new(None);
    let bytes = small_snapshot();
    store.insert("small.hls", bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None)
}

fn enc(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

#[tokio::test]
async fn rp_of_a_shared_str_is_heapys_tree() {
    let app = app();
    let (status, json) = get(&app, &format!("/api/snapshots/small/rp?q={}", enc("@0x9000"))).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    insta::assert_json_snapshot!(json);
    // every line's set query selects that line's set: its count, and its own rp's line 0 kind
    for line in json["lines"].as_array().unwrap() {
        let q = line["set_query"].as_str().unwrap();
        let (status, sub) = get(&app, &format!("/api/snapshots/small/partition?q={}&by=unity", enc(q))).await;
        assert_eq!(status, StatusCode::OK, "{q}: {sub}");
        assert_eq!(sub["count"], line["count"], "{q}");
    }
}

#[tokio::test]
async fn depth_and_the_root_as_a_referrer() {
    let app = app();
    let (_, json) = get(&app, &format!("/api/snapshots/small/rp?q={}&depth=1", enc("@0x9000"))).await;
    let markers: Vec<&str> = json["lines"].as_array().unwrap().iter().map(|l| l["marker"].as_str().unwrap()).collect();
    assert_eq!(markers, ["[-]", "[+]", "[+]"]);
    let (_, json) = get(&app, &format!("/api/snapshots/small/rp?q={}", enc("@0x1000"))).await;
    let root = &json["lines"][1];
    assert_eq!(
        (root["marker"].as_str(), root["kind"].as_str()),
        (Some("[R]"), Some("guppy.heapy.heapyc.RootStateType"))
    );
    assert!(root["set_query"].is_null());
}

#[tokio::test]
async fn bad_parameters_are_named() {
    let app = app();
    let (status, json) = get(&app, "/api/snapshots/small/rp?depth=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"].as_str().unwrap().contains("depth"), "{json}");
    let (status, json) = get(&app, "/api/snapshots/small/rp?depth=1000").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"].as_str().unwrap().contains("depth 1000"), "{json}");
    let (status, _) = get(&app, &format!("/api/snapshots/small/rp?q={}", enc("heap.byclodo["))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&app, "/api/snapshots/nope/rp").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
