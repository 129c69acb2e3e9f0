//! Router tests of `/api/diff` (heapy's `A.diff(B)`) and `/api/snapshots/{id}/disjoint`:
//! rows, totals and text, paging, drill queries, and the errors for bad ids and queries.

mod common;

use axum::http::StatusCode;
use common::get;
use heaplens_engine::synth::write_synthetic;
use heaplens_engine::testing::small_snapshot;
use heaplens_engine::{read_snapshot, Heap};
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use std::sync::Arc;

/// The small fixture heap, and two synthetic heaps of different sizes.
fn app() -> axum::Router {
    let store = Store::new(None);
    let bytes = small_snapshot();
    store.insert("small.hls", bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    for (name, n, seed) in [("before.hls", 2000, 7), ("after.hls", 2600, 7)] {
        let bytes = write_synthetic(Vec::new(), n, seed).unwrap();
        store.insert(name, bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    }
    router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None)
}

#[tokio::test]
async fn diff_of_one_heap_by_type() {
    let (status, json) = get(&app(), "/api/diff?a=small&b=small&qb=heap.bytype%5B%22str%22%5D&by=type").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!(json);
}

#[tokio::test]
async fn diff_of_two_heaps_rows_add_up_and_page() {
    let app = app();
    let (status, whole) = get(&app, "/api/diff?a=after&b=before").await;
    assert_eq!(status, StatusCode::OK);
    let rows = whole["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, whole["total_rows"].as_u64().unwrap());
    // every row is A minus B, the cumulative column ends at the totals' difference
    for r in rows {
        assert_eq!(r["count"].as_i64().unwrap(), r["count_a"].as_i64().unwrap() - r["count_b"].as_i64().unwrap());
        assert_eq!(r["size"].as_i64().unwrap(), r["size_a"].as_i64().unwrap() - r["size_b"].as_i64().unwrap());
    }
    assert_eq!(rows.last().unwrap()["cumulative"], whole["size"]);
    let sum: i64 = rows.iter().map(|r| r["count"].as_i64().unwrap()).sum();
    assert_eq!(sum, whole["a_count"].as_i64().unwrap() - whole["b_count"].as_i64().unwrap());
    assert!(whole["text"].as_str().unwrap().starts_with("Summary of difference operation (A-B).\n"));
    // drill queries select the row's label in each snapshot
    let r0 = &rows[0];
    let label = r0["label"].as_str().unwrap();
    assert_eq!(r0["query_a"], format!("heap.byclodo[{}]", serde_json::to_string(label).unwrap()));
    // a page of rows keeps the indices and cumulative sizes of the whole
    let (_, page) = get(&app, "/api/diff?a=after&b=before&offset=2&limit=3").await;
    assert_eq!(page["offset"], 2);
    assert_eq!(page["rows"].as_array().unwrap().as_slice(), &rows[2..5]);
}

#[tokio::test]
async fn diff_errors_name_the_problem() {
    let app = app();
    let cases = [
        "/api/diff?b=small",
        "/api/diff?a=small&b=nosuch",
        "/api/diff?a=small&b=small&qa=heap.byclodo%5B",
        "/api/diff?a=small&b=small&qb=heap.bytype%5B%22nothing%22%5D",
        "/api/diff?a=small&b=small&by=colour",
        "/api/diff?a=small&b=small&limit=many",
        "/api/diff?a=small&b=small&by=id&qb=heap.bytype%5B%22str%22%5D",
        "/api/snapshots/small/disjoint?qa=heap",
        "/api/snapshots/small/disjoint?qa=heap&qb=heap.nope",
    ];
    let mut answers = Vec::new();
    for uri in cases {
        let (status, json) = get(&app, uri).await;
        assert!(status.is_client_error(), "{uri}: {status}");
        answers.push(serde_json::json!({"uri": uri, "status": status.as_u16(), "body": json}));
    }
    insta::assert_json_snapshot!(answers);
}

#[tokio::test]
async fn disjoint_tells_whether_two_sets_share_an_object() {
    let app = app();
    let (status, json) =
        get(&app, "/api/snapshots/small/disjoint?qa=heap.bytype%5B%22str%22%5D&qb=heap.bytype%5B%22list%22%5D").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["disjoint"], true);
    let (_, json) = get(
        &app,
        "/api/snapshots/small/disjoint?qa=heap.bytype%5B%22str%22%5D&qb=heap.bytype%5B%22list%22%5D.referents",
    )
    .await;
    assert_eq!(json["disjoint"], false);
}
