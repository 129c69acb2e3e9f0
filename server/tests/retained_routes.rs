//! Router tests of retained sizes: the table's retained column, the treemap sized by it and
//! the dominator tree, on the real heap in `testdata/small.hls`, checked against the engine's
//! `.dominos` query (heapy's `domisize`, itself checked against guppy3 in capture/tests).

mod common;

use axum::http::StatusCode;
use common::get;
use heaplens_engine::format::read_snapshot_file;
use heaplens_engine::Heap;
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use std::sync::Arc;

fn real_heap() -> Heap {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls");
    Heap::new(read_snapshot_file(std::path::Path::new(path)).unwrap())
}

fn app() -> axum::Router {
    let store = Store::new(None);
    store.insert("real.hls", 0, real_heap());
    router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None)
}

/// `(count, size)` of a query's set, through the partition endpoint.
async fn count_size(app: &axum::Router, q: &str) -> (u64, u64) {
    let (status, json) = get(app, &format!("/api/snapshots/real/partition?by=unity&limit=0&q={}", enc(q))).await;
    assert_eq!(status, StatusCode::OK, "{q}: {json}");
    (json["count"].as_u64().unwrap(), json["size"].as_u64().unwrap())
}

fn enc(q: &str) -> String {
    q.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test]
async fn retained_column_is_each_rows_domisize() {
    let app = app();
    for by in ["clodo", "type", "size", "rcs", "id"] {
        let (status, json) = get(&app, &format!("/api/snapshots/real/retained?by={by}&rows=0,1,2,5,3")).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let rows = json["rows"].as_array().unwrap();
        assert_eq!(rows.iter().map(|r| r["index"].as_u64().unwrap()).collect::<Vec<_>>(), vec![0, 1, 2, 5, 3]);
        for r in rows {
            let q = format!("heap.by{by}[{}].dominos", r["index"]);
            assert_eq!(r["retained"].as_u64().unwrap(), count_size(&app, &q).await.1, "{q}");
        }
        // asked again: the same answer (from the cache)
        let (_, again) = get(&app, &format!("/api/snapshots/real/retained?by={by}&rows=0,1,2,5,3")).await;
        assert_eq!(again, json);
    }
}

#[tokio::test]
async fn retained_errors_name_the_problem() {
    let app = app();
    for (uri, needle) in [
        ("/api/snapshots/real/retained?rows=0,99999", "row 99999 out of range"),
        ("/api/snapshots/real/retained?rows=0,x", "bad row index \"x\""),
        ("/api/snapshots/real/retained?rows=0&by=nope", "unknown relation"),
        ("/api/snapshots/nope/retained?rows=0", "nope"),
        ("/api/snapshots/real/treemap?measure=retained&then=type", "leave out `then`"),
        ("/api/snapshots/real/treemap?measure=weight", "unknown measure"),
        ("/api/snapshots/real/domtree?addr=0x1", "no object at address 0x1"),
        ("/api/snapshots/real/domtree?addr=zz", "bad address"),
    ] {
        let (status, json) = get(&app, uri).await;
        assert!(status.is_client_error(), "{uri}: {status}");
        let msg = json["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{uri}: {msg}");
    }
    let many: Vec<String> = (0..501).map(|i| i.to_string()).collect();
    let (status, json) = get(&app, &format!("/api/snapshots/real/retained?rows={}", many.join(","))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"].as_str().unwrap().contains("at most 500"));
}

#[tokio::test]
async fn treemap_sized_by_retained_size() {
    let app = app();
    let (status, json) = get(&app, "/api/snapshots/real/treemap?by=type&measure=retained&limit=4").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let cells = json["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    let sizes: Vec<u64> = cells.iter().map(|c| c["retained"].as_u64().unwrap()).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest retained first: {sizes:?}");
    for c in cells {
        let q = format!("{}.dominos", c["query"].as_str().unwrap());
        assert_eq!(c["retained"].as_u64().unwrap(), count_size(&app, &q).await.1, "{q}");
    }
    // without measure: no retained field at all (the old shape)
    let (_, plain) = get(&app, "/api/snapshots/real/treemap?by=type&limit=4").await;
    assert!(plain["cells"][0].get("retained").is_none());
}

#[tokio::test]
async fn dominator_tree_levels() {
    let app = app();
    let (status, top) = get(&app, "/api/snapshots/real/domtree?limit=5").await;
    assert_eq!(status, StatusCode::OK, "{top}");
    let heap_size = top["heap_size"].as_u64().unwrap();
    let nodes = top["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 5);
    let listed: u64 = nodes.iter().map(|n| n["retained"].as_u64().unwrap()).sum();
    assert_eq!(listed + top["rest_retained"].as_u64().unwrap(), heap_size, "the root's subtrees cover the heap");
    // a node's children: their retained sizes plus its own size make its retained size
    let first = &nodes[0];
    let addr = first["addr"].as_str().unwrap();
    let (status, level) = get(&app, &format!("/api/snapshots/real/domtree?addr={addr}&limit=5000")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(level["parent"]["addr"], first["addr"]);
    assert_eq!(level["total"], first["children"]);
    let kids: u64 = level["nodes"].as_array().unwrap().iter().map(|n| n["retained"].as_u64().unwrap()).sum();
    assert_eq!(kids + first["size"].as_u64().unwrap(), first["retained"].as_u64().unwrap());
    // and equals heapy's domisize of the object
    assert_eq!(first["retained"].as_u64().unwrap(), count_size(&app, &format!("@{addr}.dominos")).await.1);
    // a set's level: its members no other member dominates
    let (status, dicts) = get(&app, "/api/snapshots/real/domtree?q=heap.bytype%5B%22dict%22%5D&limit=3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(dicts["nodes"].as_array().unwrap().iter().all(|n| n["kind"].as_str().unwrap().contains("dict")));
    insta::assert_json_snapshot!(level["nodes"].as_array().unwrap()[..3.min(level["nodes"].as_array().unwrap().len())]);
}
