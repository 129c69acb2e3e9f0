//! The table's retained column: the retained size (heapy's `domisize`) of the rows on
//! screen, asked of the server as they scroll into view, one request at a time (a row of a
//! big heap can take a while), and kept for the partition shown.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::route::partition::DataKey;

/// Rows asked for in one request.
const BATCH: usize = 60;

/// Retained sizes known for one partition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetainedStore {
    pub key: Option<DataKey>,
    pub sizes: HashMap<usize, u64>,
    /// The last request failed: its message (shown in the column header's title).
    pub error: Option<String>,
}

/// The column's state: `sizes` fill in as answers arrive for the rows in `visible`.
#[derive(Clone, Copy)]
pub struct RetainedData {
    pub store: RwSignal<RetainedStore>,
    in_flight: RwSignal<bool>,
}

impl RetainedData {
    /// Asks for the retained sizes of `visible` row indexes of the partition `key`.
    pub fn new(key: Memo<DataKey>, visible: Memo<Vec<usize>>) -> Self {
        let data = Self { store: RwSignal::new(RetainedStore::default()), in_flight: RwSignal::new(false) };
        Effect::new(move |_| {
            let k = key.get();
            if data.store.with_untracked(|s| s.key.as_ref() != Some(&k)) {
                data.store.set(RetainedStore { key: Some(k), ..Default::default() });
            }
        });
        Effect::new(move |_| {
            if data.in_flight.get() {
                return;
            }
            let k = key.get();
            let missing = data.store.with(|s| {
                if s.error.is_some() || s.key.as_ref() != Some(&k) {
                    return Vec::new();
                }
                visible.with(|v| v.iter().copied().filter(|i| !s.sizes.contains_key(i)).take(BATCH).collect())
            });
            if missing.is_empty() {
                return;
            }
            data.in_flight.set(true);
            spawn_local(async move {
                let res = api::retained(&k.snapshot, &k.query, &k.relation, &missing).await;
                data.store.update(|s| {
                    if s.key.as_ref() != Some(&k) {
                        return; // the table moved on to another partition meanwhile
                    }
                    match res {
                        Ok(v) => s.sizes.extend(v.rows.iter().map(|r| (r.index as usize, r.retained))),
                        Err(e) => s.error = Some(e.to_string()),
                    }
                });
                data.in_flight.set(false);
            });
        });
        data
    }

    /// Row `index`'s retained size, once known (tracked).
    pub fn get(&self, index: usize) -> Option<u64> {
        self.store.with(|s| s.sizes.get(&index).copied())
    }

    /// Why the column is empty, if a request failed (tracked).
    pub fn error(&self) -> Option<String> {
        self.store.with(|s| s.error.clone())
    }
}
