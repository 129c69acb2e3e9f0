//! Extractors for the parameters most routes share, so a handler names what it takes and
//! never parses it: [`Params`] (a route's own query parameters; a bad one is answered
//! `bad query parameters: ...`), [`Snap`] (the snapshot of `{id}`, or 404), [`SetQuery`] (`q`,
//! the set, default `heap`), [`By`] (`by`, the relation), [`Paging`] (`offset` and `limit`
//! with a default and a maximum: larger values are clamped to it, never refused), [`JsonBody`]
//! (a JSON request body of at most [`JSON_BODY_MAX`] bytes: 413 beyond, 400 when it does not
//! parse).

use crate::http::error::ApiError;
use crate::state::{AppState, JSON_BODY_MAX, OFFSET_MAX, ROWS_MAX};
use crate::store::Loaded;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, Path, Query as QueryParams, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use heaplens_engine::{Query, QueryError, Relation};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A route's own query parameters (`T`, serde); unknown ones are ignored.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        QueryParams::<T>::from_request_parts(parts, state)
            .await
            .map(|QueryParams(p)| Params(p))
            .map_err(|e| bad_parameters(e.body_text()))
    }
}

/// The 400 of a parameter that does not parse.
pub fn bad_parameters(what: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("bad query parameters: {what}"))
}

/// The snapshot a route's `{id}` names, loaded (again) if it was unloaded; 404 if none.
pub struct Snap {
    pub id: String,
    pub snap: Arc<Loaded>,
}

impl FromRequestParts<AppState> for Snap {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Path(mut path) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        let id = path.remove("id").ok_or_else(|| ApiError::internal("route without {id}"))?;
        let snap = state.loaded(&id).await?;
        Ok(Snap { id, snap })
    }
}

#[derive(Deserialize)]
struct SetParam {
    q: Option<String>,
}

/// `q`: the query of the set a route is about (default `heap`), parsed.
pub struct SetQuery(pub Query);

impl<S: Send + Sync> FromRequestParts<S> for SetQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Params(SetParam { q }) = Params::from_request_parts(parts, state).await?;
        Ok(SetQuery(parse_set_query(q.as_deref())?))
    }
}

/// Parses a query parameter's text (`heap` when it is absent).
pub fn parse_set_query(text: Option<&str>) -> Result<Query, ApiError> {
    parse_query(text.unwrap_or("heap"))
}

/// Parses a query; the error's message can be prefixed with the parameter's name by the caller.
pub fn parse_query(text: &str) -> Result<Query, ApiError> {
    Ok(Query::parse(text)?)
}

#[derive(Deserialize)]
struct ByParam {
    by: Option<String>,
}

/// `by`: the relation asked for, resolved against a query with [`By::resolve`].
pub struct By(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for By {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Params(ByParam { by }) = Params::from_request_parts(parts, state).await?;
        Ok(By(by))
    }
}

impl By {
    /// `by` if given, else the query's trailing `.byX`, else clodo (see [`resolve_relation`]).
    pub fn resolve(&self, query: &Query) -> Result<Relation, ApiError> {
        Ok(resolve_relation(query, self.0.as_deref())?)
    }
}

/// Resolves the relation to show: `by` if given, else the query's trailing `.byX`, else clodo.
pub fn resolve_relation(query: &Query, by: Option<&str>) -> Result<Relation, QueryError> {
    match by {
        Some(name) => Relation::parse(name).ok_or_else(|| QueryError {
            position: 0,
            message: format!(
                "unknown relation {name:?}; known: {}",
                Relation::ALL.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
            ),
        }),
        None => Ok(query.view.unwrap_or(Relation::Clodo)),
    }
}

#[derive(Deserialize)]
struct PagingParams {
    offset: Option<usize>,
    limit: Option<usize>,
}

/// `offset` (default 0, at most [`OFFSET_MAX`]) and `limit` (default `DEFAULT`, larger values
/// clamped to `MAX`, by default [`ROWS_MAX`]): a page never asks for more than the maximum.
pub struct Paging<const DEFAULT: usize, const MAX: usize = ROWS_MAX> {
    pub offset: usize,
    pub limit: usize,
}

impl<const DEFAULT: usize, const MAX: usize, S: Send + Sync> FromRequestParts<S> for Paging<DEFAULT, MAX> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Params(PagingParams { offset, limit }) = Params::from_request_parts(parts, state).await?;
        Ok(Paging { offset: offset.unwrap_or(0).min(OFFSET_MAX), limit: limit.unwrap_or(DEFAULT).min(MAX) })
    }
}

/// A JSON request body (`T`, serde) of at most [`JSON_BODY_MAX`] bytes (the route table sets
/// that limit): a larger one is answered 413, one that does not parse 400, in the envelope.
/// As an `Option`, a request without a `Content-Type` has no body.
pub struct JsonBody<T>(pub T);

fn json_rejection(e: JsonRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is larger than this server's limit of {JSON_BODY_MAX} bytes"),
        )
    } else {
        ApiError::bad_request(format!("bad request body: {}", e.body_text()))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(body) = <Json<T> as FromRequest<S>>::from_request(req, state).await.map_err(json_rejection)?;
        Ok(JsonBody(body))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> OptionalFromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, ApiError> {
        let body = <Json<T> as OptionalFromRequest<S>>::from_request(req, state).await.map_err(json_rejection)?;
        Ok(body.map(|Json(b)| JsonBody(b)))
    }
}
