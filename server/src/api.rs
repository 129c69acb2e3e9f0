//! The HTTP API (`/api/...`) and the static app with SPA fallback. Handlers stay thin:
//! parameters → engine → view type → JSON.

use crate::error::ApiError;
use crate::store::Store;
use crate::views::{partition_view, relation_list, resolve_relation};
use crate::views_object::{
    graph_view, object_at, object_view, parse_addr, shpaths_text, treemap_retained_view, treemap_view,
};
use crate::views_retained::{domtree_view, parse_rows, retained_view};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use heaplens_engine::partition::partition;
use heaplens_engine::render::render_table;
use heaplens_wire::{
    DomTreeView, GraphView, ObjectView, PartitionView, RelationList, RetainedView, SnapshotInfo, SnapshotList,
    TreemapView,
};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// Rows returned when the client does not say how many.
pub const DEFAULT_LIMIT: usize = 1000;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    /// Largest snapshot upload accepted, in bytes.
    pub max_upload: u64,
}

/// The whole app without access control (tests; a server without a token).
pub fn router(state: AppState, static_dir: Option<PathBuf>) -> Router {
    router_with(state, static_dir, Arc::new(crate::auth::Auth::open_access()))
}

/// The whole app: `/api` routes behind [`crate::auth::guard`], `/share/{token}`, and when
/// `static_dir` is given, the built app with SPA fallback (any other path serves `index.html`).
pub fn router_with(state: AppState, static_dir: Option<PathBuf>, auth: Arc<crate::auth::Auth>) -> Router {
    let app = api_router(state, static_dir)
        .route("/share/{token}", get(crate::api_access::open_share))
        .layer(axum::middleware::from_fn_with_state(auth.clone(), crate::auth::guard))
        .layer(axum::Extension(auth));
    app
}

fn api_router(state: AppState, static_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/snapshots", get(list_snapshots).post(crate::api_store::upload_snapshot))
        .route(
            "/snapshots/{id}",
            get(get_snapshot).patch(crate::api_store::patch_snapshot).delete(crate::api_store::delete_snapshot),
        )
        .route("/snapshots/{id}/partition", get(get_partition))
        .route("/snapshots/{id}/table", get(get_table))
        .route("/snapshots/{id}/objects/{addr}", get(get_object))
        .route("/snapshots/{id}/graph", get(get_graph))
        .route("/snapshots/{id}/treemap", get(get_treemap))
        .route("/snapshots/{id}/shpaths", get(get_shpaths))
        .route("/snapshots/{id}/redact", axum::routing::post(crate::api_store::redact_snapshot))
        .route("/snapshots/{id}/retained", get(get_retained))
        .route("/snapshots/{id}/domtree", get(get_domtree))
        .route("/snapshots/{id}/rp", get(get_rp))
        .route("/relations", get(get_relations))
        .merge(crate::api_access::api_routes())
        .route("/diff", get(get_diff))
        .route("/snapshots/{id}/disjoint", get(get_disjoint))
        .route("/identity", get(crate::identity_api::get_identity))
        .route("/snapshots/{id}/rebase", get(crate::identity_api::get_rebase))
        .route("/series", get(crate::series_api::list_series))
        .route("/series/{id}", get(crate::series_api::get_series))
        .route("/series/{id}/packages/{n}", get(crate::series_api::get_package))
        .route("/series/{id}/diff", get(crate::series_api::get_diff))
        .route("/snapshots/{id}/heapy-dump", get(crate::series_api::get_heapy_dump))
        .fallback(|| async { ApiError::not_found("no such API endpoint") })
        .layer(DefaultBodyLimit::disable())
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

async fn list_snapshots(
    State(st): State<AppState>,
    scope: Option<axum::Extension<crate::auth::ShareScope>>,
) -> Json<SnapshotList> {
    let mut list = st.store.list();
    // a share link sees its one snapshot, and nothing of the others (not even failed files)
    if let Some(axum::Extension(crate::auth::ShareScope(id))) = scope {
        list.snapshots.retain(|s| s.id == id);
        list.failed.clear();
    }
    Json(list)
}

fn loaded(st: &AppState, id: &str) -> Result<Arc<crate::store::Loaded>, ApiError> {
    st.store.get(id).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))
}

async fn get_snapshot(State(st): State<AppState>, Path(id): Path<String>) -> Result<Json<SnapshotInfo>, ApiError> {
    st.store.info(&id).map(Json).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))
}

async fn get_relations() -> Json<RelationList> {
    Json(relation_list())
}

#[derive(Deserialize)]
pub struct PartitionParams {
    q: Option<String>,
    by: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
    all: Option<bool>,
    /// Only rows whose label contains this, ignoring case (`/partition` only).
    filter: Option<String>,
}

fn params(p: Result<Query<PartitionParams>, QueryRejection>) -> Result<PartitionParams, ApiError> {
    p.map(|Query(p)| p).map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))
}

async fn get_partition(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<PartitionParams>, QueryRejection>,
) -> Result<Json<PartitionView>, ApiError> {
    let p = params(p)?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let relation = resolve_relation(&query, p.by.as_deref())?;
    let (offset, limit) = (p.offset.unwrap_or(0), p.limit.unwrap_or(DEFAULT_LIMIT));
    let view = tokio::task::spawn_blocking(move || {
        partition_view(&id, &snap.heap, &query, relation, offset, Some(limit), p.filter.as_deref())
    })
    .await
    .map_err(|e| ApiError::internal(format!("partition task failed: {e}")))??;
    Ok(Json(view))
}

/// heapy's text of a partition (`all=true` for every row), as `text/plain`.
async fn get_table(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<PartitionParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = params(p)?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let relation = resolve_relation(&query, p.by.as_deref())?;
    let all = p.all.unwrap_or(false);
    let text = tokio::task::spawn_blocking(move || -> Result<String, ApiError> {
        let set = snap.heap.select(&query)?.set;
        Ok(render_table(&snap.heap, &set, &partition(&snap.heap, &set, relation), all))
    })
    .await
    .map_err(|e| ApiError::internal(format!("table task failed: {e}")))??;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text + "\n").into_response())
}

/// Edges listed per direction by the inspector unless `limit` says otherwise, and the most.
pub const OBJECT_EDGE_LIMIT: usize = heaplens_engine::inspect::DEFAULT_EDGE_LIMIT;
pub const OBJECT_EDGE_MAX: usize = 5000;

#[derive(Deserialize)]
pub struct ObjectParams {
    limit: Option<usize>,
}

/// One object by address (`0x7f12ab`): the inspector's view. `limit` (default 200, at most
/// 5000: larger values are clamped) caps each edge list; totals are always exact.
async fn get_object(
    State(st): State<AppState>,
    Path((id, addr)): Path<(String, String)>,
    p: Result<Query<ObjectParams>, QueryRejection>,
) -> Result<Json<ObjectView>, ApiError> {
    let limit = p
        .map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?
        .0
        .limit
        .unwrap_or(OBJECT_EDGE_LIMIT)
        .min(OBJECT_EDGE_MAX);
    let snap = loaded(&st, &id)?;
    let addr = parse_addr(&addr)?;
    let view = tokio::task::spawn_blocking(move || -> Result<ObjectView, ApiError> {
        let o = object_at(&snap.heap, addr)?;
        Ok(object_view(&id, &snap.heap, o, limit))
    })
    .await
    .map_err(|e| ApiError::internal(format!("object task failed: {e}")))??;
    Ok(Json(view))
}

/// Referrer groups kept per unfolded graph node unless `k` says otherwise, and the most.
pub const GRAPH_K: usize = heaplens_engine::refgraph::DEFAULT_K;
pub const GRAPH_K_MAX: usize = 100;

/// The parameters of `/graph`: `q`, `k`, and `expand` once per unfolded node.
struct GraphParams {
    q: Option<String>,
    expand: Vec<String>,
    k: Option<usize>,
}

/// Reads `/graph`'s parameters from the raw query string with `form_urlencoded`, because
/// `expand` repeats (`expand=Q1&expand=Q2`), which axum's `Query` (serde_urlencoded) cannot
/// gather into a list. Unknown parameters are ignored, as `Query` does.
fn graph_params(raw: Option<&str>) -> Result<GraphParams, ApiError> {
    let mut p = GraphParams { q: None, expand: Vec::new(), k: None };
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match &*key {
            "q" => p.q = Some(value.into_owned()),
            "expand" => p.expand.push(value.into_owned()),
            "k" => {
                p.k = Some(value.parse().map_err(|_| {
                    ApiError::bad_request(format!("bad query parameters: k: expected a number, not {value:?}"))
                })?)
            }
            _ => {}
        }
    }
    Ok(p)
}

/// The referrer graph of `q`'s set (default `heap`), with every `expand` node unfolded
/// (`expand` repeats; see [`graph_params`]); `k` groups per node (default 12, at most 100).
async fn get_graph(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<GraphView>, ApiError> {
    let p = graph_params(raw.as_deref())?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let expand = p
        .expand
        .iter()
        .enumerate()
        .map(|(i, text)| {
            heaplens_engine::Query::parse(text).map_err(|e| {
                let mut err = ApiError::from(e);
                err.message = format!("in expand parameter {} ({text:?}): {}", i + 1, err.message);
                err
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let k = p.k.unwrap_or(GRAPH_K).min(GRAPH_K_MAX);
    let view = tokio::task::spawn_blocking(move || graph_view(&id, &snap.heap, &query, &expand, k))
        .await
        .map_err(|e| ApiError::internal(format!("graph task failed: {e}")))??;
    Ok(Json(view))
}

/// Rows and children per row of a treemap unless the client says otherwise, and the most.
pub const TREEMAP_LIMIT: usize = heaplens_engine::treemap::DEFAULT_LIMIT;
pub const TREEMAP_CHILD_LIMIT: usize = heaplens_engine::treemap::DEFAULT_CHILD_LIMIT;
pub const TREEMAP_MAX: usize = 5000;

#[derive(Deserialize)]
pub struct TreemapParams {
    q: Option<String>,
    by: Option<String>,
    then: Option<String>,
    limit: Option<usize>,
    child_limit: Option<usize>,
    /// `size` (default) or `retained`: what the cells' areas show.
    measure: Option<String>,
}

/// `q`'s set partitioned by `by` (default: the query's `.byX`, else clodo), the first
/// `limit` rows (default 200) each partitioned by `then` (optional; not `id`/`idset`) into
/// at most `child_limit` children (default 50); both limits clamped to 5000.
async fn get_treemap(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<TreemapParams>, QueryRejection>,
) -> Result<Json<TreemapView>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let by = resolve_relation(&query, p.by.as_deref())?;
    let then = p.then.as_deref().map(|t| resolve_relation(&query, Some(t))).transpose()?;
    let limit = p.limit.unwrap_or(TREEMAP_LIMIT).min(TREEMAP_MAX);
    let child_limit = p.child_limit.unwrap_or(TREEMAP_CHILD_LIMIT).min(TREEMAP_MAX);
    let retained = match p.measure.as_deref() {
        None | Some("size") => false,
        Some("retained") if then.is_some() => {
            return Err(ApiError::bad_request(
                "a treemap sized by retained size has one level: leave out `then`".to_owned(),
            ))
        }
        Some("retained") => true,
        Some(m) => return Err(ApiError::bad_request(format!("unknown measure {m:?}; known: size, retained"))),
    };
    let view = tokio::task::spawn_blocking(move || {
        if retained {
            let limit = p.limit.unwrap_or(heaplens_engine::treemap::RETAINED_LIMIT).min(TREEMAP_MAX);
            treemap_retained_view(&id, &snap.heap, &query, by, limit)
        } else {
            treemap_view(&id, &snap.heap, &query, by, then, limit, child_limit)
        }
    })
    .await
    .map_err(|e| ApiError::internal(format!("treemap task failed: {e}")))??;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct ShpathsParams {
    q: Option<String>,
}

/// heapy's `shpaths` of `q`'s set as `text/plain`: the shortest paths from the root to its
/// members at the smallest depth, ten lines and `<... N more paths ...>` beyond eleven.
async fn get_shpaths(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<ShpathsParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let text = tokio::task::spawn_blocking(move || shpaths_text(&snap.heap, &query))
        .await
        .map_err(|e| ApiError::internal(format!("shpaths task failed: {e}")))??;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text + "\n").into_response())
}

#[derive(Deserialize)]
pub struct RetainedParams {
    q: Option<String>,
    by: Option<String>,
    /// Row indexes, comma-separated (at most 500).
    rows: Option<String>,
}

/// The retained size (heapy's `domisize`) of rows of `q`'s partition by `by`: the table's
/// retained column. Each grouping row costs a walk of part of the heap, so the page asks
/// only for the rows it shows; answers are cached.
async fn get_retained(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<RetainedParams>, QueryRejection>,
) -> Result<Json<RetainedView>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let relation = resolve_relation(&query, p.by.as_deref())?;
    let rows = parse_rows(p.rows.as_deref().unwrap_or(""))?;
    let view = tokio::task::spawn_blocking(move || retained_view(&id, &snap.heap, &query, relation, &rows))
        .await
        .map_err(|e| ApiError::internal(format!("retained task failed: {e}")))??;
    Ok(Json(view))
}

/// Nodes per dominator tree level unless `limit` says otherwise, and the most.
pub const DOMTREE_MAX: usize = 5000;

#[derive(Deserialize)]
pub struct DomTreeParams {
    q: Option<String>,
    addr: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
}

/// One level of the dominator tree: the objects `addr` immediately dominates, or without
/// `addr` the members of `q`'s set no other member dominates; largest retained size first.
async fn get_domtree(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<DomTreeParams>, QueryRejection>,
) -> Result<Json<DomTreeView>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let addr = p.addr.as_deref().map(parse_addr).transpose()?;
    let (offset, limit) =
        (p.offset.unwrap_or(0), p.limit.unwrap_or(heaplens_engine::domtree::DEFAULT_LIMIT).min(DOMTREE_MAX));
    let view = tokio::task::spawn_blocking(move || domtree_view(&id, &snap.heap, &query, addr, offset, limit))
        .await
        .map_err(|e| ApiError::internal(format!("domtree task failed: {e}")))??;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct DiffParams {
    a: Option<String>,
    b: Option<String>,
    by: Option<String>,
    qa: Option<String>,
    qb: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
    all: Option<bool>,
}

/// heapy's `A.diff(B)`: set `qa` (default `heap`) of snapshot `a` minus set `qb` (default:
/// `qa`) of snapshot `b`, by `by` (default: `qa`'s `.byX`, else clodo); rows
/// `offset..offset + limit` (default 1000) and heapy's text (every row with `all=true`).
async fn get_diff(
    State(st): State<AppState>,
    p: Result<Query<DiffParams>, QueryRejection>,
) -> Result<Json<heaplens_wire::DiffView>, ApiError> {
    use crate::views_diff::{diff_view, side_error, Side};
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let id = |name: &str, v: Option<String>| {
        v.filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::bad_request(format!("missing parameter {name} (a snapshot id)")))
    };
    let (id_a, id_b) = (id("a", p.a)?, id("b", p.b)?);
    let (snap_a, snap_b) = (loaded(&st, &id_a)?, loaded(&st, &id_b)?);
    let qa_text = p.qa.unwrap_or_else(|| "heap".to_owned());
    let qa = heaplens_engine::Query::parse(&qa_text).map_err(|e| side_error("qa", e))?;
    let qb = heaplens_engine::Query::parse(p.qb.as_deref().unwrap_or(&qa_text)).map_err(|e| side_error("qb", e))?;
    let relation = resolve_relation(&qa, p.by.as_deref())?;
    let (offset, limit, all) = (p.offset.unwrap_or(0), p.limit.unwrap_or(DEFAULT_LIMIT), p.all.unwrap_or(false));
    let view = tokio::task::spawn_blocking(move || {
        let a = Side { id: &id_a, heap: &snap_a.heap, query: &qa };
        let b = Side { id: &id_b, heap: &snap_b.heap, query: &qb };
        diff_view(&a, &b, relation, offset, Some(limit), all)
    })
    .await
    .map_err(|e| ApiError::internal(format!("diff task failed: {e}")))??;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct DisjointParams {
    qa: Option<String>,
    qb: Option<String>,
}

/// heapy's `A.disjoint(B)` for sets `qa` and `qb` (both required) of one snapshot.
async fn get_disjoint(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<DisjointParams>, QueryRejection>,
) -> Result<Json<heaplens_wire::DisjointView>, ApiError> {
    use crate::views_diff::{disjoint_view, side_error};
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let parse = |name: &str, v: Option<String>| {
        let text = v.ok_or_else(|| ApiError::bad_request(format!("missing parameter {name} (a query)")))?;
        heaplens_engine::Query::parse(&text).map_err(|e| side_error(name, e))
    };
    let (qa, qb) = (parse("qa", p.qa)?, parse("qb", p.qb)?);
    let snap = loaded(&st, &id)?;
    let view = tokio::task::spawn_blocking(move || disjoint_view(&id, &snap.heap, &qa, &qb))
        .await
        .map_err(|e| ApiError::internal(format!("disjoint task failed: {e}")))??;
    Ok(Json(view))
}

/// Lines of a reference pattern returned unless `limit` says otherwise, and the most.
const RP_LIMIT: usize = 500;
const RP_MAX: usize = 10_000;
/// The deepest reference pattern asked for (heapy's default is 7).
const RP_MAX_DEPTH: u32 = 100;

#[derive(Deserialize)]
pub struct RpParams {
    q: Option<String>,
    depth: Option<u32>,
    limit: Option<usize>,
}

/// heapy's reference pattern of `q`'s set: the lines as a tree (at most `limit`, default
/// 500, clamped to 10000) with each line's set as a query, and heapy's text.
async fn get_rp(
    State(st): State<AppState>,
    Path(id): Path<String>,
    p: Result<Query<RpParams>, QueryRejection>,
) -> Result<Json<heaplens_wire::RpView>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))?;
    let depth = p.depth.unwrap_or(heaplens_engine::rp::DEFAULT_DEPTH);
    if depth > RP_MAX_DEPTH {
        return Err(ApiError::bad_request(format!("depth {depth} is more than the most, {RP_MAX_DEPTH}")));
    }
    let limit = p.limit.unwrap_or(RP_LIMIT).min(RP_MAX);
    let snap = loaded(&st, &id)?;
    let query = heaplens_engine::Query::parse(p.q.as_deref().unwrap_or("heap"))?;
    let view = tokio::task::spawn_blocking(move || crate::views_rp::rp_view(&id, &snap.heap, &query, depth, limit))
        .await
        .map_err(|e| ApiError::internal(format!("rp task failed: {e}")))??;
    Ok(Json(view))
}
