//! All HTTP between the app and the heaplens server, with one error type (`api/error.rs`).
//!
//! Every function here asks one `/api` endpoint and returns the wire type, or an
//! [`ApiError`] carrying the server's [`heaplens_wire::ErrorEnvelope`] message when there is one.

use gloo_net::http::{Request, Response};
use heaplens_wire::{PartitionView, RelationList, SnapshotInfo, SnapshotList};
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

pub use crate::route::urlcode::encode;
use crate::ui::js_future::await_promise;

mod error;

use error::error_from_body;
pub use error::ApiError;

/// Rows asked for per page of a partition table.
pub const PAGE_ROWS: u64 = 500;

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let resp = Request::get(url).header("Accept", "application/json").send().await.map_err(ApiError::network)?;
    decode(resp).await
}

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    let status = resp.status();
    let body = resp.text().await.map_err(ApiError::network)?;
    if resp.ok() {
        return serde_json::from_str(&body).map_err(|e| ApiError::bad_response(status, e));
    }
    Err(error_from_body(status, &body, &resp.status_text()))
}

/// `GET /api/snapshots`
pub async fn snapshots() -> Result<SnapshotList, ApiError> {
    get_json("/api/snapshots").await
}

/// `GET /api/snapshots/{id}`
pub async fn snapshot(id: &str) -> Result<SnapshotInfo, ApiError> {
    get_json(&format!("/api/snapshots/{}", encode(id))).await
}

/// `GET /api/relations`
pub async fn relations() -> Result<RelationList, ApiError> {
    get_json("/api/relations").await
}

/// `GET /api/snapshots/{id}/partition?q=&by=&offset=&limit=`
pub async fn partition(
    id: &str,
    query: &str,
    relation: &str,
    offset: u64,
    limit: u64,
) -> Result<PartitionView, ApiError> {
    get_json(&format!(
        "/api/snapshots/{}/partition?q={}&by={}&offset={offset}&limit={limit}",
        encode(id),
        encode(query),
        encode(relation),
    ))
    .await
}

/// `GET /api/snapshots/{id}/partition?q=&by=&filter=&limit=`: the first `limit` rows whose
/// label contains `filter` (ignoring case), each with its own index, and how many match.
pub async fn partition_matching(
    id: &str,
    query: &str,
    relation: &str,
    filter: &str,
    limit: u64,
) -> Result<PartitionView, ApiError> {
    get_json(&format!(
        "/api/snapshots/{}/partition?q={}&by={}&filter={}&limit={limit}",
        encode(id),
        encode(query),
        encode(relation),
        encode(filter),
    ))
    .await
}

/// `GET /api/snapshots/{id}/table?q=&by=&all=true`: heapy's text of the whole partition.
pub async fn table_text(id: &str, query: &str, relation: &str) -> Result<String, ApiError> {
    let url = format!("/api/snapshots/{}/table?q={}&by={}&all=true", encode(id), encode(query), encode(relation));
    let resp = Request::get(&url).header("Accept", "text/plain").send().await.map_err(ApiError::network)?;
    let status = resp.status();
    let body = resp.text().await.map_err(ApiError::network)?;
    if resp.ok() {
        Ok(body)
    } else {
        Err(error_from_body(status, &body, &resp.status_text()))
    }
}

/// `POST /api/snapshots?name=NAME` with the file as the body (an `XMLHttpRequest`, whose
/// upload reports progress: `on_progress(bytes_sent, bytes_total)`). Answers the new
/// snapshot's summary (or, for a heapy dump file, the new series'), or the server's error
/// (`too_large` with 413, `bad_snapshot` or `bad_dump` with 400).
pub async fn upload(file: &web_sys::File, on_progress: impl Fn(f64, f64) + 'static) -> Result<Uploaded, ApiError> {
    let failed = |e: JsValue| ApiError::browser("The browser could not send the file:", e);
    let xhr = web_sys::XmlHttpRequest::new().map_err(failed)?;
    let url = format!("/api/snapshots?name={}", encode(&file.name()));
    xhr.open_with_async("POST", &url, true).map_err(failed)?;
    xhr.set_request_header("Accept", "application/json").map_err(failed)?;
    xhr.set_request_header("Content-Type", "application/octet-stream").map_err(failed)?;
    let progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
        if ev.length_computable() {
            on_progress(ev.loaded(), ev.total());
        }
    });
    xhr.upload().map_err(failed)?.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    // Settles when the request ends: resolved on an answer (any status), rejected when there
    // was none (network failure, the server closing the connection, abort).
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let on_load = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject2 = reject.clone();
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("error"));
        });
        let on_abort = Closure::once_into_js(move || {
            let _ = reject2.call1(&JsValue::NULL, &JsValue::from_str("abort"));
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        xhr.set_onerror(Some(on_error.unchecked_ref()));
        xhr.set_onabort(Some(on_abort.unchecked_ref()));
    });
    xhr.send_with_opt_blob(Some(file)).map_err(failed)?;
    let outcome = await_promise(&done).await;
    drop(progress);
    if outcome.is_err() {
        return Err(ApiError {
            status: None,
            code: "network".into(),
            message: "The upload ended before the server answered: the connection was closed. \
                      The server may be down, or the file larger than it accepts."
                .into(),
            position: None,
        });
    }
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        uploaded(serde_json::from_str(&body).map_err(|e| ApiError::bad_response(status, e)), &body)
    } else {
        Err(error_from_body(status, &body, &xhr.status_text().unwrap_or_default()))
    }
}

// ---- the visual views: treemap, referrer graph, inspector --------------------------------

/// `GET /api/snapshots/{id}/treemap?q=&by=&then=&limit=&child_limit=`
pub async fn treemap(
    id: &str,
    query: &str,
    relation: &str,
    then: Option<&str>,
    limit: u64,
    child_limit: u64,
) -> Result<heaplens_wire::TreemapView, ApiError> {
    let mut url = format!(
        "/api/snapshots/{}/treemap?q={}&by={}&limit={limit}&child_limit={child_limit}",
        encode(id),
        encode(query),
        encode(relation),
    );
    if let Some(t) = then {
        url.push_str("&then=");
        url.push_str(&encode(t));
    }
    get_json(&url).await
}

/// `GET /api/snapshots/{id}/treemap?q=&by=&measure=retained&limit=`: one level, each cell
/// sized by its retained size.
pub async fn treemap_retained(
    id: &str,
    query: &str,
    relation: &str,
    limit: u64,
) -> Result<heaplens_wire::TreemapView, ApiError> {
    get_json(&format!(
        "/api/snapshots/{}/treemap?q={}&by={}&limit={limit}&measure=retained",
        encode(id),
        encode(query),
        encode(relation),
    ))
    .await
}

/// `GET /api/snapshots/{id}/graph?q=&expand=Q1&expand=Q2&k=`
pub async fn graph(id: &str, query: &str, expand: &[String], k: u32) -> Result<heaplens_wire::GraphView, ApiError> {
    let mut url = format!("/api/snapshots/{}/graph?q={}&k={k}", encode(id), encode(query));
    for e in expand {
        url.push_str("&expand=");
        url.push_str(&encode(e));
    }
    get_json(&url).await
}

/// `GET /api/snapshots/{id}/objects/{addr}?limit=`
pub async fn object(id: &str, addr: &str, limit: u64) -> Result<heaplens_wire::ObjectView, ApiError> {
    get_json(&format!("/api/snapshots/{}/objects/{}?limit={limit}", encode(id), encode(addr))).await
}

/// The address (`0x…`) of the one object of `query`'s set.
///
/// The API has no direct answer (a partition row carries a query, not an address), so this
/// asks in steps, each candidate checked by the server with the query `(QUERY) & @ADDR`:
/// 1. the set's `byid` row label (heapy's brief), when it names an address;
/// 2. heapy's shortest path to it (`/shpaths`), walked from the root (`/objects/0x0`) edge
///    name by edge name through each object's referents;
/// 3. (unreachable objects) the referents of the set's first referrers whose briefs name
///    their address, whose brief equals the object's.
///
/// Fails with code `not_single` when the set is not one object, or `no_address` when no step
/// found it.
pub async fn object_address(id: &str, query: &str) -> Result<String, ApiError> {
    let rows = partition(id, query, "id", 0, 1).await?;
    if rows.count != 1 {
        return Err(ApiError {
            status: None,
            code: "not_single".into(),
            message: format!("The set {query} has {} objects; the inspector shows one object.", rows.count),
            position: None,
        });
    }
    let label = rows.rows.first().map(|r| r.label.clone()).unwrap_or_default();
    for cand in address_tokens(&label) {
        if is_member(id, query, &cand).await {
            return Ok(cand);
        }
    }
    if let Some(addr) = walk_shortest_path(id, query).await {
        return Ok(addr);
    }
    let matches_label =
        |brief: &str| brief == label || brief.strip_suffix(label.as_str()).is_some_and(|p| p.ends_with(": "));
    let holders = partition(id, &format!("({query}).referrers"), "id", 0, 50).await.map(|p| p.rows).unwrap_or_default();
    let mut tried = 0;
    let mut owners: Vec<String> = Vec::new();
    for row in &holders {
        for cand in address_tokens(&row.label) {
            if !owners.contains(&cand) {
                owners.push(cand);
            }
        }
    }
    for owner in owners {
        if tried >= 8 {
            break;
        }
        let Ok(o) = object(id, &owner, 5000).await else { continue };
        tried += 1;
        for e in o.referents.items.iter().filter(|e| matches_label(&e.brief)) {
            if is_member(id, query, &e.addr).await {
                return Ok(e.addr.clone());
            }
        }
    }
    Err(ApiError {
        status: None,
        code: "no_address".into(),
        message: format!(
            "heaplens could not find the address of the object in {query}: the server lists rows by \
             query, and neither its brief nor its holders name it."
        ),
        position: None,
    })
}

/// Follows heapy's first shortest path to `query`'s object from the root: the path text
/// (`hp.Root.i0_modules['re'].__dict__['__doc__']`) is the edge names in a row, so at each
/// object the referents whose names start the rest of the text are followed (depth first,
/// at most [`WALK_REQUESTS`] objects asked for); the end is checked with [`is_member`].
async fn walk_shortest_path(id: &str, query: &str) -> Option<String> {
    let url = format!("/api/snapshots/{}/shpaths?q={}", encode(id), encode(query));
    let resp = Request::get(&url).header("Accept", "text/plain").send().await.ok()?;
    if !resp.ok() {
        return None;
    }
    let text = resp.text().await.ok()?;
    let line = text.lines().next()?.trim();
    let path = line.split_once(": ").map(|(_, p)| p)?.strip_prefix("hp.Root")?.to_owned();
    let mut stack: Vec<(String, usize)> = vec![("0x0".into(), 0)];
    let mut asked = 0;
    while let Some((addr, at)) = stack.pop() {
        if at == path.len() {
            if is_member(id, query, &addr).await {
                return Some(addr);
            }
            continue;
        }
        if asked >= WALK_REQUESTS {
            break;
        }
        asked += 1;
        let Ok(o) = object(id, &addr, 5000).await else { continue };
        let rest = &path[at..];
        // longest names last, so they are tried first
        let mut next: Vec<(String, usize)> = o
            .referents
            .items
            .iter()
            .filter(|e| !e.name.is_empty() && rest.starts_with(e.name.as_str()))
            .map(|e| (e.addr.clone(), at + e.name.len()))
            .collect();
        next.sort_by_key(|&(_, end)| end);
        stack.extend(next);
    }
    None
}

/// Objects asked for while walking a path (a path is rarely longer than a dozen steps).
const WALK_REQUESTS: usize = 40;

/// Whether the object at `addr` is in `query`'s set (the server evaluates `(QUERY) & @ADDR`).
async fn is_member(id: &str, query: &str, addr: &str) -> bool {
    matches!(partition(id, &format!("({query}) & @{addr}"), "unity", 0, 1).await, Ok(v) if v.count == 1)
}

/// Every `0x` + 4 to 16 hex digits in `text`, lower-cased, in order, without repeats.
pub fn address_tokens(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'0' && (b[i + 1] == b'x' || b[i + 1] == b'X') && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i + 2;
            let mut j = start;
            while j < b.len() && b[j].is_ascii_hexdigit() {
                j += 1;
            }
            let ends_clean = j == b.len() || !b[j].is_ascii_alphanumeric();
            if (4..=16).contains(&(j - start)) && ends_clean {
                let t = format!("0x{}", text[start..j].to_ascii_lowercase());
                if !out.contains(&t) {
                    out.push(t);
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod address_tests {
    use super::address_tokens;

    #[test]
    fn finds_addresses_in_briefs() {
        assert_eq!(address_tokens("0x7fe56c8b0b40*1500"), vec!["0x7fe56c8b0b40"]);
        assert_eq!(address_tokens("dict of __main__.Service: 0x7fe56c60d8d0"), vec!["0x7fe56c60d8d0"]);
        assert_eq!(address_tokens("<main at 0x7FE56C887040>"), vec!["0x7fe56c887040"]);
        assert!(address_tokens("'abc' 0x12 ax0x1234 0x1234567890abcdef0 0x12345g").is_empty());
        assert_eq!(address_tokens("0x1234 0x1234"), vec!["0x1234"]);
    }
}

/// `GET /api/snapshots/{id}/retained?q=&by=&rows=`: the retained size (heapy's `domisize`)
/// of some rows of a partition.
pub async fn retained(
    id: &str,
    query: &str,
    relation: &str,
    rows: &[usize],
) -> Result<heaplens_wire::RetainedView, ApiError> {
    let rows: Vec<String> = rows.iter().map(|i| i.to_string()).collect();
    get_json(&format!(
        "/api/snapshots/{}/retained?q={}&by={}&rows={}",
        encode(id),
        encode(query),
        encode(relation),
        rows.join(",")
    ))
    .await
}

/// `GET /api/snapshots/{id}/domtree?q=` (the set's top retainers) or `?addr=` (what the object
/// immediately dominates): one level of the dominator tree, largest retained size first.
pub async fn domtree(
    id: &str,
    query: &str,
    addr: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<heaplens_wire::DomTreeView, ApiError> {
    let mut url = format!("/api/snapshots/{}/domtree?q={}&offset={offset}&limit={limit}", encode(id), encode(query));
    if let Some(a) = addr {
        url += &format!("&addr={}", encode(a));
    }
    get_json(&url).await
}

/// Sends `body` as JSON with `POST` and decodes the answer (`None` for 204 No Content).
async fn post_json<T: DeserializeOwned>(url: &str, body: &impl serde::Serialize) -> Result<Option<T>, ApiError> {
    let resp = Request::post(url)
        .header("Accept", "application/json")
        .json(body)
        .map_err(ApiError::network)?
        .send()
        .await
        .map_err(ApiError::network)?;
    if resp.status() == 204 {
        return Ok(None);
    }
    decode(resp).await.map(Some)
}

/// `GET /api/session`: whether the server needs the access token, and what this browser may see.
pub async fn session() -> Result<heaplens_wire::SessionInfo, ApiError> {
    get_json("/api/session").await
}

/// `POST /api/login`: trades the access token for a session cookie.
pub async fn login(token: &str) -> Result<(), ApiError> {
    post_json::<serde_json::Value>("/api/login", &heaplens_wire::LoginRequest { token: token.to_owned() })
        .await
        .map(|_| ())
}

/// `POST /api/snapshots/{id}/share`: a read-only link to one snapshot (expiring after
/// `expires_in_s` seconds, or the server's default, 30 days, for `None`).
pub async fn share(id: &str, expires_in_s: Option<u64>) -> Result<heaplens_wire::ShareLink, ApiError> {
    let url = format!("/api/snapshots/{}/share", encode(id));
    post_json(&url, &heaplens_wire::ShareRequest { expires_in_s })
        .await?
        .ok_or_else(|| ApiError::bad_response(204, "no share link in the answer"))
}
/// `GET /api/diff?a=&b=&by=&qa=&qb=&limit=`: heapy's `A.diff(B)`, the first `limit` rows.
pub async fn diff(
    a: &str,
    b: &str,
    relation: &str,
    qa: &str,
    qb: &str,
    limit: u64,
) -> Result<heaplens_wire::DiffView, ApiError> {
    get_json(&format!(
        "/api/diff?a={}&b={}&by={}&qa={}&qb={}&limit={limit}",
        encode(a),
        encode(b),
        encode(relation),
        encode(qa),
        encode(qb),
    ))
    .await
}

/// `GET /api/snapshots/{id}/rebase?q=`: the query on the other side of the reference point
/// (`heap` ↔ `heapnew`, rows pinned by label).
pub async fn rebase(id: &str, query: &str) -> Result<heaplens_wire::RebasedQuery, ApiError> {
    get_json(&format!("/api/snapshots/{}/rebase?q={}", encode(id), encode(query))).await
}

/// `GET /api/snapshots/{id}/rp?q=&depth=`: heapy's reference pattern of `query`'s set.
pub async fn rp(id: &str, query: &str, depth: u32) -> Result<heaplens_wire::RpView, ApiError> {
    get_json(&format!("/api/snapshots/{}/rp?q={}&depth={depth}", encode(id), encode(query))).await
}

// ---- series and heapy dump packages (the timeline page) -----------------------------------

/// `GET /api/series`
pub async fn series_list() -> Result<heaplens_wire::SeriesList, ApiError> {
    get_json("/api/series").await
}

/// `GET /api/series/{id}?by=&measure=`: the series with its top kinds.
pub async fn series(id: &str, by: &str, measure: &str) -> Result<heaplens_wire::SeriesView, ApiError> {
    get_json(&format!("/api/series/{}?by={}&measure={}", encode(id), encode(by), encode(measure))).await
}

/// `GET /api/series/{id}/packages/{n}?by=`: sample `n`'s table.
pub async fn series_package(id: &str, n: u32, by: &str) -> Result<heaplens_wire::PackageView, ApiError> {
    get_json(&format!("/api/series/{}/packages/{n}?by={}", encode(id), encode(by))).await
}

/// `GET /api/series/{id}/diff?a=&b=&by=`: heapy's difference `A - B` of two samples.
pub async fn series_diff(id: &str, a: u32, b: u32, by: &str) -> Result<heaplens_wire::PackageView, ApiError> {
    get_json(&format!("/api/series/{}/diff?a={a}&b={b}&by={}", encode(id), encode(by))).await
}

/// What an upload became: a snapshot, or (a heapy dump file) a series.
pub enum Uploaded {
    Snapshot(SnapshotInfo),
    Series(heaplens_wire::SeriesInfo),
}

/// An upload's answer: a series when the server says its source is a dump.
pub fn uploaded(info: Result<SnapshotInfo, ApiError>, body: &str) -> Result<Uploaded, ApiError> {
    match serde_json::from_str::<heaplens_wire::SeriesInfo>(body) {
        Ok(s) if s.source == "dump" => Ok(Uploaded::Series(s)),
        _ => info.map(Uploaded::Snapshot),
    }
}

/// `PATCH /api/snapshots/{id}`: renames, retags or annotates a stored snapshot.
pub async fn patch_snapshot(id: &str, patch: &heaplens_wire::SnapshotPatch) -> Result<SnapshotInfo, ApiError> {
    let url = format!("/api/snapshots/{}", encode(id));
    let resp = Request::patch(&url)
        .header("Accept", "application/json")
        .json(patch)
        .map_err(ApiError::network)?
        .send()
        .await
        .map_err(ApiError::network)?;
    decode(resp).await
}

/// `DELETE url`: `Ok` for any success, else the API's error.
async fn delete(url: &str) -> Result<(), ApiError> {
    let resp = Request::delete(url).send().await.map_err(ApiError::network)?;
    if resp.ok() {
        return Ok(());
    }
    decode::<serde_json::Value>(resp).await.map(|_| ())
}

/// `DELETE /api/snapshots/{id}`: deletes a stored snapshot.
pub async fn delete_snapshot(id: &str) -> Result<(), ApiError> {
    delete(&format!("/api/snapshots/{}", encode(id))).await
}

/// `GET /api/snapshots/{id}/shares`: the snapshot's working share links, oldest first.
pub async fn shares(id: &str) -> Result<heaplens_wire::ShareLinks, ApiError> {
    get_json(&format!("/api/snapshots/{}/shares", encode(id))).await
}

/// `DELETE /api/shares/{link}`: revokes a share link; it stops working at once.
pub async fn revoke_share(link: &str) -> Result<(), ApiError> {
    delete(&format!("/api/shares/{}", encode(link))).await
}

/// `POST /api/snapshots/{id}/redact?values=`: a stored copy without the heap's data strings
/// (`redact`: their length and a hash; `none`: dropped).
pub async fn redact(id: &str, values: &str) -> Result<SnapshotInfo, ApiError> {
    let url = format!("/api/snapshots/{}/redact?values={}", encode(id), encode(values));
    post_json(&url, &serde_json::json!({}))
        .await?
        .ok_or_else(|| ApiError::bad_response(204, "no snapshot in the answer"))
}
