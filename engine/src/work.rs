//! Stopping a long analysis from outside: a [`Work`] (a cancel flag and a time budget) that
//! the caller installs for one computation with [`run`], and [`check`], which the engine's
//! long loops call. When the work is cancelled or over its budget, `check` unwinds (with
//! `resume_unwind`, so no panic message is printed) out of whatever analysis is running,
//! and `run` returns the reason as a [`Stop`]. Without an installed `Work` (the CLI, tests,
//! background indexing) `check` costs a counter increment and never stops anything.
//!
//! Unwinding is the cancellation the query engines of rust-analyzer (salsa's `Cancelled`)
//! use: no analysis needs a `Result` in its signature to be stoppable, and what an unwound
//! analysis was building is dropped (a `OnceLock` left half-built stays empty).

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often (in calls of [`check`]) the clock and the flag are read.
const EVERY: u32 = 1024;

/// One computation's stop conditions, shared with whoever may cancel it.
#[derive(Debug)]
pub struct Work {
    cancelled: AtomicBool,
    started: Instant,
    budget: Duration,
}

/// Why a computation stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// [`Work::cancel`] was called (the client went away).
    Cancelled,
    /// The computation ran longer than its budget.
    Budget(Duration),
}

impl Work {
    /// Work allowed to run for `budget` from now.
    pub fn new(budget: Duration) -> Arc<Work> {
        Arc::new(Work { cancelled: AtomicBool::new(false), started: Instant::now(), budget })
    }

    /// Stops the computation at its next [`check`].
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the computation should stop now, and why.
    pub fn stop(&self) -> Option<Stop> {
        if self.cancelled.load(Ordering::Relaxed) {
            Some(Stop::Cancelled)
        } else if self.started.elapsed() > self.budget {
            Some(Stop::Budget(self.budget))
        } else {
            None
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Work>>> = const { RefCell::new(None) };
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

/// The unwinding payload of a stopped computation.
struct Stopped(Stop);

/// Called by the engine's long loops: unwinds out of the computation when the installed
/// [`Work`] was cancelled or is over its budget (read every [`EVERY`] calls).
#[inline]
pub fn check() {
    let n = CALLS.with(|c| {
        let n = c.get().wrapping_add(1);
        c.set(n);
        n
    });
    if n.is_multiple_of(EVERY) {
        check_now();
    }
}

/// [`check`] without the counter: reads the flag and the clock now.
pub fn check_now() {
    let stop = CURRENT.with(|c| c.borrow().as_ref().and_then(|w| w.stop()));
    if let Some(s) = stop {
        resume_unwind(Box::new(Stopped(s)));
    }
}

/// Runs `f` with `work` installed on this thread: its result, or why it stopped. A panic
/// of `f` that is not a stop goes on unwinding (the caller's own handling sees it).
pub fn run<T>(work: Arc<Work>, f: impl FnOnce() -> T) -> Result<T, Stop> {
    struct Uninstall(Option<Arc<Work>>);
    impl Drop for Uninstall {
        fn drop(&mut self) {
            let prev = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = prev);
        }
    }
    let prev = CURRENT.with(|c| c.borrow_mut().replace(work));
    let _restore = Uninstall(prev);
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Ok(v),
        Err(payload) => match payload.downcast::<Stopped>() {
            Ok(s) => Err(s.0),
            Err(other) => resume_unwind(other),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spin(n: u64) -> u64 {
        let mut x = 0u64;
        for i in 0..n {
            check();
            x = x.wrapping_add(i);
        }
        x
    }

    #[test]
    fn without_work_nothing_stops() {
        assert_eq!(spin(10_000), (0..10_000u64).sum::<u64>());
    }

    #[test]
    fn a_budget_stops_a_long_loop() {
        let w = Work::new(Duration::from_millis(20));
        let t = Instant::now();
        assert_eq!(run(w, || spin(u64::MAX)), Err(Stop::Budget(Duration::from_millis(20))));
        assert!(t.elapsed() < Duration::from_secs(5));
        // the thread is clean afterwards
        assert_eq!(spin(100), (0..100u64).sum::<u64>());
    }

    #[test]
    fn cancel_from_another_thread() {
        let w = Work::new(Duration::from_secs(3600));
        let w2 = w.clone();
        let h = std::thread::spawn(move || run(w2, || spin(u64::MAX)));
        std::thread::sleep(Duration::from_millis(30));
        w.cancel();
        assert_eq!(h.join().unwrap(), Err(Stop::Cancelled));
    }

    #[test]
    fn a_finished_computation_returns_its_value_and_other_panics_go_on() {
        assert_eq!(run(Work::new(Duration::from_secs(60)), || spin(5)), Ok(10));
        let r = std::panic::catch_unwind(|| run(Work::new(Duration::from_secs(60)), || panic!("boom")));
        assert!(r.is_err());
    }
}
