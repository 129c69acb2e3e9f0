//! No request pins the server (issue 16): an analysis over its work budget is stopped and
//! answered 503 `budget_exceeded` naming the budget; an analysis whose client went away is
//! cancelled and frees its worker within a second; identical questions are answered from
//! the heap's answer cache (hits counted in `/api/status`). The slow question here is a
//! real one: a long chain of `.referents.referrers` over a synthetic heap, every step a
//! pass over most of its objects.

mod common;

use axum::http::StatusCode;
use common::get;
use heaplens_engine::synth::write_synthetic;
use heaplens_engine::{read_snapshot, Heap};
use heaplens_server::http::router;
use heaplens_server::http::work::WorkBudget;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn app(objects: u64, budget: Option<Duration>) -> axum::Router {
    let store = Store::new(None);
    let bytes = write_synthetic(Vec::new(), objects, 7).unwrap();
    store.insert("s.hls", bytes.len() as u64, Heap::indexed(read_snapshot(&bytes).unwrap()));
    let r = router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None);
    match budget {
        Some(b) => r.layer(axum::Extension(WorkBudget(b))),
        None => r,
    }
}

/// A question that walks the heap `pairs` times back and forth (at most 127 pairs: the
/// query language takes 256 steps, `heap` one of them).
fn slow(pairs: usize) -> String {
    format!("/api/snapshots/s/partition?q=heap{}", ".referents.referrers".repeat(pairs))
}

#[tokio::test]
async fn over_budget_is_503_naming_the_budget_and_the_server_goes_on() {
    let app = app(100_000, Some(Duration::from_millis(5)));
    let (status, body) = get(&app, &slow(120)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "budget_exceeded");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("work budget of 0.005 s") && msg.contains("--work-budget"), "{msg}");
    let (status, s) = get(&app, "/api/status").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s["analyses_over_budget"], 1);
    assert_eq!(s["analyses_running"], 0);
    assert_eq!(s["work_budget_s"], 0.005);
    // a question within the budget is answered as usual
    let (status, _) = get(&app, "/api/snapshots").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_frees_its_worker_within_a_second() {
    let app = app(300_000, None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let status = move || -> serde_json::Value {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "GET /api/status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap()
    };
    tokio::task::spawn_blocking(move || {
        // the slow question, then the client leaves while it runs
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        write!(c, "GET {} HTTP/1.1\r\nHost: {addr}\r\n\r\n", slow(120)).unwrap();
        let t = Instant::now();
        while status()["analyses_running"] != 1 {
            assert!(t.elapsed() < Duration::from_secs(10), "the analysis never started: {}", status());
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(200));
        drop(c);
        let left = Instant::now();
        loop {
            let s = status();
            if s["analyses_running"] == 0 {
                assert_eq!(s["analyses_cancelled"], 1, "{s}");
                break;
            }
            assert!(left.elapsed() < Duration::from_secs(1), "worker still busy after the client left: {s}");
            std::thread::sleep(Duration::from_millis(20));
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn identical_questions_are_answered_from_the_cache() {
    let app = app(20_000, None);
    let q = "/api/snapshots/s/partition?q=heap&by=rcs&limit=50";
    let (s1, first) = get(&app, q).await;
    let (s2, second) = get(&app, q).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(first, second);
    let (_, st) = get(&app, "/api/status").await;
    assert_eq!((st["answers"]["hits"].as_u64(), st["answers"]["misses"].as_u64()), (Some(1), Some(1)), "{st}");
    assert_eq!(st["answers"]["entries"], 1);
    let bytes = st["answers"]["bytes"].as_u64().unwrap();
    assert!(bytes > 0 && bytes <= st["answers"]["max_bytes_per_heap"].as_u64().unwrap());
    // another question, an error (not kept) and a route that is not cached
    assert_eq!(get(&app, "/api/snapshots/s/partition?q=heap&by=type").await.0, StatusCode::OK);
    assert_eq!(get(&app, "/api/snapshots/s/partition?q=heap.nosuch").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "/api/snapshots/s/partition?q=heap.nosuch").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "/api/snapshots/s").await.0, StatusCode::OK);
    let (_, st) = get(&app, "/api/status").await;
    assert_eq!((st["answers"]["hits"].as_u64(), st["answers"]["entries"].as_u64()), (Some(1), Some(2)), "{st}");
    assert_eq!(st["answers"]["misses"], 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyses_run_in_slots_and_a_waiting_request_that_leaves_never_runs() {
    let app = app(300_000, None);
    let slots = heaplens_server::http::work::analysis_slots() as u64;
    let asks: Vec<_> = (0..slots + 3)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { get(&app, &slow(120)).await })
        })
        .collect();
    let t = Instant::now();
    loop {
        let (_, s) = get(&app, "/api/status").await;
        assert!(s["analyses_running"].as_u64().unwrap() <= slots, "{s}");
        assert_eq!(s["analysis_slots"], slots);
        if s["analyses_running"] == slots && s["analyses_waiting"] == 3 {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "never saw {slots} running and 3 waiting: {s}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // every client leaves: the running ones are cancelled, the waiting ones dropped
    for a in &asks {
        a.abort();
    }
    let left = Instant::now();
    loop {
        let (_, s) = get(&app, "/api/status").await;
        if s["analyses_running"] == 0 && s["analyses_waiting"] == 0 {
            // none ran to its end; a waiting one may take a freed slot before its own abort
            // lands (it is then cancelled at once), so the count is the slots or a little more
            let cancelled = s["analyses_cancelled"].as_u64().unwrap();
            let done = s["analyses_done"].as_u64().unwrap();
            assert!(cancelled == done && done >= slots && done < slots + 3, "{s}");
            break;
        }
        assert!(left.elapsed() < Duration::from_secs(2), "still busy after every client left: {s}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
