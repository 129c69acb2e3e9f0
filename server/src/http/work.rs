//! Every analysis a request runs is bounded: a time budget (`--work-budget`, answered 503
//! `budget_exceeded` naming it) and cancellation when the client goes away (the request's
//! future is dropped, and the engine's `work::check` unwinds the analysis within
//! milliseconds, freeing its worker). [`scope`] is the middleware that hands the budget and
//! the server's [`WorkStats`] to [`crate::http::blocking::blocking`] (a task-local value
//! for the request); `GET /api/status` reports them.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The budget of one analysis when the server is not told otherwise.
pub const DEFAULT_WORK_BUDGET: Duration = Duration::from_secs(20);

/// The work budget a server was started with (`--work-budget`): a request extension.
#[derive(Debug, Clone, Copy)]
pub struct WorkBudget(pub Duration);

/// Counts of the analyses one server ran (one per router), and the slots they run in.
#[derive(Debug)]
pub struct WorkStats {
    pub running: AtomicU64,
    pub done: AtomicU64,
    pub cancelled: AtomicU64,
    pub over_budget: AtomicU64,
    /// Analyses run at most this many at a time (one per core, at least two): more would only
    /// share the cores and multiply the memory each holds; the others wait their turn (and
    /// one whose client leaves meanwhile never runs).
    pub slots: tokio::sync::Semaphore,
    /// Analyses waiting for a slot now.
    pub waiting: AtomicU64,
}

/// Analyses that run at the same time: the cores, at least two.
pub fn analysis_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).max(2)
}

impl Default for WorkStats {
    fn default() -> WorkStats {
        WorkStats {
            running: AtomicU64::new(0),
            done: AtomicU64::new(0),
            cancelled: AtomicU64::new(0),
            over_budget: AtomicU64::new(0),
            slots: tokio::sync::Semaphore::new(analysis_slots()),
            waiting: AtomicU64::new(0),
        }
    }
}

/// What [`crate::http::blocking::blocking`] needs from the request it runs for.
pub struct WorkScope {
    pub budget: Duration,
    pub stats: Arc<WorkStats>,
}

tokio::task_local! {
    pub static SCOPE: Arc<WorkScope>;
}

/// Middleware: runs the request with its [`WorkScope`] (the [`WorkBudget`] extension, else
/// [`DEFAULT_WORK_BUDGET`]).
pub async fn scope(State(stats): State<Arc<WorkStats>>, req: Request, next: Next) -> Response {
    let budget = req.extensions().get::<WorkBudget>().map_or(DEFAULT_WORK_BUDGET, |b| b.0);
    SCOPE.scope(Arc::new(WorkScope { budget, stats }), next.run(req)).await
}

/// Counts one analysis as running until dropped (when its worker is free again).
pub struct Running(pub Arc<WorkStats>);

impl Running {
    pub fn start(stats: Arc<WorkStats>) -> Running {
        stats.running.fetch_add(1, Ordering::Relaxed);
        Running(stats)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::Relaxed);
        self.0.done.fetch_add(1, Ordering::Relaxed);
    }
}
