//! Access: the token, signed sessions and share links ([`auth`], the guard in front of
//! `/api`), and their endpoints: log in with the token (a signed session cookie), log out,
//! what this browser may see, and read-only share links to one snapshot (made, listed,
//! revoked: [`links`]).

pub mod auth;
pub mod links;

use crate::http::error::ApiError;
use crate::http::params::JsonBody;
use crate::http::site::Site;
use crate::state::{AppState, DEFAULT_SHARE_SECONDS, MAX_SHARE_SECONDS};
use auth::{now_secs, Access, Auth, ShareScope, SESSION_COOKIE, SESSION_SECONDS, SHARE_COOKIE};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use heaplens_wire::{LoginRequest, SessionInfo, ShareLink, ShareLinks, ShareRequest};
use links::LinkRecord;
use std::sync::Arc;

/// A cookie of ours: `Secure` when the server's public URL is https (`--public-url`).
fn set_cookie(site: &Site, name: &str, value: &str, max_age: u64) -> (header::HeaderName, String) {
    let secure = if site.secure_cookies() { "; Secure" } else { "" };
    (header::SET_COOKIE, format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"))
}

pub async fn login(
    Extension(auth): Extension<Arc<Auth>>,
    Extension(site): Extension<Site>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    if !auth.enabled() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if !auth.token_ok(req.token.trim()) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "wrong access token"));
    }
    let value = auth.session_value(now_secs() + SESSION_SECONDS);
    Ok((StatusCode::NO_CONTENT, [set_cookie(&site, SESSION_COOKIE, &value, SESSION_SECONDS)]).into_response())
}

pub async fn logout(Extension(site): Extension<Site>) -> Response {
    let cookies = [set_cookie(&site, SESSION_COOKIE, "", 0), set_cookie(&site, SHARE_COOKIE, "", 0)];
    (StatusCode::NO_CONTENT, cookies).into_response()
}

pub async fn session(Extension(auth): Extension<Arc<Auth>>, headers: HeaderMap) -> Json<SessionInfo> {
    let (access, snapshot) = match auth.access(&headers) {
        Access::Full => ("full", None),
        Access::Share(id) => ("share", Some(id)),
        Access::Anonymous => ("none", None),
    };
    Json(SessionInfo { token_required: auth.enabled(), access: access.to_owned(), snapshot })
}

/// A signed read-only link to one snapshot, expiring after `expires_in_s` seconds (default
/// [`DEFAULT_SHARE_SECONDS`], at most [`MAX_SHARE_SECONDS`]) unless revoked before.
pub async fn create_share(
    State(st): State<AppState>,
    Extension(auth): Extension<Arc<Auth>>,
    Path(id): Path<String>,
    body: Option<JsonBody<ShareRequest>>,
) -> Result<Json<ShareLink>, ApiError> {
    let info = st.loaded(&id).await?.info.clone();
    let secs = body.and_then(|JsonBody(b)| b.expires_in_s).filter(|&s| s != 0).unwrap_or(DEFAULT_SHARE_SECONDS);
    if secs > MAX_SHARE_SECONDS {
        return Err(ApiError::bad_request(format!("a share link lives at most {MAX_SHARE_SECONDS} seconds")));
    }
    let (rec, token) =
        auth.issue_share(&info.id, secs).map_err(|e| ApiError::internal(format!("cannot keep the share link: {e}")))?;
    Ok(Json(link_of(&rec, token)))
}

fn link_of(rec: &LinkRecord, token: String) -> ShareLink {
    ShareLink {
        url: format!("/share/{token}"),
        snapshot: rec.snapshot.clone(),
        expires: Some(rec.expires),
        id: rec.id.clone(),
        created: rec.created,
    }
}

/// Share links are managed with full access only, never through a share link.
fn full_access(scope: Option<Extension<ShareScope>>) -> Result<(), ApiError> {
    match scope {
        Some(_) => {
            Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "a share link cannot list or revoke share links"))
        }
        None => Ok(()),
    }
}

/// `GET /api/snapshots/{id}/shares`: the snapshot's working share links, oldest first.
pub async fn list_shares(
    State(st): State<AppState>,
    Extension(auth): Extension<Arc<Auth>>,
    scope: Option<Extension<ShareScope>>,
    Path(id): Path<String>,
) -> Result<Json<ShareLinks>, ApiError> {
    full_access(scope)?;
    let info = st.store.info(&id).ok_or_else(|| ApiError::not_found(format!("no snapshot with id {id:?}")))?;
    let links = auth.links.of(&info.id, now_secs()).iter().map(|r| link_of(r, auth.share_token(r))).collect();
    Ok(Json(ShareLinks { links }))
}

/// `DELETE /api/shares/{link}`: revokes a share link (it stops working at once).
pub async fn revoke_share(
    Extension(auth): Extension<Arc<Auth>>,
    scope: Option<Extension<ShareScope>>,
    Path(link): Path<String>,
) -> Result<StatusCode, ApiError> {
    full_access(scope)?;
    match auth.links.revoke(&link) {
        Ok(true) => Ok(StatusCode::NO_CONTENT),
        Ok(false) => Err(ApiError::not_found(format!("no share link {link:?}"))),
        Err(e) => Err(ApiError::internal(format!("cannot revoke the share link: {e}"))),
    }
}

/// `GET /share/{token}`: keeps the link's grant in a cookie and opens its snapshot.
pub async fn open_share(
    Extension(auth): Extension<Arc<Auth>>,
    Extension(site): Extension<Site>,
    Path(token): Path<String>,
) -> Response {
    match auth.share_ok(&token) {
        Some(id) => {
            let cookie = set_cookie(&site, SHARE_COOKIE, &token, MAX_SHARE_SECONDS);
            ([cookie], Redirect::to(&format!("/s/{id}"))).into_response()
        }
        None => ApiError::new(StatusCode::FORBIDDEN, "forbidden", "this share link is not valid here, or has expired")
            .into_response(),
    }
}
