//! Router tests of reference points and identity diffs: `heapnew` in queries, the
//! snapshot's reference fields, and `/api/identity` with its errors.

mod common;

use axum::http::StatusCode;
use common::get;
use heaplens_engine::testing::{small_capture, small_snapshot};
use heaplens_engine::{read_snapshot, Heap};
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use std::sync::Arc;

/// `a` (capture 2, reference point at 1), `b` (capture 4: the instance at 0x6000 and its
/// dict, and the free dict, first seen at 3 and 4) and `old` (a file without identity).
fn app() -> axum::Router {
    let store = Store::new(None);
    for (name, bytes) in [
        ("a.hls", small_capture(2, &[], Some(1))),
        ("b.hls", small_capture(4, &[(6, 3), (7, 3), (12, 4)], Some(1))),
        ("old.hls", small_snapshot()),
    ] {
        store.insert(name, bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    }
    router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None)
}

#[tokio::test]
async fn snapshot_info_tells_the_process_capture_and_reference_point() {
    let app = app();
    let (status, b) = get(&app, "/api/snapshots/b").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(b["process_token"], "tok");
    assert_eq!(b["capture_seq"], 4);
    assert_eq!(b["has_reference_point"], true);
    assert_eq!(b["reference"]["new_objects"], 3);
    let (_, old) = get(&app, "/api/snapshots/old").await;
    assert_eq!(old["has_reference_point"], false);
    assert_eq!(old["reference"], serde_json::Value::Null);
    assert_eq!(old["process_token"], serde_json::Value::Null);
}

#[tokio::test]
async fn heapnew_is_a_query_atom_and_an_error_without_a_reference_point() {
    let app = app();
    let (status, json) = get(&app, "/api/snapshots/b/partition?q=heapnew&by=type").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!(json);
    let (status, json) = get(&app, "/api/snapshots/old/partition?q=heap%20-%20heapnew").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "bad_query");
    assert_eq!(json["error"]["position"], 7);
    assert!(json["error"]["message"].as_str().unwrap().contains("heaplens.setref()"));
}

#[tokio::test]
async fn identity_shows_new_and_gone_objects_as_partitions() {
    let app = app();
    let (status, new) = get(&app, "/api/identity?a=a&b=b&by=clodo").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!(new);
    let (status, gone) = get(&app, "/api/identity?a=a&b=b&by=type&side=gone").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(gone["snapshot"], "a");
    assert_eq!(gone["count"], 3);
    assert_eq!(gone["breadcrumbs"][0]["label"], "gone from a in b");
}

#[tokio::test]
async fn identity_errors_name_the_problem() {
    let app = app();
    for (uri, status, code, says) in [
        ("/api/identity?a=b&b=a", StatusCode::UNPROCESSABLE_ENTITY, "not_comparable", "captured before A"),
        ("/api/identity?a=old&b=b", StatusCode::UNPROCESSABLE_ENTITY, "not_comparable", "no process identity"),
        ("/api/identity?a=a&b=a", StatusCode::UNPROCESSABLE_ENTITY, "not_comparable", "same capture"),
        ("/api/identity?a=a", StatusCode::BAD_REQUEST, "bad_request", "two snapshots"),
        ("/api/identity?a=a&b=b&side=both", StatusCode::BAD_REQUEST, "bad_request", "unknown side"),
        ("/api/identity?a=a&b=b&by=colour", StatusCode::BAD_REQUEST, "bad_request", "unknown relation"),
        ("/api/identity?a=a&b=nope", StatusCode::NOT_FOUND, "not_found", "no snapshot"),
    ] {
        let (s, json) = get(&app, uri).await;
        assert_eq!(s, status, "{uri}: {json}");
        assert_eq!(json["error"]["code"], code, "{uri}");
        assert!(json["error"]["message"].as_str().unwrap().contains(says), "{uri}: {json}");
    }
}

#[tokio::test]
async fn rebase_moves_a_query_across_the_reference_point() {
    let app = app();
    let (status, json) = get(&app, "/api/snapshots/b/rebase?q=heap.byclodo%5B0%5D.referrers&to=heapnew").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["query"], "heapnew.byclodo[\"dict (no owner)\"].referrers");
    assert_eq!(json["heapnew"], true);
    let (_, back) = get(&app, "/api/snapshots/b/rebase?q=heapnew.bytype&to=heap").await;
    assert_eq!(back["query"], "heap.bytype");
    assert_eq!(back["heapnew"], false);
    let (_, toggled) = get(&app, "/api/snapshots/b/rebase?q=heapnew.bytype").await;
    assert_eq!(toggled["query"], "heap.bytype");
    let (_, toggled) = get(&app, "/api/snapshots/b/rebase?q=heap.bytype").await;
    assert_eq!(toggled["query"], "heapnew.bytype");
    let (status, json) = get(&app, "/api/snapshots/old/rebase?q=heap&to=heapnew").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"].as_str().unwrap().contains("heaplens.setref()"));
    let (status, _) = get(&app, "/api/snapshots/b/rebase?q=heap&to=sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
