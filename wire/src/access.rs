//! Wire types of access control: login, the browser's session, share links.

use serde::{Deserialize, Serialize};

/// `POST /api/login` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub token: String,
}

/// `GET /api/session`: whether the server needs a token and what this browser may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub token_required: bool,
    /// `full`, `share` (one snapshot, read-only) or `none`.
    pub access: String,
    /// The one snapshot a share link opens.
    pub snapshot: Option<String>,
}

/// `POST /api/snapshots/{id}/share` body (optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ShareRequest {
    /// Seconds until the link stops working; absent or 0: 30 days (at most a year).
    pub expires_in_s: Option<u64>,
}

/// A read-only link to one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareLink {
    /// Path of the link on this server, `/share/TOKEN`.
    pub url: String,
    pub snapshot: String,
    /// Unix seconds when it stops working.
    pub expires: Option<u64>,
    /// The link's id: `DELETE /api/shares/{id}` revokes it.
    #[serde(default)]
    pub id: String,
    /// Unix seconds when it was made.
    #[serde(default)]
    pub created: u64,
}

/// `GET /api/snapshots/{id}/shares`: the working share links of a snapshot, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareLinks {
    pub links: Vec<ShareLink>,
}
