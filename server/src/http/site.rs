//! Web security of every answer, token or not ([`guard`], the outermost layer):
//! - **Host**: only this server's names are served (a DNS-rebinding page reaches a loopback
//!   server under its own host name): `localhost`, loopback addresses and the address listened
//!   on, with the port listened on, and the `--public-url` host. Else 421, naming the host.
//! - **Cross-site requests change nothing**: a request other than GET/HEAD/OPTIONS is refused
//!   (403) when its `Origin` is not this server's, or `Sec-Fetch-Site` says another site sent
//!   it. Scripts, `curl`, the agent and `heaplens attach --server` send neither, and pass.
//! - **Headers**: the page's Content-Security-Policy (scripts: this server's files, the wasm
//!   and the hash of each inline script of the app's `index.html`, computed from the file),
//!   `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`.

use crate::http::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// `--public-url`: the origin browsers use to reach this server (behind a proxy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `scheme://host[:port]` as browsers write an origin (lower case, no default port).
    pub origin: String,
    pub https: bool,
    host: String,
    port: u16,
}

impl PublicUrl {
    /// Parses `http(s)://host[:port][/]`; a path, query or user part is refused.
    pub fn parse(text: &str) -> Result<PublicUrl, String> {
        let bad = |why: &str| format!("--public-url {text:?}: {why} (e.g. https://heaps.example.com)");
        let uri: Uri = text.trim().parse().map_err(|_| bad("not a URL"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(bad("give http:// or https://")),
        };
        let authority = uri.authority().ok_or_else(|| bad("no host"))?;
        if authority.as_str().contains('@') || !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(bad("only an origin: no user, path or query"));
        }
        let (host, port) = split_host(authority.as_str(), default_port(https)).ok_or_else(|| bad("bad host"))?;
        let scheme = if https { "https" } else { "http" };
        let name = if host.contains(':') { format!("[{host}]") } else { host.clone() };
        let origin = if port == default_port(https) {
            format!("{scheme}://{name}")
        } else {
            format!("{scheme}://{name}:{port}")
        };
        Ok(PublicUrl { origin, https, host, port })
    }

    /// Whether `host` (a `Host` header) names this URL's host and port.
    fn names(&self, host: &str) -> bool {
        split_host(host, default_port(self.https)).is_some_and(|(h, p)| h == self.host && p == self.port)
    }
}

fn default_port(https: bool) -> u16 {
    if https {
        443
    } else {
        80
    }
}

/// `host[:port]` → (lower-case host without IPv6 brackets or a final dot, port or `default`).
fn split_host(authority: &str, default: u16) -> Option<(String, u16)> {
    let a: axum::http::uri::Authority = authority.parse().ok()?;
    if a.as_str().contains('@') {
        return None;
    }
    let host = a.host().trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some((host, a.port_u16().unwrap_or(default)))
}

/// Which hosts and origins are this server's.
#[derive(Debug, Clone)]
pub struct Site {
    /// The port listened on; `None` (routers built by tests): any.
    port: Option<u16>,
    /// The address listened on.
    ip: Option<IpAddr>,
    public: Option<PublicUrl>,
}

impl Site {
    /// A server listening on `addr` (its real port, after binding), maybe behind `public`.
    pub fn new(addr: SocketAddr, public: Option<PublicUrl>) -> Site {
        Site { port: Some(addr.port()), ip: Some(addr.ip()), public }
    }

    /// Loopback names on any port (routers built without a socket: tests).
    pub fn loopback_any_port() -> Site {
        Site { port: None, ip: None, public: None }
    }

    /// Whether session cookies get `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public.as_ref().is_some_and(|p| p.https)
    }

    /// Whether a `Host` header names this server: `localhost`, a loopback address or the
    /// address listened on (any address literal when listening on all interfaces: an address
    /// is never a rebound name) with the port, or the public URL's host and port.
    pub fn host_ok(&self, host: &str) -> bool {
        if self.public.as_ref().is_some_and(|p| p.names(host)) {
            return true;
        }
        let Some((name, port)) = split_host(host, 80) else { return false };
        if self.port.is_some_and(|p| p != port) {
            return false;
        }
        if name == "localhost" {
            return true;
        }
        match name.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || Some(ip) == self.ip || self.ip.is_some_and(|b| b.is_unspecified()),
            Err(_) => false,
        }
    }

    /// Whether an `Origin` header is this server's: the public origin, or `http://` and the
    /// request's own (accepted) host when that is not the public one.
    fn origin_ok(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.to_ascii_lowercase();
        if let Some(p) = &self.public {
            if p.origin == origin {
                return true;
            }
            if host.is_some_and(|h| p.names(h)) {
                return false;
            }
        }
        host.is_some_and(|h| origin == format!("http://{}", h.to_ascii_lowercase()))
    }

    /// The request's host: its `Host` header, else the URI's authority (HTTP/2).
    fn host_of(req: &Request) -> Option<String> {
        match req.headers().get(header::HOST) {
            Some(h) => Some(String::from_utf8_lossy(h.as_bytes()).into_owned()),
            None => req.uri().authority().map(|a| a.as_str().to_owned()),
        }
    }

    /// Refuses a request to another host name, or a cross-site request that changes state.
    pub fn check(&self, req: &Request) -> Result<(), ApiError> {
        let host = Site::host_of(req);
        if let Some(h) = &host {
            if !self.host_ok(h) {
                let hint = match &self.public {
                    Some(p) => format!("it answers to localhost and {}", p.origin),
                    None => "start it with --public-url URL to reach it under another name".to_owned(),
                };
                return Err(ApiError::new(
                    StatusCode::MISDIRECTED_REQUEST,
                    "wrong_host",
                    format!("Host header {h:?} is not this server; {hint}"),
                ));
            }
        }
        if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
            return Ok(());
        }
        let header =
            |name| req.headers().get(name).map(|v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let refuse = |why: String| {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "cross_site",
                format!("{why}: a request from another site changes nothing here"),
            ))
        };
        if let Some(site) = header("sec-fetch-site") {
            if !matches!(site.as_str(), "same-origin" | "none") {
                return refuse(format!("Sec-Fetch-Site is {site:?}"));
            }
        }
        if let Some(origin) = header("origin") {
            if !self.origin_ok(&origin, host.as_deref()) {
                return refuse(format!("Origin {origin:?} is not this server"));
            }
        }
        Ok(())
    }

    /// The Content-Security-Policy, with the hashes of `index`'s inline scripts.
    pub fn csp(&self, index: Option<&str>) -> String {
        let hashes: String = index
            .map(inline_scripts)
            .unwrap_or_default()
            .iter()
            .map(|s| format!(" 'sha256-{}'", sha256_b64(s)))
            .collect();
        let ancestors = self.public.as_ref().map(|p| format!(" {}", p.origin)).unwrap_or_default();
        // style-src: the app sets style attributes (canvas sizes, treemap labels) and Leptos
        // writes `style=` on elements, which only 'unsafe-inline' allows.
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'self'{ancestors}; object-src 'none'; \
             base-uri 'self'"
        )
    }
}

/// The contents of each `<script>` without `src` (what a CSP hash is taken of).
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(tag_end) = rest[start..].find('>') else { break };
        let tag = &rest[start..start + tag_end];
        let body = &rest[start + tag_end + 1..];
        let Some(close) = body.find("</script") else { break };
        if !tag.contains("src=") {
            out.push(&body[..close]);
        }
        rest = &body[close..];
    }
    out
}

fn sha256_b64(text: &str) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = Sha256::digest(text.as_bytes());
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The site and the page's policy, kept up to date with `index.html` (rebuilt while serving).
pub struct Guarded {
    pub site: Site,
    index: Option<PathBuf>,
    csp: Mutex<(Option<SystemTime>, HeaderValue)>,
}

impl Guarded {
    pub fn new(site: Site, index: Option<PathBuf>) -> Guarded {
        let csp = HeaderValue::from_str(&site.csp(None)).expect("ASCII");
        Guarded { site, index, csp: Mutex::new((None, csp)) }
    }

    /// The policy for the current `index.html` (read again when it changed).
    fn csp(&self) -> HeaderValue {
        let mut cached = self.csp.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(path) = &self.index {
            let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            if mtime.is_some() && mtime != cached.0 {
                let html = std::fs::read_to_string(path).ok();
                if let Ok(v) = HeaderValue::from_str(&self.site.csp(html.as_deref())) {
                    *cached = (mtime, v);
                }
            }
        }
        cached.1.clone()
    }
}

/// The outermost layer: [`Site::check`], then the security headers on every answer.
pub async fn guard(State(g): State<Arc<Guarded>>, req: Request, next: Next) -> Response {
    let mut res = match g.site.check(&req) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, g.csp());
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_sha256_matches_known_values() {
        // printf '' | openssl dgst -sha256 -binary | base64
        assert_eq!(sha256_b64(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert_eq!(sha256_b64("abc"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    }

    #[test]
    fn inline_scripts_only() {
        let html = "<script src=\"/d3.js\"></script>\n<script type=\"module\">\nimport x;\n</script><p>";
        assert_eq!(inline_scripts(html), vec!["\nimport x;\n"]);
    }

    #[test]
    fn hosts_and_public_urls() {
        let site =
            Site::new("127.0.0.1:7878".parse().unwrap(), Some(PublicUrl::parse("https://Heaps.example.com/").unwrap()));
        for ok in [
            "127.0.0.1:7878",
            "localhost:7878",
            "[::1]:7878",
            "LOCALHOST:7878",
            "heaps.example.com",
            "heaps.example.com:443",
        ] {
            assert!(site.host_ok(ok), "{ok}");
        }
        for bad in [
            "evil.example:7878",
            "127.0.0.1:7879",
            "localhost",
            "heaps.example.com:7878",
            "10.0.0.1:7878",
            "a@localhost:7878",
        ] {
            assert!(!site.host_ok(bad), "{bad}");
        }
        assert!(site.secure_cookies());
        assert_eq!(PublicUrl::parse("http://h.example:8080").unwrap().origin, "http://h.example:8080");
        for bad in ["ftp://x", "https://x/prefix", "https://u@x", "x.example", "https://x/?a=1"] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
        let all = Site::new("0.0.0.0:80".parse().unwrap(), None);
        assert!(all.host_ok("10.1.2.3") && all.host_ok("localhost") && !all.host_ok("attacker.example"));
    }
}
