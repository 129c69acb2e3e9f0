//! Runs the engine off the async threads: every handler's work on a heap goes through
//! [`blocking`], which bounds it (the request's work budget, cancellation when the client
//! goes away: [`super::work`]) and turns a failed task into the API's error.

use crate::http::error::ApiError;
use crate::http::work::{Running, WorkStats, DEFAULT_WORK_BUDGET, SCOPE};
use axum::http::StatusCode;
use heaplens_engine::work::{self, Stop, Work};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Cancels the work when the request's future is dropped before the answer (the client
/// went away); harmless after it.
struct CancelOnDrop(Arc<Work>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Counts a request as waiting for an analysis slot until dropped (it got one, or left).
struct Waiting<'a>(&'a std::sync::atomic::AtomicU64);

impl<'a> Waiting<'a> {
    fn start(n: &'a std::sync::atomic::AtomicU64) -> Waiting<'a> {
        n.fetch_add(1, Ordering::Relaxed);
        Waiting(n)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Runs `f` with `spawn_blocking`, in one of the server's analysis slots, under the
/// request's work budget: `f`'s value, or its own error converted into the API's; 503
/// `budget_exceeded` (naming the budget) when the engine stopped it for running too long;
/// 500 naming `what` when it panicked.
pub async fn blocking<T, E>(what: &str, f: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let (budget, stats) = SCOPE
        .try_with(|s| (s.budget, s.stats.clone()))
        .unwrap_or_else(|_| (DEFAULT_WORK_BUDGET, Arc::new(WorkStats::default())));
    // wait for a slot (a request whose client leaves meanwhile is dropped here, never run)
    let slot = {
        let _waiting = Waiting::start(&stats.waiting);
        stats.slots.acquire().await
    };
    let _slot = slot.map_err(|e| ApiError::internal(e.to_string()))?;
    // the budget counts from here: waiting for a slot is not work
    let w = Work::new(budget);
    let _cancel = CancelOnDrop(w.clone());
    let counted = stats.clone();
    let done = tokio::task::spawn_blocking(move || {
        let _running = Running::start(counted.clone());
        let r = work::run(w, f);
        // counted here: a cancelled request's future is gone, nobody awaits this
        match &r {
            Err(Stop::Budget(_)) => counted.over_budget.fetch_add(1, Ordering::Relaxed),
            Err(Stop::Cancelled) => counted.cancelled.fetch_add(1, Ordering::Relaxed),
            Ok(_) => 0,
        };
        r
    })
    .await
    .map_err(|e| ApiError::internal(format!("{what} task failed: {e}")))?;
    match done {
        Ok(r) => r.map_err(Into::into),
        Err(Stop::Budget(b)) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "budget_exceeded",
            format!(
                "the {what} query ran longer than the work budget of {} s and was stopped: \
                     ask for a smaller set (or start the server with a larger --work-budget)",
                b.as_secs_f64()
            ),
        )),
        Err(Stop::Cancelled) => {
            Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "cancelled", format!("the {what} query was cancelled")))
        }
    }
}
