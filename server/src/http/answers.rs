//! Identical questions get one answer: the JSON of a heap's read-only `GET` routes (the same
//! link opened by ten teammates) is kept per loaded heap, in its [`crate::store::cache`]
//! (so it dies with the heap), up to [`MAX_BYTES_PER_HEAP`] (least recently used first out).
//! [`cache`] is the middleware; the hit rate is in `GET /api/status`. It sits behind the
//! access guard: a request that may not read a heap never reaches it.

use crate::state::AppState;
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes of answers kept per loaded heap.
pub const MAX_BYTES_PER_HEAP: usize = 32 << 20;
/// The largest answer kept (bigger ones are answered, not kept).
pub const MAX_ANSWER_BYTES: usize = 4 << 20;

/// The routes of `/api/snapshots/{id}/…` whose answer depends only on the heap and the
/// query string (not on the session, not on other snapshots).
const CACHED: &[&str] =
    &["partition", "table", "objects", "shpaths", "graph", "treemap", "retained", "domtree", "rp", "disjoint"];

/// Hits and misses of one server (one per router).
#[derive(Debug, Default)]
pub struct AnswerStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

/// One heap's kept answers, by path and query string.
#[derive(Default)]
pub struct AnswerCache {
    inner: Mutex<Lru>,
}

#[derive(Default)]
struct Lru {
    map: HashMap<String, (u64, Answer)>,
    bytes: usize,
    tick: u64,
}

#[derive(Clone)]
struct Answer {
    headers: HeaderMap,
    body: Bytes,
}

impl AnswerCache {
    fn get(&self, key: &str) -> Option<Answer> {
        let mut l = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        l.tick += 1;
        let t = l.tick;
        l.map.get_mut(key).map(|(used, a)| {
            *used = t;
            a.clone()
        })
    }

    fn put(&self, key: String, a: Answer) {
        let mut l = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        l.tick += 1;
        let t = l.tick;
        let n = a.body.len() + key.len();
        if let Some((_, old)) = l.map.insert(key.clone(), (t, a)) {
            l.bytes -= old.body.len() + key.len();
        }
        l.bytes += n;
        while l.bytes > MAX_BYTES_PER_HEAP {
            let Some(oldest) = l.map.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| k.clone()) else { break };
            if let Some((_, a)) = l.map.remove(&oldest) {
                l.bytes -= a.body.len() + oldest.len();
            }
        }
    }

    /// (entries, bytes) kept now.
    pub fn size(&self) -> (u64, u64) {
        let l = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (l.map.len() as u64, l.bytes as u64)
    }
}

/// The snapshot id of a cached route's path (`/api/snapshots/{id}/partition`), if it is one.
fn cached_route(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api/snapshots/")?;
    let (id, tail) = rest.split_once('/')?;
    let route = tail.split('/').next()?;
    CACHED.contains(&route).then_some(id)
}

/// Middleware: answers a cached route from the heap's [`AnswerCache`] when the same path and
/// query were answered before (200s only), else runs it and keeps its answer.
pub async fn cache(State((state, stats)): State<(AppState, Arc<AnswerStats>)>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let Some(id) = cached_route(req.uri().path()).map(str::to_owned) else { return next.run(req).await };
    let key = req.uri().path_and_query().map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    if let Some(loaded) = state.store.peek(&id) {
        if let Some(a) = loaded.caches.get::<AnswerCache>().get(&key) {
            stats.hits.fetch_add(1, Ordering::Relaxed);
            let mut resp = Response::new(Body::from(a.body));
            *resp.headers_mut() = a.headers;
            return resp;
        }
    }
    stats.misses.fetch_add(1, Ordering::Relaxed);
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let Some(loaded) = state.store.peek(&id) else { return resp };
    let (parts, body) = resp.into_parts();
    // only answers of a known length up to the limit are buffered; others pass through
    let small = axum::body::HttpBody::size_hint(&body).upper().is_some_and(|n| n as usize <= MAX_ANSWER_BYTES);
    if !small {
        return Response::from_parts(parts, body);
    }
    match to_bytes(body, MAX_ANSWER_BYTES).await {
        Ok(bytes) => {
            loaded.caches.get::<AnswerCache>().put(key, Answer { headers: parts.headers.clone(), body: bytes.clone() });
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => crate::http::error::ApiError::internal(format!("answer not read: {e}")).into_response(),
    }
}
