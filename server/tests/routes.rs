//! Router tests without a socket (`tower::ServiceExt::oneshot`): every endpoint, the error
//! envelope, uploads of good, corrupt and oversized files, and the SPA fallback.

mod common;

use axum::http::StatusCode;
use common::{get, post};
use heaplens_engine::testing::small_snapshot;
use heaplens_engine::{read_snapshot, Heap};
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use std::sync::Arc;

fn state(max_upload: u64) -> AppState {
    let store = Store::new(None);
    let bytes = small_snapshot();
    store.insert("small.hls", bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    AppState { store: Arc::new(store), max_upload }
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

/// The filter keeps the rows whose label contains the text (any case), with their own index,
/// cumulative sizes and drill queries; paging runs over the matching rows.
#[tokio::test]
async fn filter_returns_matching_rows_with_their_own_index() {
    let app = router(state(1 << 20), None);
    let (_, all) = get(&app, "/api/snapshots/small/partition?by=clodo").await;
    let (status, json) = get(&app, "/api/snapshots/small/partition?by=clodo&filter=DiCT").await;
    assert_eq!(status, StatusCode::OK);
    let expected: Vec<&serde_json::Value> =
        all["rows"].as_array().unwrap().iter().filter(|r| r["label"].as_str().unwrap().contains("dict")).collect();
    assert!(expected.len() >= 2 && expected.len() < all["rows"].as_array().unwrap().len());
    assert_eq!(json["rows"].as_array().unwrap().iter().collect::<Vec<_>>(), expected, "same rows, same fields");
    assert_eq!(json["matched_rows"], expected.len() as u64);
    assert_eq!(json["total_rows"], all["total_rows"]);
    // paging over the matches
    let (_, second) = get(&app, "/api/snapshots/small/partition?by=clodo&filter=dict&offset=1&limit=1").await;
    assert_eq!(second["rows"].as_array().unwrap(), &vec![expected[1].clone()]);
    assert_eq!(second["offset"], 1);
    // per-object rows (byid) filter on their briefs
    let (_, ids) = get(&app, "/api/snapshots/small/partition?by=id&limit=100").await;
    let (_, hits) = get(&app, "/api/snapshots/small/partition?by=id&filter=str").await;
    let want: Vec<&serde_json::Value> =
        ids["rows"].as_array().unwrap().iter().filter(|r| r["label"].as_str().unwrap().contains("str")).collect();
    assert!(!want.is_empty());
    assert_eq!(hits["rows"].as_array().unwrap().iter().collect::<Vec<_>>(), want);
    // no match: no rows, and an empty filter is no filter
    let (_, none) = get(&app, "/api/snapshots/small/partition?by=clodo&filter=%3Cnothing%3E").await;
    assert_eq!((none["matched_rows"].as_u64(), none["rows"].as_array().unwrap().len()), (Some(0), 0));
    let (_, empty) = get(&app, "/api/snapshots/small/partition?by=clodo&filter=").await;
    assert!(empty.get("matched_rows").is_none());
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
    // the id names the bytes: the first 16 hex digits of their SHA-256
    let sha: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&good).iter().map(|b| format!("{b:02x}")).collect()
    };
    assert_eq!(json["id"], sha[..16]);
    assert_eq!(json["store"]["sha256"], sha);
    assert_eq!(json["name"], "second one");
    assert_eq!(json["objects"], 12);
    let (status, _) = get(&app, &format!("/api/snapshots/{}/partition", &sha[..16])).await;
    assert_eq!(status, StatusCode::OK);
    // the same bytes again: the snapshot already there (200), not a second one
    let (status, again) = post(&app, "/api/snapshots?name=another%20name.hls", good.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, json);

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

// ---- the inspector, shortest paths, referrer graph and treemap ----

/// A store holding `testdata/small.hls` (a real heap, captured next to guppy3) as `testdata`.
fn real_state() -> AppState {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/small.hls");
    let heap = Heap::new(heaplens_engine::format::read_snapshot_file(&path).unwrap());
    let store = Store::new(None);
    store.insert("testdata.hls", std::fs::metadata(&path).unwrap().len(), heap);
    AppState { store: Arc::new(store), max_upload: 1 << 20 }
}

/// `application/x-www-form-urlencoded` escaping of a query parameter value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn object_inspector_lists_edges_paths_and_briefs() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, "/api/snapshots/small/objects/0x9000").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["shpaths"]["text"][0], " 0: hp.Root.i0_modules['m'].__dict__['l'][0]");
    let steps: Vec<&str> =
        json["shpaths"]["paths"][0].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(steps, vec![".i0_modules", "['m']", ".__dict__", "['l']", "[0]"]);
    insta::assert_json_snapshot!(json);

    // edge lists stop at `limit`, totals do not; the root can be inspected too
    let (_, json) = get(&app, "/api/snapshots/small/objects/0x3000?limit=1").await;
    assert_eq!(
        (json["referents"]["total"].as_u64(), json["referents"]["items"].as_array().unwrap().len()),
        (Some(4), 1)
    );
    assert_eq!(json["referents"]["items"][0]["name"], "['a']");
    assert_eq!(json["referents"]["items"][0]["kind"], "m.A");
    let (status, json) = get(&app, "/api/snapshots/small/objects/0x0").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((json["brief"].as_str(), json["shpaths"]["text"][0].as_str()), (Some("hp.Root"), Some(" 0: hp.Root")));
}

#[tokio::test]
async fn object_errors() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, "/api/snapshots/small/objects/0x9001").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["error"]["code"], "not_found");
    assert!(json["error"]["message"].as_str().unwrap().contains("0x9001"), "{json}");
    for bad in ["9000", "0xzz", "0x", "0x11112222333344445"] {
        let (status, json) = get(&app, &format!("/api/snapshots/small/objects/{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(json["error"]["code"], "bad_request");
    }
    let (status, _) = get(&app, "/api/snapshots/small/objects/0x9000?limit=all").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&app, "/api/snapshots/nope/objects/0x9000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!(get(&app, "/api/snapshots/small/objects/0x9001").await.1);
}

#[tokio::test]
async fn object_atoms_work_in_partition_queries() {
    let app = router(state(1 << 20), None);
    let (status, json) =
        get(&app, &format!("/api/snapshots/small/partition?q={}", enc("@0x9000.referrers.byvia"))).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["relation"], "via");
    assert_eq!(json["count"], 2);
    assert_eq!(json["breadcrumbs"][0]["label"], "str: 0x9000");
    let (status, json) = get(&app, &format!("/api/snapshots/small/partition?q={}", enc("heap - @0x9001"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["position"], 7);
}

#[tokio::test]
async fn shpaths_text_for_a_set() {
    let app = router(state(1 << 20), None);
    let (status, text) =
        get(&app, &format!("/api/snapshots/small/shpaths?q={}", enc("heap.byclodo[\"dict of m.A\"]"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        text.as_str().unwrap(),
        " 0: hp.Root.i0_modules['m'].__dict__['a'].__dict__\n 1: hp.Root.i0_modules['m'].__dict__['b'].__dict__\n"
    );
    let (status, json) = get(&app, &format!("/api/snapshots/small/shpaths?q={}", enc("@0x9000 | @0x4"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!((json["error"]["code"].as_str(), json["error"]["position"].as_u64()), (Some("bad_query"), Some(10)));
}

#[tokio::test]
async fn real_heap_object_and_paths_match_heapy_notation() {
    let app = router(real_state(), None);
    // the Small instances of testdata/make_testdata.py's KEEP['smalls']: main()'s frame
    // (a root of heapy's) reaches the module's globals in one step
    let (_, part) =
        get(&app, &format!("/api/snapshots/testdata/partition?q={}&by=id", enc("heap.byclodo[\"__main__.Small\"]")))
            .await;
    assert_eq!(part["count"], 3, "{part}");
    let mut found = Vec::new();
    for row in part["rows"].as_array().unwrap() {
        let addr = row["label"].as_str().unwrap().to_owned();
        let (status, json) = get(&app, &format!("/api/snapshots/testdata/objects/{addr}?limit=3")).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        assert_eq!(json["kind"], "__main__.Small");
        found.push((json["shpaths"]["text"][0].as_str().unwrap().to_owned(), json));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let texts: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            " 0: hp.Root.i0_t140424652196736_f1.f_globals['KEEP']['smalls'][0]",
            " 0: hp.Root.i0_t140424652196736_f1.f_globals['KEEP']['smalls'][1]",
            " 0: hp.Root.i0_t140424652196736_f1.f_globals['KEEP']['smalls'][2]",
        ]
    );
    // an object's retained size (dominator tree) is the size of its `.dominos` set (exact walk)
    for (_, obj) in &found {
        let q = format!("@{}.dominos", obj["addr"].as_str().unwrap());
        let (_, dominos) = get(&app, &format!("/api/snapshots/testdata/partition?q={}&by=unity", enc(&q))).await;
        assert_eq!(obj["retained"], dominos["size"], "{q}");
        assert!(obj["retained"].as_u64().unwrap() > obj["size"].as_u64().unwrap(), "a Small holds its dict");
    }
    insta::assert_json_snapshot!(found[0].1);
}

#[tokio::test]
async fn referrer_graph_unfolds_expanded_nodes() {
    let app = router(state(1 << 20), None);
    let child = "heap.bytype[\"str\"].referrers.byclodo[\"dict of m.A\"]";
    let uri = format!("/api/snapshots/small/graph?q={}&expand={}&k=4", enc("heap.bytype[\"str\"]"), enc(child));
    let (status, json) = get(&app, &uri).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let ids: Vec<&str> = json["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids[1], child);
    assert_eq!(ids.len(), 4);
    assert_eq!(json["nodes"][1]["expanded"], true);
    // every edge joins two nodes of the graph
    for e in json["edges"].as_array().unwrap() {
        assert!(ids.contains(&e["from"].as_str().unwrap()) && ids.contains(&e["to"].as_str().unwrap()), "{e}");
    }
    insta::assert_json_snapshot!(json);

    // a second expand parameter for a node that is not in the graph changes nothing
    let (_, again) = get(&app, &format!("{uri}&expand={}", enc("heap.bytype[\"list\"]"))).await;
    assert_eq!(again, json);
}

#[tokio::test]
async fn referrer_graph_errors() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, &format!("/api/snapshots/small/graph?q={}", enc("heap.bytype[\"nope\"]"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!((json["error"]["code"].as_str(), json["error"]["position"].as_u64()), (Some("bad_query"), Some(12)));
    let (status, json) =
        get(&app, &format!("/api/snapshots/small/graph?expand=heap&expand={}", enc("heap.referers"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["position"], 5);
    assert!(json["error"]["message"].as_str().unwrap().starts_with("in expand parameter 2"), "{json}");
    let (status, json) = get(&app, "/api/snapshots/small/graph?k=many").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "bad_request");
    insta::assert_json_snapshot!(json);
}

#[tokio::test]
async fn hostile_labels_round_trip_through_graph_node_queries() {
    use heaplens_engine::format::EdgeName;
    use heaplens_engine::{ObjId, SnapshotWriter};
    let hostile = "evil\"]<script>alert('x')</script>\\";
    let mut w = SnapshotWriter::new(Vec::new()).unwrap();
    let t_str = w.add_type(None, "str").unwrap();
    let t_evil = w.add_type(None, hostile).unwrap();
    let t_list = w.add_type(None, "list").unwrap();
    let top = w.name(".i0_top").unwrap();
    w.object(0, None, 0, &[(ObjId(1), top)]).unwrap();
    w.object(0x10, Some(t_list), 72, &[(ObjId(2), EdgeName::Index(0)), (ObjId(3), EdgeName::Index(1))]).unwrap();
    w.object(0x20, Some(t_evil), 48, &[(ObjId(4), EdgeName::Index(0))]).unwrap();
    w.object(0x30, Some(t_evil), 48, &[(ObjId(4), EdgeName::Index(0))]).unwrap();
    w.object(0x40, Some(t_str), 50, &[]).unwrap();
    let bytes = w.finish(&serde_json::json!({})).unwrap();
    let store = Store::new(None);
    store.insert("evil.hls", bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    let app = router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None);

    let (status, json) = get(&app, &format!("/api/snapshots/evil/graph?q={}", enc("@0x40"))).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let node = &json["nodes"][1];
    assert_eq!(node["label"], hostile);
    let query = node["query"].as_str().unwrap();
    assert_eq!(query, format!("@0x40.referrers.byclodo[{}]", serde_json::to_string(hostile).unwrap()));
    let (status, part) = get(&app, &format!("/api/snapshots/evil/partition?q={}&by=id", enc(query))).await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert_eq!((part["count"].as_u64(), part["size"].as_u64()), (node["count"].as_u64(), node["size"].as_u64()));
    let addrs: Vec<&str> = part["rows"].as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(addrs, vec!["0x20", "0x30"]);
    assert_eq!(part["breadcrumbs"][2]["label"], hostile);
}

#[tokio::test]
async fn treemap_two_levels_with_drill_queries() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, "/api/snapshots/small/treemap?by=type&then=clodo&limit=2&child_limit=1").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["cells"][0]["children"][0]["query"], "heap.bytype[0].byclodo[0]");
    assert_eq!(json["other"], serde_json::json!({"rows": 3, "count": 4, "size": 272}));
    insta::assert_json_snapshot!(json);
    // every cell's query selects what the cell counts
    let cells = json["cells"].as_array().unwrap();
    for c in cells.iter().chain(cells.iter().flat_map(|c| c["children"].as_array().unwrap())) {
        let (_, part) =
            get(&app, &format!("/api/snapshots/small/partition?q={}", enc(c["query"].as_str().unwrap()))).await;
        assert_eq!((&part["count"], &part["size"]), (&c["count"], &c["size"]), "{c}");
    }
    // the query's own `.byX` is the default relation; no `then`, no children
    let (_, json) = get(&app, &format!("/api/snapshots/small/treemap?q={}", enc("heap.bysize"))).await;
    assert_eq!(json["relation"], "size");
    assert_eq!(json["then"], serde_json::Value::Null);
    assert!(json["cells"].as_array().unwrap().iter().all(|c| c["children"].as_array().unwrap().is_empty()));
}

#[tokio::test]
async fn treemap_errors() {
    let app = router(state(1 << 20), None);
    let (status, json) = get(&app, "/api/snapshots/small/treemap?then=id").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"].as_str().unwrap().contains("`id` cannot be the second relation"), "{json}");
    let (status, json) = get(&app, "/api/snapshots/small/treemap?then=colour").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"].as_str().unwrap().contains("unknown relation \"colour\""), "{json}");
    let (status, json) = get(&app, "/api/snapshots/small/treemap?q=heap.byclodo%5B99%5D").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["position"], 13);
    let (status, _) = get(&app, "/api/snapshots/small/treemap?limit=-1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
