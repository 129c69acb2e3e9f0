//! Router tests of series and heapy dump files: dump uploads (told apart from snapshots by
//! content) listed and shown as series, a package's table, heapy's difference of two
//! packages, tables exported as dump packages, snapshots of one process as a series, and
//! malformed or truncated dumps refused with the line named.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heaplens_engine::heapydump::{read_dump, write_partition};
use heaplens_engine::partition::partition;
use heaplens_engine::testing::small_snapshot;
use heaplens_engine::{read_snapshot, Heap, Relation};
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

fn small_heap() -> Heap {
    Heap::new(read_snapshot(&small_snapshot()).unwrap())
}

fn state() -> AppState {
    let store = Store::new(None);
    store.insert("small.hls", 1, small_heap());
    AppState { store: Arc::new(store), max_upload: 1 << 20 }
}

/// A dump file of the small heap's tables by `relations`, one package each.
fn dump_of(relations: &[Relation]) -> Vec<u8> {
    let heap = small_heap();
    let mut out = Vec::new();
    for (i, &r) in relations.iter().enumerate() {
        write_partition(&heap, heap.heap(), &partition(&heap, heap.heap(), r), 1000.0 + i as f64, &mut out).unwrap();
    }
    out
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let (status, body) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)))
}

async fn post(app: &axum::Router, uri: &str, body: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let (status, body) = send(app, Request::post(uri).body(Body::from(body)).unwrap()).await;
    (status, serde_json::from_str(&body).unwrap())
}

#[tokio::test]
async fn dump_upload_becomes_a_series_with_packages_and_diffs() {
    let app = router(state(), None);
    let mut file = dump_of(&[Relation::Clodo, Relation::Clodo]);
    // a third package, with CRLF line ends: the heap without its module
    let text = String::from_utf8(dump_of(&[Relation::Clodo])).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let fewer: Vec<String> = lines
        .iter()
        .filter(|l| !l.starts_with(".r: 1 72 module"))
        .map(|l| match l.split_once(": ") {
            Some((".numrows", _)) => ".numrows: 6".to_owned(),
            Some((".count", n)) => format!(".count: {}", n.parse::<i64>().unwrap() - 1),
            Some((".size", n)) => format!(".size: {}", n.parse::<i64>().unwrap() - 72),
            _ => l.to_string(),
        })
        .collect();
    file.extend(fewer.join("\r\n").into_bytes());
    file.extend(b"\r\n");
    let (status, info) = post(&app, "/api/snapshots?name=prof.dump", file).await;
    assert_eq!(status, StatusCode::CREATED, "{info}");
    assert_eq!((info["id"].as_str(), info["samples"].as_u64()), (Some("prof"), Some(3)));
    // the snapshot list is unchanged; the series list has it
    assert_eq!(get(&app, "/api/snapshots").await.1["snapshots"].as_array().unwrap().len(), 1);
    let (_, list) = get(&app, "/api/series").await;
    assert_eq!(list["series"][0]["id"], "prof");
    let (status, series) = get(&app, "/api/series/prof?measure=count&k=3").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("dump_series_top_kinds", series);
    let (_, pkg) = get(&app, "/api/series/prof/packages/2").await;
    assert_eq!(pkg["rows"].as_array().unwrap().len(), 6);
    insta::assert_snapshot!("dump_package_text", pkg["text"].as_str().unwrap());
    let (status, d) = get(&app, "/api/series/prof/diff?a=0&b=2").await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["format"], "DiffFormat");
    insta::assert_snapshot!("dump_diff_text", d["text"].as_str().unwrap());
}

#[tokio::test]
async fn malformed_and_truncated_dumps_are_refused_naming_the_line() {
    let app = router(state(), None);
    let good = dump_of(&[Relation::Type, Relation::Size]);
    let cut = good[..good.len() - 40].to_vec();
    let (status, json) = post(&app, "/api/snapshots?name=cut.dump", cut).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!("truncated_dump", json);
    let bad_row = String::from_utf8(good.clone()).unwrap().replacen(".r: 3 ", ".r: three ", 1);
    let (status, json) = post(&app, "/api/snapshots?name=bad.dump", bad_row.into_bytes()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!("bad_row_dump", json);
    let garbage = [good.clone(), b"hello world\n".to_vec()].concat();
    let (status, json) = post(&app, "/api/snapshots?name=garbage.dump", garbage).await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_dump")));
    let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
    assert!(json["error"]["message"].as_str().unwrap().contains(&format!("line {line}:")), "{json}");
    assert_eq!(get(&app, "/api/series").await.1["series"], serde_json::json!([]));
    // a snapshot upload still goes the snapshot way
    let (status, _) = post(&app, "/api/snapshots?name=again.hls", small_snapshot()).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn any_table_exports_as_a_package_equal_to_its_partition() {
    let app = router(state(), None);
    for (q, by) in [("heap", "clodo"), ("heap", "id"), ("heap.byclodo%5B0%5D", "size"), ("heap", "via")] {
        let (status, body) = send(
            &app,
            Request::get(format!("/api/snapshots/small/heapy-dump?q={q}&by={by}")).body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let pkg = &read_dump(body.as_bytes()).unwrap()[0];
        let (_, view) = get(&app, &format!("/api/snapshots/small/partition?q={q}&by={by}")).await;
        assert_eq!(pkg.format.name(), if by == "id" { "IdFormat" } else { "SetFormat" });
        assert_eq!((pkg.count, pkg.size), (view["count"].as_i64().unwrap(), view["size"].as_i64().unwrap()));
        assert_eq!(pkg.kindheader, view["header"].as_str().unwrap());
        let rows: Vec<(i64, i64, &str)> = view["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["count"].as_i64().unwrap(), r["size"].as_i64().unwrap(), r["label"].as_str().unwrap()))
            .collect();
        let ours: Vec<(i64, i64, &str)> = pkg.rows.iter().map(|r| (r.count, r.size, r.label.as_str())).collect();
        assert_eq!(ours, rows);
    }
    let (status, json) = get(&app, "/api/snapshots/small/heapy-dump?q=heap.bogus").await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_query")));
}

#[tokio::test]
async fn snapshots_of_one_process_form_a_series() {
    let st = state();
    st.store.insert("small-later.hls", 1, small_heap());
    let app = router(st, None);
    let (_, list) = get(&app, "/api/series").await;
    assert_eq!(list["series"][0]["snapshots"], serde_json::json!(["small", "small-later"]));
    let id = list["series"][0]["id"].as_str().unwrap().to_owned();
    let (status, view) = get(&app, &format!("/api/series/{id}?by=type&k=2")).await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("process_series_by_type", view);
    for (uri, status) in [
        (format!("/api/series/{id}?by=id"), StatusCode::BAD_REQUEST),
        (format!("/api/series/{id}?measure=weight"), StatusCode::BAD_REQUEST),
        (format!("/api/series/{id}/packages/2"), StatusCode::NOT_FOUND),
        (format!("/api/series/{id}/diff?a=0"), StatusCode::BAD_REQUEST),
        ("/api/series/nope".to_owned(), StatusCode::NOT_FOUND),
    ] {
        let (got, json) = get(&app, &uri).await;
        assert_eq!(got, status, "{uri}: {json}");
        assert!(json["error"]["message"].is_string());
    }
}
