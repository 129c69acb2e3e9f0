//! All HTTP between the app and the heaplens server, with one error type.
//!
//! Every function here asks one `/api` endpoint and returns the wire type, or an
//! [`ApiError`] carrying the server's [`ErrorEnvelope`] message when there is one.

use std::fmt;

use gloo_net::http::{Request, Response};
use heaplens_wire::{ErrorEnvelope, PartitionView, RelationList, SnapshotInfo, SnapshotList};
use serde::de::DeserializeOwned;

/// Rows asked for per page of a partition table.
pub const PAGE_ROWS: u64 = 500;

/// Why an API call failed, ready to be shown to the user.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status, or `None` when the request never got an answer.
    pub status: Option<u16>,
    /// The server's machine-readable code (`not_found`, `bad_query`, ...), or one of
    /// `network` / `bad_response` for failures on this side.
    pub code: String,
    /// Human-readable explanation (the server's own message when it sent one).
    pub message: String,
    /// For query errors: byte offset in the query where the problem is.
    pub position: Option<u32>,
}

impl ApiError {
    fn network(err: gloo_net::Error) -> Self {
        Self {
            status: None,
            code: "network".into(),
            message: format!("Could not reach the heaplens server: {err}"),
            position: None,
        }
    }

    fn bad_response(status: u16, what: impl fmt::Display) -> Self {
        Self {
            status: Some(status),
            code: "bad_response".into(),
            message: format!("Unexpected answer from the server (HTTP {status}): {what}"),
            position: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// Percent-encodes one URL component (path segment or query value).
pub fn encode(component: &str) -> String {
    String::from(js_sys::encode_uri_component(component))
}

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
    match serde_json::from_str::<ErrorEnvelope>(&body) {
        Ok(env) => Err(ApiError {
            status: Some(status),
            code: env.error.code,
            message: env.error.message,
            position: env.error.position,
        }),
        Err(_) => {
            let mut text: String = body.chars().take(200).collect();
            if text.trim().is_empty() {
                text = resp.status_text();
            }
            Err(ApiError::bad_response(status, text))
        }
    }
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
