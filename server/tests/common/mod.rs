//! Helpers shared by the server's tests: run the `heaplens` binary, and send requests to the
//! router without a socket (`tower::ServiceExt::oneshot`).
#![allow(dead_code)] // each test file uses some of them

use std::process::Command;

/// Runs `heaplens ARGS`: exit code, stdout, stderr.
pub fn heaplens(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heaplens")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Sends a request to the router: the status, and the body as JSON (or, when it is not JSON,
/// as a JSON string of its text).
pub async fn send(
    app: &axum::Router,
    req: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into_owned()));
    (status, json)
}

/// `GET uri`.
pub async fn get(app: &axum::Router, uri: &str) -> (axum::http::StatusCode, serde_json::Value) {
    send(app, axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap()).await
}

/// `POST uri` with `body`.
pub async fn post(app: &axum::Router, uri: &str, body: Vec<u8>) -> (axum::http::StatusCode, serde_json::Value) {
    send(app, axum::http::Request::post(uri).body(axum::body::Body::from(body)).unwrap()).await
}
