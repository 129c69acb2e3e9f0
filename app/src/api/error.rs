//! The app's one error type for HTTP calls: the server's [`ErrorEnvelope`] message when it sent
//! one, else what went wrong on this side (no answer, an answer that is not the wire type).

use std::fmt;

use heaplens_wire::ErrorEnvelope;
use wasm_bindgen::JsValue;

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
    pub(super) fn network(err: gloo_net::Error) -> Self {
        Self {
            status: None,
            code: "network".into(),
            message: format!("Could not reach the heaplens server: {err}"),
            position: None,
        }
    }

    pub(super) fn browser(what: &str, err: JsValue) -> Self {
        let detail =
            err.as_string().or_else(|| js_sys::JSON::stringify(&err).ok().map(String::from)).unwrap_or_default();
        Self { status: None, code: "network".into(), message: format!("{what} {detail}"), position: None }
    }

    pub(super) fn bad_response(status: u16, what: impl fmt::Display) -> Self {
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

/// The error of a non-2xx answer: the server's envelope when the body is one.
pub(super) fn error_from_body(status: u16, body: &str, status_text: &str) -> ApiError {
    match serde_json::from_str::<ErrorEnvelope>(body) {
        Ok(env) => ApiError {
            status: Some(status),
            code: env.error.code,
            message: env.error.message,
            position: env.error.position,
        },
        Err(_) => {
            let mut text: String = body.chars().take(200).collect();
            if text.trim().is_empty() {
                text = status_text.to_owned();
            }
            ApiError::bad_response(status, text)
        }
    }
}
