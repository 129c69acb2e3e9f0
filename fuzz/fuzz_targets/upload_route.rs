//! The upload route (`POST /api/snapshots`) in-process with arbitrary bytes as the body, on a
//! store in a temporary folder that holds `base.hls`: every answer is 2xx or 4xx (never a
//! panic or a 5xx), a snapshot the route accepted is deleted again (the store stays small),
//! and the server still lists and answers for its original snapshot. One tokio current-thread
//! runtime and one store per process.
#![no_main]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

struct Server {
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    base: String,
    _data: tempfile::TempDir,
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, serde_json::Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

fn post(uri: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri).body(Body::from(body)).unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let data = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(data.path(), 1 << 30).unwrap();
        let app = router(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None);
        let (status, info) =
            rt.block_on(send(&app, post("/api/snapshots?name=base.hls", heaplens_fuzz::BASE_HLS.to_vec())));
        assert_eq!(status, StatusCode::CREATED, "{info}");
        let base = info["id"].as_str().unwrap().to_owned();
        Server { rt, app, base, _data: data }
    })
}

fuzz_target!(|data: &[u8]| {
    heaplens_fuzz::link();
    let s = server();
    s.rt.block_on(async {
        let (status, body) = send(&s.app, post("/api/snapshots?name=fuzz.hls", data.to_vec())).await;
        assert!(
            status.is_success() || status.is_client_error(),
            "upload answered {status}: {body}"
        );
        // a new snapshot (not a dump series, which has no `store`) is deleted again
        if status == StatusCode::CREATED && body.get("store").is_some() {
            if let Some(id) = body["id"].as_str().filter(|id| *id != s.base) {
                let del = Request::delete(format!("/api/snapshots/{id}")).body(Body::empty()).unwrap();
                let (status, body) = send(&s.app, del).await;
                assert!(status.is_success(), "delete answered {status}: {body}");
            }
        }
        let (status, list) = send(&s.app, get("/api/snapshots")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert!(list.to_string().contains(&format!("\"{}\"", s.base)), "the base snapshot is gone: {list}");
        let (status, body) = send(&s.app, get(&format!("/api/snapshots/{}/partition?by=type", s.base))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    });
});
