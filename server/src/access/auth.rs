//! Access control. Without an access token the server serves anyone who can reach it, so it
//! binds loopback only (a non-loopback address is refused unless `--insecure-public`). With a
//! token, every `/api` request needs one of:
//! - `Authorization: Bearer TOKEN` (scripts, the agent, `curl`);
//! - the `heaplens_session` cookie, signed by the server, set by `POST /api/login` with the token;
//! - the `heaplens_share` cookie of a read-only share link (`/share/TOKEN`, made by
//!   `POST /api/snapshots/{id}/share`): GET requests about that one snapshot only.
//!
//! Signatures are HMAC-SHA256 with a key kept in the data folder (`secret.key`, mode 0600), so
//! sessions and share links survive restarts; without a data folder the key lives as long as
//! the process. Both signatures cover a fingerprint of the access token: starting the server
//! with another token ends every session and share link. A share link works only while its
//! record is kept ([`super::links`]): it expires (30 days unless asked otherwise) and can
//! be revoked. The app's static files hold no heap data and are served to anyone, so the page
//! can ask for the token. Errors say what is missing and never which snapshots exist.

use super::links::{LinkRecord, Links};
use crate::http::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "heaplens_session";
pub const SHARE_COOKIE: &str = "heaplens_share";
/// How long a login lasts.
pub const SESSION_SECONDS: u64 = 30 * 24 * 3600;

/// The server's access settings, signing key and issued share links.
pub struct Auth {
    token: Option<String>,
    key: Vec<u8>,
    /// SHA-256 of the token, in every signature (a new token voids the old signatures).
    token_fp: String,
    pub links: Links,
}

fn fingerprint(token: Option<&str>) -> String {
    use sha2::Digest;
    hex(&Sha256::digest(token.unwrap_or("").as_bytes()))
}

/// What a request may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Everything (no token configured, or a valid token or session).
    Full,
    /// Read-only, one snapshot (a share link).
    Share(String),
    Anonymous,
}

/// The scope of a share-link request, for handlers that list snapshots.
#[derive(Debug, Clone)]
pub struct ShareScope(pub String);

pub fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equality that takes the same time wherever the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random_key() -> std::io::Result<Vec<u8>> {
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(key)
}

impl Auth {
    /// No token: everything is open (the server then binds loopback only).
    pub fn open_access() -> Auth {
        Auth {
            token: None,
            key: random_key().unwrap_or_else(|_| vec![7; 32]),
            token_fp: fingerprint(None),
            links: Links::in_memory(),
        }
    }

    /// A token (if any) and the signing key kept in `key_file` (created on first use).
    pub fn new(token: Option<String>, key_file: Option<&Path>) -> std::io::Result<Auth> {
        if let Some(t) = &token {
            if t.len() < 16 {
                return Err(std::io::Error::other("the access token must be at least 16 characters"));
            }
        }
        let key = match key_file {
            None => random_key()?,
            Some(path) => match std::fs::read(path) {
                Ok(k) if k.len() >= 32 => k,
                _ => {
                    let k = random_key()?;
                    write_private(path, &k)?;
                    k
                }
            },
        };
        let links = match key_file.and_then(Path::parent) {
            Some(dir) => Links::open(&dir.join("shares.json")).map_err(std::io::Error::other)?,
            None => Links::in_memory(),
        };
        let token_fp = fingerprint(token.as_deref());
        Ok(Auth { token, key, token_fp, links })
    }

    /// Whether a token protects the server.
    pub fn enabled(&self) -> bool {
        self.token.is_some()
    }

    fn sign(&self, msg: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(msg.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    fn signed(&self, msg: &str, sig: &str) -> bool {
        same(self.sign(msg).as_bytes(), sig.as_bytes())
    }

    /// Whether `token` is the access token.
    pub fn token_ok(&self, token: &str) -> bool {
        self.token.as_deref().is_some_and(|t| same(t.as_bytes(), token.as_bytes()))
    }

    /// A session cookie value valid until `expires` (Unix seconds).
    pub fn session_value(&self, expires: u64) -> String {
        format!("{expires}.{}", self.sign(&format!("session|{expires}|{}", self.token_fp)))
    }

    fn session_ok(&self, value: &str) -> bool {
        let Some((exp, sig)) = value.split_once('.') else { return false };
        exp.parse::<u64>().is_ok_and(|e| e > now_secs())
            && self.signed(&format!("session|{exp}|{}", self.token_fp), sig)
    }

    /// The token of share link `rec` (`SNAPSHOT.EXPIRES.LINKID.SIGNATURE`).
    pub fn share_token(&self, rec: &LinkRecord) -> String {
        let (id, exp, link) = (&rec.snapshot, rec.expires, &rec.id);
        format!("{id}.{exp}.{link}.{}", self.sign(&format!("share|{id}|{exp}|{link}|{}", self.token_fp)))
    }

    /// Issues a read-only link to snapshot `id` working for `secs` seconds: its record is
    /// kept (on disk with a data folder) before its token is handed out.
    pub fn issue_share(&self, id: &str, secs: u64) -> std::io::Result<(LinkRecord, String)> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| std::io::Error::other(e.to_string()))?;
        let now = now_secs();
        let rec = LinkRecord { id: hex(&nonce), snapshot: id.to_owned(), created: now, expires: now + secs };
        self.links.add(rec.clone(), now)?;
        let token = self.share_token(&rec);
        Ok((rec, token))
    }

    /// The snapshot a share token opens, if it is genuine, not expired and not revoked.
    pub fn share_ok(&self, token: &str) -> Option<String> {
        let mut parts = token.rsplitn(4, '.');
        let (sig, link, exp, id) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let e: u64 = exp.parse().ok()?;
        let now = now_secs();
        if e <= now || !self.signed(&format!("share|{id}|{exp}|{link}|{}", self.token_fp), sig) {
            return None;
        }
        self.links.live(link, id, now).then(|| id.to_owned())
    }

    /// What the request's credentials allow.
    pub fn access(&self, headers: &HeaderMap) -> Access {
        if self.token.is_none() {
            return Access::Full;
        }
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if bearer.is_some_and(|t| self.token_ok(t)) {
            return Access::Full;
        }
        if cookie(headers, SESSION_COOKIE).is_some_and(|v| self.session_ok(&v)) {
            return Access::Full;
        }
        match cookie(headers, SHARE_COOKIE).and_then(|v| self.share_ok(&v)) {
            Some(id) => Access::Share(id),
            None => Access::Anonymous,
        }
    }
}

/// Writes a file only its owner can read.
/// Writes the key whole or not at all (a temporary file, mode 0600, fsynced, renamed, the
/// folder fsynced): a crash never leaves a half-written key that would sign nothing again.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::store::storage::durable::write_atomic(path, bytes, Some(0o600))
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Which snapshot an API path is about (`/api/snapshots/{id}[/...]`).
fn snapshot_of(path: &str) -> Option<&str> {
    path.strip_prefix("/api/snapshots/").map(|rest| rest.split('/').next().unwrap_or(rest)).filter(|s| !s.is_empty())
}

/// The middleware in front of `/api`: lets a request through or answers 401/403.
pub async fn guard(State(auth): State<Arc<Auth>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if !path.starts_with("/api/") || matches!(path.as_str(), "/api/login" | "/api/logout" | "/api/session") {
        return next.run(req).await;
    }
    match auth.access(req.headers()) {
        Access::Full => next.run(req).await,
        Access::Share(id) => {
            let read = req.method() == Method::GET || req.method() == Method::HEAD;
            let allowed = read
                && (path == "/api/relations" || path == "/api/snapshots" || snapshot_of(&path) == Some(id.as_str()));
            if !allowed {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "this share link opens one snapshot, read-only; log in with the access token for more",
                )
                .into_response();
            }
            req.extensions_mut().insert(ShareScope(id));
            next.run(req).await
        }
        Access::Anonymous => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this server needs its access token: send `Authorization: Bearer TOKEN`, or log in on the page",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Auth {
        Auth::new(Some("a-long-enough-token".into()), None).unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        h
    }

    #[test]
    fn tokens_sessions_and_share_links() {
        let a = auth();
        assert_eq!(a.access(&headers(&[])), Access::Anonymous);
        assert_eq!(a.access(&headers(&[("authorization", "Bearer a-long-enough-token")])), Access::Full);
        assert_eq!(a.access(&headers(&[("authorization", "Bearer a-long-enough-tokeN")])), Access::Anonymous);
        let s = a.session_value(now_secs() + 60);
        assert_eq!(a.access(&headers(&[("cookie", &format!("x=1; {SESSION_COOKIE}={s}"))])), Access::Full);
        let old = a.session_value(now_secs() - 1);
        assert_eq!(a.access(&headers(&[("cookie", &format!("{SESSION_COOKIE}={old}"))])), Access::Anonymous);
        let forged = format!("{}.{}", now_secs() + 999, "0".repeat(64));
        assert_eq!(a.access(&headers(&[("cookie", &format!("{SESSION_COOKIE}={forged}"))])), Access::Anonymous);
        let (rec, share) = a.issue_share("abc123", 60).unwrap();
        assert_eq!(a.share_ok(&share).as_deref(), Some("abc123"));
        assert_eq!(
            a.access(&headers(&[("cookie", &format!("{SHARE_COOKIE}={share}"))])),
            Access::Share("abc123".into())
        );
        // another snapshot's id with this signature, an expired link, another server's key,
        // a link signed but never issued here, a revoked link
        assert_eq!(a.share_ok(&share.replace("abc123", "abc124")), None);
        let old = LinkRecord { expires: now_secs() - 5, ..rec.clone() };
        assert_eq!(a.share_ok(&a.share_token(&old)), None);
        assert_eq!(auth().share_ok(&share), None, "a fresh key does not accept old links");
        let never = LinkRecord { id: "00".repeat(12), ..rec.clone() };
        assert_eq!(a.share_ok(&a.share_token(&never)), None, "not issued");
        assert_eq!(a.links.of("abc123", now_secs()), vec![rec.clone()]);
        assert!(a.links.revoke(&rec.id).unwrap());
        assert_eq!(a.share_ok(&share), None, "revoked");
        assert!(!a.links.revoke(&rec.id).unwrap());
        assert!(Auth::new(Some("short".into()), None).is_err());
        assert_eq!(Auth::open_access().access(&headers(&[])), Access::Full);
    }

    #[test]
    fn a_new_token_ends_sessions_and_share_links() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret.key");
        let a = Auth::new(Some("a-long-enough-token".into()), Some(&file)).unwrap();
        let session = a.session_value(now_secs() + 60);
        let (_, share) = a.issue_share("x", 60).unwrap();
        let same = Auth::new(Some("a-long-enough-token".into()), Some(&file)).unwrap();
        assert!(same.session_ok(&session) && same.share_ok(&share).is_some(), "a restart keeps them");
        let other = Auth::new(Some("another-long-token!".into()), Some(&file)).unwrap();
        assert!(!other.session_ok(&session), "a session of the old token");
        assert_eq!(other.share_ok(&share), None, "a link of the old token");
    }

    #[test]
    fn the_key_is_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret.key");
        let a = Auth::new(Some("a-long-enough-token".into()), Some(&file)).unwrap();
        let (_, link) = a.issue_share("x", 60).unwrap();
        let b = Auth::new(Some("a-long-enough-token".into()), Some(&file)).unwrap();
        assert_eq!(b.share_ok(&link).as_deref(), Some("x"), "links survive a restart");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn a_crash_while_writing_the_key_breaks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret.key");
        // a crash before the first key was renamed into place: a half-written temporary file
        std::fs::write(dir.path().join("secret.key.tmp"), b"half a k").unwrap();
        let a = Auth::new(None, Some(&file)).unwrap();
        assert!(!dir.path().join("secret.key.tmp").exists());
        let (_, link) = a.issue_share("x", 60).unwrap();
        // a crash while writing a key again: the key in place is kept
        std::fs::write(dir.path().join("secret.key.tmp"), b"half a k").unwrap();
        let b = Auth::new(None, Some(&file)).unwrap();
        let c = Auth::new(None, Some(&file)).unwrap();
        assert_eq!(b.share_ok(&link).as_deref(), Some("x"), "the key survives restarts");
        assert_eq!(c.share_ok(&link).as_deref(), Some("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
