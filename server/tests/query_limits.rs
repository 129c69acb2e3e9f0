//! One request must never abort the server: on every route that takes a query, the longest
//! chains and deepest nestings a query may have are answered, and longer ones (thousands of
//! steps, as a URL can carry) get 400 `bad_query` naming the limit. Everything runs on a
//! runtime whose threads (async and blocking) have a small stack, so a walk that recursed
//! per step would overflow here instead of passing on a roomy thread; after each request the
//! server still lists its snapshots.

mod common;

use axum::http::StatusCode;
use common::get;
use heaplens_engine::query::MAX_QUERY_STEPS;
use heaplens_engine::testing::small_capture;
use heaplens_engine::{read_snapshot, Heap};
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use std::sync::Arc;

const STACK: usize = 256 * 1024;

/// Snapshots `a` and `b`: two captures of one process, with a reference point (so `rebase`,
/// `heapnew` and identity have something to do).
fn app() -> axum::Router {
    let store = Store::new(None);
    for (name, bytes) in [("a.hls", small_capture(2, &[], Some(1))), ("b.hls", small_capture(4, &[(6, 3)], Some(1)))] {
        store.insert(name, bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    }
    router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None)
}

/// Runs `f` on a current-thread runtime on a small-stack thread (blocking tasks too).
fn on_small_stack(f: impl std::future::Future<Output = ()> + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let rt =
                tokio::runtime::Builder::new_current_thread().enable_all().thread_stack_size(STACK).build().unwrap();
            rt.block_on(f)
        })
        .unwrap()
        .join()
        .expect("no panic, no stack overflow");
}

/// Percent-encodes what a query string cannot carry as is (so long queries stay under the
/// URI limit, as a browser would send them).
fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'(' | b')' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every route's URL for the query text `q` (already encoded).
fn urls(q: &str) -> Vec<String> {
    vec![
        format!("/api/snapshots/a/partition?q={q}"),
        format!("/api/snapshots/a/table?q={q}"),
        format!("/api/snapshots/a/treemap?q={q}"),
        format!("/api/snapshots/a/graph?q={q}"),
        format!("/api/snapshots/a/graph?expand={q}"),
        format!("/api/snapshots/a/retained?q={q}&rows=0"),
        format!("/api/snapshots/a/domtree?q={q}"),
        format!("/api/snapshots/a/shpaths?q={q}"),
        format!("/api/snapshots/a/rp?q={q}"),
        format!("/api/diff?a=b&b=a&qa={q}"),
        format!("/api/diff?a=b&b=a&qb={q}"),
        format!("/api/snapshots/a/disjoint?qa={q}&qb=heap"),
        format!("/api/snapshots/a/disjoint?qa=heap&qb={q}"),
        format!("/api/snapshots/a/rebase?q={q}"),
        format!("/api/snapshots/a/rebase?q={q}&to=heap"),
        format!("/api/snapshots/a/heapy-dump?q={q}"),
    ]
}

fn chain(step: &str, n: usize) -> String {
    format!("heap{}", step.repeat(n))
}

fn nested(n: usize) -> String {
    format!("{}heap{}", "(".repeat(n), ")".repeat(n))
}

/// `n` terms joined by `op`: `heap`, then rows of it (so a difference stays non-empty).
fn sequence(op: &str, n: usize) -> String {
    format!("heap{}", format!("{op}heap.bytype[0]").repeat(n - 1))
}

async fn still_serving(app: &axum::Router, after: &str) {
    let (status, list) = get(app, "/api/snapshots").await;
    assert_eq!(status, StatusCode::OK, "after {after}");
    assert_eq!(list["snapshots"].as_array().map(Vec::len), Some(2), "after {after}");
}

#[test]
fn the_longest_queries_allowed_are_answered_on_every_route() {
    on_small_stack(async {
        let app = app();
        let at_limit = [
            chain(".dominos", MAX_QUERY_STEPS - 1),
            chain(".byclodo[0]", MAX_QUERY_STEPS - 1),
            chain(".referents.referrers", (MAX_QUERY_STEPS - 1) / 2),
            nested(MAX_QUERY_STEPS - 1),
            sequence(" | ", (MAX_QUERY_STEPS + 2) / 3),
            sequence(" - ", (MAX_QUERY_STEPS + 2) / 3),
        ];
        for q in &at_limit {
            for url in urls(&encode(q)) {
                let (status, body) = get(&app, &url).await;
                let short = &url[..url.len().min(100)];
                assert_eq!(status, StatusCode::OK, "{short}: {body}");
                still_serving(&app, short).await;
            }
        }
    });
}

#[test]
fn longer_queries_get_a_bad_query_naming_the_limit_on_every_route() {
    on_small_stack(async {
        let app = app();
        let over = [
            chain(".referrers", MAX_QUERY_STEPS),
            chain(".referrers", 5_000),
            chain(".referents", 6_000),
            chain(".imdom", 10_000),
            chain(".dominos", 6_000),
            chain(".byclodo[0]", 4_000),
            nested(MAX_QUERY_STEPS),
            nested(10_000),
            sequence(" | ", (MAX_QUERY_STEPS + 2) / 3 + 1),
            vec!["heap"; 8_000].join("|"),
            vec!["heap"; 8_000].join("-"),
        ];
        for q in &over {
            for url in urls(&encode(q)) {
                assert!(url.len() < 64 * 1024, "a URL a server takes");
                let (status, body) = get(&app, &url).await;
                let short = &url[..100];
                assert_eq!(status, StatusCode::BAD_REQUEST, "{short}");
                assert_eq!(body["error"]["code"], "bad_query", "{short}");
                let message = body["error"]["message"].as_str().unwrap();
                assert!(message.contains(&format!("at most {MAX_QUERY_STEPS} steps")), "{short}: {message}");
                still_serving(&app, short).await;
            }
        }
    });
}
