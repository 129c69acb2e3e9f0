//! `GET /api/status`: the work limits and counts of analyses ([`super::work`]) and the
//! answer cache's hit rate and size over the loaded heaps ([`super::answers`]).

use crate::http::answers::{AnswerCache, AnswerStats, MAX_BYTES_PER_HEAP};
use crate::http::work::{WorkStats, DEFAULT_WORK_BUDGET, SCOPE};
use crate::store::Store;
use axum::extract::State;
use axum::Json;
use heaplens_wire::{AnswerCacheStatus, ServerStatus};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// What the status route reads.
#[derive(Clone)]
pub struct StatusState {
    pub store: Arc<Store>,
    pub work: Arc<WorkStats>,
    pub answers: Arc<AnswerStats>,
}

pub async fn get_status(State(s): State<StatusState>) -> Json<ServerStatus> {
    let budget = SCOPE.try_with(|w| w.budget).unwrap_or(DEFAULT_WORK_BUDGET);
    let mut answers = AnswerCacheStatus {
        hits: s.answers.hits.load(Ordering::Relaxed),
        misses: s.answers.misses.load(Ordering::Relaxed),
        max_bytes_per_heap: MAX_BYTES_PER_HEAP as u64,
        ..Default::default()
    };
    for id in s.store.loaded_ids() {
        if let Some(l) = s.store.peek(&id) {
            let (entries, bytes) = l.caches.get::<AnswerCache>().size();
            answers.entries += entries;
            answers.bytes += bytes;
        }
    }
    Json(ServerStatus {
        work_budget_s: budget.as_secs_f64(),
        analysis_slots: crate::http::work::analysis_slots() as u64,
        analyses_running: s.work.running.load(Ordering::Relaxed),
        analyses_waiting: s.work.waiting.load(Ordering::Relaxed),
        analyses_done: s.work.done.load(Ordering::Relaxed),
        analyses_cancelled: s.work.cancelled.load(Ordering::Relaxed),
        analyses_over_budget: s.work.over_budget.load(Ordering::Relaxed),
        cold_loads: s.store.cold_loads.load(Ordering::Relaxed),
        answers,
    })
}
