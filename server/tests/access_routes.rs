//! Router tests of access control: a token-protected server answers 401 without credentials
//! (naming what is missing, nothing about the heaps), accepts the bearer token and the session
//! cookie of a login, and a share link opens one snapshot read-only (403 for the rest).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use heaplens_engine::testing::small_snapshot;
use heaplens_engine::{read_snapshot, Heap};
use heaplens_server::access::auth::Auth;
use heaplens_server::http::router_with;
use heaplens_server::state::AppState;
use heaplens_server::store::Store;
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

const TOKEN: &str = "test-token-0123456789";

fn app() -> axum::Router {
    let store = Store::new(None);
    for name in ["alpha.hls", "secret-beta.hls"] {
        let bytes = small_snapshot();
        store.insert(name, bytes.len() as u64, Heap::new(read_snapshot(&bytes).unwrap()));
    }
    let auth = Auth::new(Some(TOKEN.into()), None).unwrap();
    router_with(AppState { store: Arc::new(store), max_upload: 1 << 20 }, None, Arc::new(auth))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &axum::Router, method: &str, uri: &str, headers: &[(&str, String)], body: Vec<u8>) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Answer { status, headers, body }
}

fn bearer() -> (&'static str, String) {
    ("authorization", format!("Bearer {TOKEN}"))
}

fn set_cookie(a: &Answer) -> String {
    let c = a.headers.get(header::SET_COOKIE).expect("a cookie").to_str().unwrap();
    c.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn without_credentials_every_api_answer_is_401_and_says_nothing_else() {
    let app = app();
    for (method, uri) in [
        ("GET", "/api/snapshots"),
        ("GET", "/api/snapshots/alpha"),
        ("GET", "/api/snapshots/alpha/partition"),
        ("GET", "/api/snapshots/nope/partition"),
        ("GET", "/api/snapshots/alpha/objects/0x0"),
        ("GET", "/api/relations"),
        ("POST", "/api/snapshots?name=x.hls"),
        ("POST", "/api/snapshots/alpha/share"),
    ] {
        let a = send(&app, method, uri, &[], b"HLS".to_vec()).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert!(a.body.contains("\"code\":\"unauthorized\"") && a.body.contains("access token"), "{}", a.body);
        assert!(!a.body.contains("alpha") && !a.body.contains("beta") && !a.body.contains("nope"), "{}", a.body);
    }
    let wrong =
        send(&app, "GET", "/api/snapshots", &[("authorization", "Bearer nope-nope-nope-nope".into())], vec![]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let ok = send(&app, "GET", "/api/snapshots", &[bearer()], vec![]).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("secret-beta"));
    // the session endpoint tells the page to ask for the token
    let s = send(&app, "GET", "/api/session", &[], vec![]).await;
    assert_eq!(s.status, StatusCode::OK);
    assert_eq!(s.body, r#"{"token_required":true,"access":"none","snapshot":null}"#);
}

#[tokio::test]
async fn logging_in_sets_a_session_cookie() {
    let app = app();
    let json = |t: &str| serde_json::to_vec(&serde_json::json!({ "token": t })).unwrap();
    let ct = ("content-type", "application/json".to_owned());
    let bad = send(&app, "POST", "/api/login", &[ct.clone()], json("not-the-token-at-all")).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.headers.get(header::SET_COOKIE).is_none());
    let good = send(&app, "POST", "/api/login", &[ct.clone()], json(TOKEN)).await;
    assert_eq!(good.status, StatusCode::NO_CONTENT);
    let raw = good.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(raw.contains("HttpOnly") && raw.contains("SameSite=Lax"), "{raw}");
    assert!(!raw.contains(TOKEN), "the cookie is a signature, not the token");
    let cookie = ("cookie", set_cookie(&good));
    let a = send(&app, "GET", "/api/snapshots/alpha/partition", &[cookie.clone()], vec![]).await;
    assert_eq!(a.status, StatusCode::OK);
    let s = send(&app, "GET", "/api/session", &[cookie], vec![]).await;
    assert!(s.body.contains(r#""access":"full""#));
    let malformed = send(&app, "POST", "/api/login", &[ct], b"{".to_vec()).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_share_link_opens_one_snapshot_read_only() {
    let app = app();
    let made = send(&app, "POST", "/api/snapshots/alpha/share", &[bearer()], vec![]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let link: serde_json::Value = serde_json::from_str(&made.body).unwrap();
    let url = link["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/share/alpha."), "{url}");
    // 30 days unless asked otherwise
    let now = heaplens_server::access::auth::now_secs();
    let expires = link["expires"].as_u64().unwrap();
    assert!(expires >= now + 30 * 24 * 3600 - 60 && expires <= now + 30 * 24 * 3600 + 60, "{link}");
    let missing = send(&app, "POST", "/api/snapshots/nope/share", &[bearer()], vec![]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // a second browser with no token opens the link: a cookie, then the snapshot's page
    let opened = send(&app, "GET", &url, &[], vec![]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(opened.headers.get(header::LOCATION).unwrap(), "/s/alpha");
    let cookie = ("cookie", set_cookie(&opened));
    let list = send(&app, "GET", "/api/snapshots", &[cookie.clone()], vec![]).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("\"alpha\"") && !list.body.contains("beta"), "{}", list.body);
    for uri in [
        "/api/snapshots/alpha",
        "/api/snapshots/alpha/partition?by=type",
        "/api/snapshots/alpha/treemap",
        "/api/relations",
    ] {
        assert_eq!(send(&app, "GET", uri, &[cookie.clone()], vec![]).await.status, StatusCode::OK, "{uri}");
    }
    for (method, uri) in [
        ("GET", "/api/snapshots/secret-beta"),
        ("GET", "/api/snapshots/secret-beta/partition"),
        ("POST", "/api/snapshots?name=x.hls"),
        ("POST", "/api/snapshots/alpha/share"),
        ("GET", "/api/snapshots/alpha/shares"),
        ("DELETE", &format!("/api/shares/{}", link["id"].as_str().unwrap())),
    ] {
        let a = send(&app, method, uri, &[cookie.clone()], vec![]).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{method} {uri}");
        assert!(!a.body.contains("beta"), "{}", a.body);
    }
    // a tampered link (another snapshot's id under this signature) and an unknown one
    let forged = url.replace("/share/alpha.", "/share/secret-beta.");
    assert_eq!(send(&app, "GET", &forged, &[], vec![]).await.status, StatusCode::FORBIDDEN);
    let s = send(&app, "GET", "/api/session", &[cookie], vec![]).await;
    assert!(s.body.contains(r#""access":"share","snapshot":"alpha""#), "{}", s.body);
}

#[tokio::test]
async fn share_links_are_listed_and_revoked() {
    let app = app();
    let mut links = Vec::new();
    for _ in 0..2 {
        let made = send(&app, "POST", "/api/snapshots/alpha/share", &[bearer()], vec![]).await;
        links.push(serde_json::from_str::<serde_json::Value>(&made.body).unwrap());
    }
    let listed = send(&app, "GET", "/api/snapshots/alpha/shares", &[bearer()], vec![]).await;
    assert_eq!(listed.status, StatusCode::OK);
    let listed: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(listed["links"].as_array().unwrap(), &links, "the same links, oldest first");
    let beta = send(&app, "GET", "/api/snapshots/secret-beta/shares", &[bearer()], vec![]).await;
    assert_eq!(beta.body, r#"{"links":[]}"#);
    // the first link works, then is revoked: it opens nothing any more, even its cookie
    let url = links[0]["url"].as_str().unwrap();
    let opened = send(&app, "GET", url, &[], vec![]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let cookie = ("cookie", set_cookie(&opened));
    assert_eq!(send(&app, "GET", "/api/snapshots/alpha", &[cookie.clone()], vec![]).await.status, StatusCode::OK);
    let id = links[0]["id"].as_str().unwrap();
    let gone = send(&app, "DELETE", &format!("/api/shares/{id}"), &[bearer()], vec![]).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&app, "GET", url, &[], vec![]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, "GET", "/api/snapshots/alpha", &[cookie], vec![]).await.status, StatusCode::UNAUTHORIZED);
    let again = send(&app, "DELETE", &format!("/api/shares/{id}"), &[bearer()], vec![]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let listed = send(&app, "GET", "/api/snapshots/alpha/shares", &[bearer()], vec![]).await;
    let listed: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(listed["links"].as_array().unwrap(), &links[1..]);
    // the second still works
    let opened = send(&app, "GET", links[1]["url"].as_str().unwrap(), &[], vec![]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn expiring_links_and_limits() {
    let app = app();
    let body = serde_json::to_vec(&serde_json::json!({ "expires_in_s": 3600 })).unwrap();
    let ct = ("content-type", "application/json".to_owned());
    let made = send(&app, "POST", "/api/snapshots/alpha/share", &[bearer(), ct.clone()], body).await;
    let link: serde_json::Value = serde_json::from_str(&made.body).unwrap();
    assert!(link["expires"].as_u64().unwrap() > heaplens_server::access::auth::now_secs());
    let too_long = serde_json::to_vec(&serde_json::json!({ "expires_in_s": 10u64 << 40 })).unwrap();
    let a = send(&app, "POST", "/api/snapshots/alpha/share", &[bearer(), ct], too_long).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    // the app's files need no token (the page asks for it), the heaps do
    let page = send(&app, "GET", "/s/alpha", &[], vec![]).await;
    assert_ne!(page.status, StatusCode::UNAUTHORIZED);
}

/// A share link to `alpha` reaches every read route of `alpha` and nothing else: not the
/// other snapshot's routes, not the routes about several snapshots (`/api/diff`,
/// `/api/identity`, `/api/series`), not the server's status, not a change of any kind.
#[tokio::test]
async fn a_share_link_reaches_every_read_route_of_its_snapshot_and_no_other() {
    let app = app();
    let made = send(&app, "POST", "/api/snapshots/alpha/share", &[bearer()], vec![]).await;
    let link: serde_json::Value = serde_json::from_str(&made.body).unwrap();
    let opened = send(&app, "GET", link["url"].as_str().unwrap(), &[], vec![]).await;
    let cookie = ("cookie", set_cookie(&opened));
    let addr = {
        let p = send(&app, "GET", "/api/snapshots/alpha/partition?by=id&limit=1", &[bearer()], vec![]).await;
        let p: serde_json::Value = serde_json::from_str(&p.body).unwrap();
        p["rows"][0]["addr"].as_str().unwrap().to_owned()
    };
    let reads = |id: &str| -> Vec<String> {
        [
            "".to_owned(),
            "/partition?by=rcs".into(),
            "/table".into(),
            format!("/objects/{addr}"),
            "/shpaths?q=heap.byid%5B0%5D".into(),
            "/graph".into(),
            "/treemap".into(),
            "/retained?rows=0".into(),
            "/domtree".into(),
            "/rp".into(),
            "/disjoint?qa=heap&qb=heap".into(),
            "/heapy-dump".into(),
        ]
        .iter()
        .map(|r| format!("/api/snapshots/{id}{r}"))
        .collect()
    };
    for uri in reads("alpha").iter().map(String::as_str).chain(["/api/relations", "/api/snapshots"]) {
        let a = send(&app, "GET", uri, &[cookie.clone()], vec![]).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.body);
    }
    // a read of alpha that needs a reference point alpha lacks: alpha's own answer, not a 403
    let a = send(&app, "GET", "/api/snapshots/alpha/rebase?q=heap", &[cookie.clone()], vec![]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let beta = reads("secret-beta");
    let mut refused: Vec<(&str, &str)> = beta.iter().map(|u| ("GET", u.as_str())).collect();
    refused.extend([
        ("GET", "/api/diff?a=alpha&b=alpha"),
        ("GET", "/api/identity?a=alpha&b=alpha"),
        ("GET", "/api/snapshots/secret-beta/rebase?q=heap"),
        ("GET", "/api/series"),
        ("GET", "/api/series/anything"),
        ("GET", "/api/status"),
        ("GET", "/api/snapshots/alpha/shares"),
        ("POST", "/api/snapshots/alpha/share"),
        ("POST", "/api/snapshots/alpha/redact"),
        ("PATCH", "/api/snapshots/alpha"),
        ("DELETE", "/api/snapshots/alpha"),
        ("POST", "/api/snapshots?name=x.hls"),
    ]);
    for (method, uri) in refused {
        let a = send(&app, method, uri, &[cookie.clone()], vec![]).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{method} {uri}: {}", a.body);
        assert!(!a.body.contains("beta"), "{}", a.body);
    }
}
