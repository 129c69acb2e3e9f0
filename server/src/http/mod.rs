//! The HTTP side's shared core: the one route table ([`router_with`]: every `/api` route and
//! the handler of its feature folder), the static app with SPA fallback, and what handlers
//! share: [`params`] (extractors), [`blocking`] (engine work off the async threads),
//! [`error`] (the one JSON error envelope), [`serve`] (the `serve` command), and [`site`]:
//! the web security every answer gets (Host check, no state change from another site, CSP).

pub mod answers;
pub mod blocking;
pub mod error;
pub mod params;
pub mod serve;
pub mod site;
pub mod status;
pub mod work;

use crate::access::auth::Auth;
use crate::state::{AppState, JSON_BODY_MAX};
use crate::{access, diff, graph, identity, object, partition, retained, rp, series, store, treemap};
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use error::ApiError;
use site::{Guarded, Site};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// The whole app without access control (tests; a server without a token).
pub fn router(state: AppState, static_dir: Option<PathBuf>) -> Router {
    router_with(state, static_dir, Arc::new(Auth::open_access()))
}

/// [`router_site`] answering to loopback names on any port (tests: no socket).
pub fn router_with(state: AppState, static_dir: Option<PathBuf>, auth: Arc<Auth>) -> Router {
    router_site(state, static_dir, auth, Site::loopback_any_port())
}

/// The whole app: `/api` routes behind [`access::auth::guard`], `/share/{token}`, and when
/// `static_dir` is given, the built app with SPA fallback (any other path serves `index.html`);
/// all of it behind [`site::guard`] (hosts, cross-site requests, security headers).
pub fn router_site(state: AppState, static_dir: Option<PathBuf>, auth: Arc<Auth>, site: Site) -> Router {
    let guarded = Arc::new(Guarded::new(site.clone(), static_dir.as_ref().map(|d| d.join("index.html"))));
    let work = Arc::new(work::WorkStats::default());
    let answered = Arc::new(answers::AnswerStats::default());
    let status = status::StatusState { store: state.store.clone(), work: work.clone(), answers: answered.clone() };
    api_router(state.clone(), static_dir)
        .route("/api/status", get(status::get_status).with_state(status))
        // inside the access guard: only a request allowed to read a heap reaches its answers
        .layer(axum::middleware::from_fn_with_state((state, answered), answers::cache))
        .layer(axum::middleware::from_fn_with_state(work, work::scope))
        .route("/share/{token}", get(access::open_share))
        .layer(axum::middleware::from_fn_with_state(auth.clone(), access::auth::guard))
        .layer(axum::Extension(auth))
        .layer(axum::Extension(site))
        .layer(axum::middleware::from_fn_with_state(guarded, site::guard))
}

/// The route table: adding a route is one line here and its handler in its feature's folder.
fn api_router(state: AppState, static_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        // store: the snapshots served, uploads, changes, redacted copies
        .route("/snapshots", get(store::routes::list_snapshots).post(store::routes::upload_snapshot))
        .route(
            "/snapshots/{id}",
            get(store::routes::get_snapshot)
                .patch(store::routes::patch_snapshot)
                .delete(store::routes::delete_snapshot),
        )
        .route("/snapshots/{id}/redact", post(store::routes::redact_snapshot))
        // partition
        .route("/relations", get(partition::get_relations))
        .route("/snapshots/{id}/partition", get(partition::get_partition))
        .route("/snapshots/{id}/table", get(partition::get_table))
        // object (the inspector) and its shortest paths
        .route("/snapshots/{id}/objects/{addr}", get(object::get_object))
        .route("/snapshots/{id}/shpaths", get(object::get_shpaths))
        .route("/snapshots/{id}/graph", get(graph::get_graph))
        .route("/snapshots/{id}/treemap", get(treemap::get_treemap))
        .route("/snapshots/{id}/retained", get(retained::get_retained))
        .route("/snapshots/{id}/domtree", get(retained::get_domtree))
        .route("/snapshots/{id}/rp", get(rp::get_rp))
        // access: login, logout, session, share links
        .route("/login", post(access::login))
        .route("/logout", post(access::logout))
        .route("/session", get(access::session))
        .route("/snapshots/{id}/share", post(access::create_share))
        .route("/snapshots/{id}/shares", get(access::list_shares))
        .route("/shares/{link}", axum::routing::delete(access::revoke_share))
        // diff
        .route("/diff", get(diff::get_diff))
        .route("/snapshots/{id}/disjoint", get(diff::get_disjoint))
        // identity
        .route("/identity", get(identity::get_identity))
        .route("/snapshots/{id}/rebase", get(identity::get_rebase))
        // series and heapy dump files
        .route("/series", get(series::list_series))
        .route("/series/{id}", get(series::get_series))
        .route("/series/{id}/packages/{n}", get(series::get_package))
        .route("/series/{id}/diff", get(series::get_sample_diff))
        .route("/snapshots/{id}/heapy-dump", get(series::get_heapy_dump))
        .fallback(|| async { ApiError::not_found("no such API endpoint") })
        // JSON bodies (login, changes, share links); uploads read the body as a stream with
        // their own limit (`--max-upload`)
        .layer(DefaultBodyLimit::max(JSON_BODY_MAX))
        .with_state(state);
    let app = Router::new().nest("/api", api);
    match static_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            app.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
        }
        None => app.fallback(|| async { ApiError::not_found("this server was started without the app (--static)") }),
    }
}

/// A text answer (`text/plain`), with the final newline heapy prints.
pub fn text(text: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text + "\n").into_response()
}
