//! The one JSON error envelope of the API and the mapping from engine errors to it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use heaplens_engine::{FormatError, QueryError};
use heaplens_wire::{ErrorBody, ErrorEnvelope};

/// An API error: an HTTP status and the envelope's code, message and query position.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub position: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), position: None }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_query",
            message: e.to_string(),
            position: Some(e.position as u32),
        }
    }
}

impl From<FormatError> for ApiError {
    fn from(e: FormatError) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_snapshot", e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorEnvelope {
            error: ErrorBody { code: self.code.to_owned(), message: self.message, position: self.position },
        };
        (self.status, Json(body)).into_response()
    }
}
