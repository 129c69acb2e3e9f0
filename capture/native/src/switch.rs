//! Whether `heaplens.dump` walks natively: `enabled` and `set_enabled`.

use pyo3::prelude::*;

static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Whether `heaplens.dump` walks natively (state kept here, outside the Python heap, so
/// that switching walkers does not change the heap being compared).
#[pyfunction]
pub(crate) fn enabled() -> bool {
    ENABLED.load(std::sync::atomic::Ordering::Relaxed)
}

#[pyfunction]
pub(crate) fn set_enabled(on: bool) {
    ENABLED.store(on, std::sync::atomic::Ordering::Relaxed)
}
