//! Runs the engine off the async threads: every handler's work on a heap goes through
//! [`blocking`], which turns a failed task into the API's internal error.

use crate::http::error::ApiError;

/// Runs `f` with `spawn_blocking`; a task that panicked or was cancelled is answered 500
/// naming `what` (`"partition task failed: ..."`), `f`'s own error converted into the API's.
pub async fn blocking<T, E>(what: &str, f: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("{what} task failed: {e}")))?
        .map_err(Into::into)
}
