//! Router tests of the web security every answer gets (`http/site.rs`), without a token: only
//! this server's host names are served (DNS rebinding), a request from another site changes
//! nothing (uploads, changes, redacted copies, deletes), the page's headers (CSP with the hash
//! of `index.html`'s inline script), `--public-url`, the JSON body limit and paging's maxima.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use heaplens_engine::testing::small_snapshot;
use heaplens_server::access::auth::Auth;
use heaplens_server::http::params::Paging;
use heaplens_server::http::router_site;
use heaplens_server::http::site::{PublicUrl, Site};
use heaplens_server::state::{AppState, JSON_BODY_MAX, OFFSET_MAX, ROWS_MAX};
use heaplens_server::store::Store;
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:7878";
const TOKEN: &str = "test-token-0123456789";

fn site(public: Option<&str>) -> Site {
    Site::new(HOST.parse().unwrap(), public.map(|p| PublicUrl::parse(p).unwrap()))
}

/// A server with a store in `dir` listening on [`HOST`], maybe serving the app in `static_dir`.
fn app(dir: &Path, static_dir: Option<PathBuf>, site: Site, token: Option<&str>) -> axum::Router {
    let (store, _) = Store::open(dir, 1 << 30).unwrap();
    let auth = Auth::new(token.map(str::to_owned), None).unwrap();
    router_site(AppState { store: Arc::new(store), max_upload: 1 << 26 }, static_dir, Arc::new(auth), site)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

async fn send(app: &axum::Router, method: &str, uri: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Answer { status, headers, json }
}

async fn count(app: &axum::Router) -> usize {
    let a = send(app, "GET", "/api/snapshots", &[("host", HOST)], vec![]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    a.json["snapshots"].as_array().unwrap().len()
}

#[tokio::test]
async fn only_this_servers_host_names_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), None, site(None), None);
    for host in [HOST, "localhost:7878", "[::1]:7878"] {
        let a = send(&app, "GET", "/api/snapshots", &[("host", host)], vec![]).await;
        assert_eq!(a.status, StatusCode::OK, "{host}: {}", a.json);
    }
    for host in ["rebind.attacker.example:7878", "127.0.0.1:8080", "localhost"] {
        let a = send(&app, "GET", "/api/snapshots", &[("host", host)], vec![]).await;
        assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        assert_eq!(a.json["error"]["code"], "wrong_host");
        let msg = a.json["error"]["message"].as_str().unwrap();
        assert!(msg.contains(host) && msg.contains("--public-url"), "{msg}");
    }
    // the page too, not only the API
    let a = send(&app, "GET", "/s/demo", &[("host", "rebind.attacker.example:7878")], vec![]).await;
    assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST);
}

#[tokio::test]
async fn a_cross_site_request_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), None, site(None), None);
    let text = ("content-type", "text/plain");
    let evil = ("origin", "http://attacker.example");
    for headers in [
        vec![("host", HOST), text, evil],
        vec![("host", HOST), text, ("origin", "null")],
        vec![("host", HOST), text, ("sec-fetch-site", "cross-site")],
        vec![("host", HOST), text, ("sec-fetch-site", "same-site")],
        vec![("host", HOST), text, ("origin", "http://localhost:7878")], // Host is 127.0.0.1
        vec![text, evil],
    ] {
        let a = send(&app, "POST", "/api/snapshots?name=x.hls", &headers, small_snapshot()).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{headers:?}: {}", a.json);
        assert_eq!(a.json["error"]["code"], "cross_site");
    }
    assert_eq!(count(&app).await, 0, "nothing was stored");
    // the same page's request, a script's (no Origin), a navigation typed in (`none`)
    let same = [("host", HOST), text, ("origin", "http://127.0.0.1:7878"), ("sec-fetch-site", "same-origin")];
    let a = send(&app, "POST", "/api/snapshots?name=a.hls", &same, small_snapshot()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let id = a.json["id"].as_str().unwrap().to_owned();
    let real = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls")).unwrap();
    let a = send(&app, "POST", "/api/snapshots?name=b.hls", &[("host", HOST)], real).await;
    assert_eq!(a.status, StatusCode::CREATED, "curl and the agent send no Origin: {}", a.json);
    assert_eq!(count(&app).await, 2);

    // a redacted copy, a change, a delete, a share link, a login: refused from another site
    let json = ("content-type", "application/json");
    for (method, uri, body) in [
        ("POST", format!("/api/snapshots/{id}/redact"), ""),
        ("PATCH", format!("/api/snapshots/{id}"), r#"{"name":"pwned"}"#),
        ("DELETE", format!("/api/snapshots/{id}"), ""),
        ("POST", format!("/api/snapshots/{id}/share"), "{}"),
        ("POST", "/api/login".to_owned(), r#"{"token":"x"}"#),
        ("POST", "/api/logout".to_owned(), ""),
    ] {
        let a = send(&app, method, &uri, &[("host", HOST), json, evil], body.into()).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{method} {uri}: {}", a.json);
    }
    assert_eq!(count(&app).await, 2, "no redacted copy, nothing deleted");
    let a = send(&app, "GET", &format!("/api/snapshots/{id}"), &[("host", HOST)], vec![]).await;
    assert_eq!(a.json["name"], "a", "not renamed");
    // reading from another site is not refused here (the browser keeps the answer from it)
    let a = send(&app, "GET", "/api/snapshots", &[("host", HOST), evil], vec![]).await;
    assert_eq!(a.status, StatusCode::OK);
    // the same changes from this server's page go through
    let page = [("host", HOST), json, ("origin", "http://127.0.0.1:7878")];
    let a = send(&app, "POST", &format!("/api/snapshots/{id}/redact"), &page, vec![]).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let a = send(&app, "PATCH", &format!("/api/snapshots/{id}"), &page, br#"{"name":"ok"}"#.to_vec()).await;
    assert_eq!((a.status, a.json["name"].as_str()), (StatusCode::OK, Some("ok")));
}

const LOADER: &str = "import x;";
/// `printf 'import x;' | openssl dgst -sha256 -binary | base64`
const LOADER_HASH: &str = "'sha256-u40hfzEZ5SoEBve0goZ57wnBTAhM9OhJ7Q3qL4iXSIc='";

fn dist(dir: &Path, script: &str) -> PathBuf {
    let d = dir.join("dist");
    std::fs::create_dir_all(&d).unwrap();
    let html = format!("<!DOCTYPE html><script src=\"/d3.js\"></script><script type=\"module\">{script}</script>");
    std::fs::write(d.join("index.html"), html).unwrap();
    d
}

fn header<'a>(a: &'a Answer, name: &str) -> &'a str {
    a.headers.get(name).unwrap_or_else(|| panic!("no {name}")).to_str().unwrap()
}

#[tokio::test]
async fn the_page_gets_its_content_security_policy() {
    let dir = tempfile::tempdir().unwrap();
    let static_dir = dist(dir.path(), LOADER);
    let app = app(&dir.path().join("data"), Some(static_dir.clone()), site(None), None);
    let a = send(&app, "GET", "/s/demo?v=1", &[("host", HOST)], vec![]).await;
    assert_eq!(a.status, StatusCode::OK);
    let csp = header(&a, "content-security-policy").to_owned();
    for part in [
        "default-src 'self'",
        &format!("script-src 'self' 'wasm-unsafe-eval' {LOADER_HASH};"),
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-ancestors 'self';",
        "object-src 'none'",
        "base-uri 'self'",
    ] {
        assert!(csp.contains(part), "{part} not in {csp}");
    }
    assert!(!csp.contains("'unsafe-eval'") && !csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    assert_eq!(header(&a, "x-content-type-options"), "nosniff");
    assert_eq!(header(&a, "referrer-policy"), "same-origin");
    let a = send(&app, "GET", "/api/relations", &[("host", HOST)], vec![]).await;
    assert_eq!(header(&a, "x-content-type-options"), "nosniff", "API answers too");

    // the app rebuilt while serving: the hash follows the file
    std::fs::write(static_dir.join("index.html"), "<script>other()</script>").unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().write(true).open(static_dir.join("index.html")).unwrap().set_modified(later).unwrap();
    let a = send(&app, "GET", "/", &[("host", HOST)], vec![]).await;
    let csp = header(&a, "content-security-policy");
    assert!(!csp.contains(LOADER_HASH) && csp.contains("'sha256-"), "{csp}");
}

#[tokio::test]
async fn a_public_url_is_served_and_gets_secure_cookies() {
    let dir = tempfile::tempdir().unwrap();
    let public = "https://heaps.example.com";
    let app = app(dir.path(), None, site(Some(public)), Some(TOKEN));
    let bearer = format!("Bearer {TOKEN}");
    for host in ["heaps.example.com", HOST] {
        let a = send(&app, "GET", "/api/snapshots", &[("host", host), ("authorization", &bearer)], vec![]).await;
        assert_eq!(a.status, StatusCode::OK, "{host}: {}", a.json);
    }
    let a = send(&app, "GET", "/api/snapshots", &[("host", "other.example.com")], vec![]).await;
    assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(a.json["error"]["message"].as_str().unwrap().contains(public));
    assert!(header(&a, "content-security-policy").contains(&format!("frame-ancestors 'self' {public};")));
    // a proxy that passes the loopback Host on: the page's Origin is the public one
    let login = br#"{"token":"test-token-0123456789"}"#.to_vec();
    let json = ("content-type", "application/json");
    let a = send(&app, "POST", "/api/login", &[("host", HOST), json, ("origin", public)], login.clone()).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);
    let cookie = header(&a, "set-cookie");
    assert!(cookie.starts_with("heaplens_session=") && cookie.ends_with("; Secure"), "{cookie}");
    let a =
        send(&app, "POST", "/api/login", &[("host", HOST), json, ("origin", "http://heaps.example.com")], login).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "http:// is another origin");
    let a = send(
        &app,
        "POST",
        "/api/logout",
        &[("host", "heaps.example.com"), ("origin", "http://heaps.example.com")],
        vec![],
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "the public host's pages are https only");
    let a = send(&app, "POST", "/api/logout", &[("host", "heaps.example.com"), ("origin", public)], vec![]).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn json_bodies_have_a_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), None, site(None), None);
    let a = send(&app, "POST", "/api/snapshots?name=a.hls", &[("host", HOST)], small_snapshot()).await;
    let id = a.json["id"].as_str().unwrap().to_owned();
    let big = format!(r#"{{"name":"n","note":"{}"}}"#, "x".repeat(JSON_BODY_MAX));
    let json = [("host", HOST), ("content-type", "application/json")];
    for (method, uri) in [
        ("PATCH", format!("/api/snapshots/{id}")),
        ("POST", "/api/login".into()),
        ("POST", format!("/api/snapshots/{id}/share")),
    ] {
        let a = send(&app, method, &uri, &json, big.clone().into_bytes()).await;
        assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{method} {uri}: {}", a.json);
        assert_eq!(a.json["error"]["code"], "too_large");
        assert!(a.json["error"]["message"].as_str().unwrap().contains(&JSON_BODY_MAX.to_string()));
    }
    let a = send(&app, "PATCH", &format!("/api/snapshots/{id}"), &json, b"{not json".to_vec()).await;
    assert_eq!((a.status, a.json["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    // a snapshot upload is not a JSON body: larger ones are taken (up to --max-upload)
    let real = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls")).unwrap();
    assert!(real.len() > JSON_BODY_MAX);
    let a = send(&app, "POST", "/api/snapshots?name=b.hls", &[("host", HOST)], real).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
}

#[tokio::test]
async fn paging_is_clamped_to_its_maximum() {
    let probe = axum::Router::new()
        .route("/", axum::routing::get(|p: Paging<10>| async move { format!("{} {}", p.offset, p.limit) }));
    for (query, want) in [
        ("", "0 10".to_owned()),
        ("?limit=5&offset=7", "7 5".to_owned()),
        ("?limit=999999999", format!("0 {ROWS_MAX}")),
        ("?offset=18446744073709551615", format!("{OFFSET_MAX} 10")),
    ] {
        let a = send(&probe, "GET", &format!("/{query}"), &[], vec![]).await;
        assert_eq!(a.json, Value::String(want), "{query}");
    }
    let a = send(&probe, "GET", "/?limit=-1", &[], vec![]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    // a real route: the largest offset and limit answer an empty page
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), None, site(None), None);
    let a = send(&app, "POST", "/api/snapshots?name=a.hls", &[("host", HOST)], small_snapshot()).await;
    let uri = format!(
        "/api/snapshots/{}/partition?by=id&offset=18446744073709551615&limit=999999999",
        a.json["id"].as_str().unwrap()
    );
    let a = send(&app, "GET", &uri, &[("host", HOST)], vec![]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["rows"], Value::Array(vec![]));
}

#[test]
fn serve_refuses_a_bad_public_url() {
    let (code, _, err) = common::heaplens(&["serve", "--addr", "127.0.0.1:0", "--public-url", "https://x.example/sub"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--public-url") && err.contains("no user, path or query"), "{err}");
}
