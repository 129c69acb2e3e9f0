//! The partition page's data, which its views share (so it lives beside them; the page makes
//! it): the first page of the shown set (title, header, breadcrumbs, row count) and a cache
//! of its rows that fetches pages as views scroll to them.
//!
//! One [`PartitionData`] lives per page and is handed to whichever view is shown, so the
//! table (and later the treemap or graph) read the same rows without asking twice. Rows come
//! from `/partition?offset=&limit=`: [`PAGE_ROWS`] at a time for what is on screen (at most
//! [`MAX_IN_FLIGHT`] requests, always for what is visible *now*, so a fast scroll does not
//! queue up pages nobody looks at any more), or [`CHUNK_ROWS`] at a time when a view needs
//! every row (filtering, export).

use std::sync::Arc;

use heaplens_wire::{PartitionRow, PartitionView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, PAGE_ROWS};
use crate::route::partition::DataKey;

/// Rows per request when loading every row.
pub const CHUNK_ROWS: usize = 10_000;
/// Page requests for visible rows that may run at once.
pub const MAX_IN_FLIGHT: usize = 2;
const PAGE: usize = PAGE_ROWS as usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageState {
    Missing,
    Pending,
    Loaded,
}

/// The rows of one partition known so far (pure: no signals, host-tested).
#[derive(Debug, Clone, Default)]
pub struct RowStore {
    /// Which partition these rows belong to (`None` before the first answer).
    pub key: Option<DataKey>,
    /// Bumped on every reset: answers for an older generation are dropped.
    pub generation: u64,
    /// Rows in the whole partition.
    pub total: usize,
    /// Rows loaded so far.
    pub loaded: usize,
    rows: Vec<Option<PartitionRow>>,
    pages: Vec<PageState>,
    in_flight: usize,
    /// Whether a load of every row is running.
    pub loading_all: bool,
    /// The last failed page request (shown by the views; a later scroll retries).
    pub error: Option<ApiError>,
}

impl RowStore {
    /// Starts over for `key`, with `total` rows of which `rows` (from `offset`) are known.
    pub fn reset(&mut self, key: DataKey, total: usize, offset: usize, rows: Vec<PartitionRow>) {
        *self = Self {
            key: Some(key),
            generation: self.generation + 1,
            total,
            rows: vec![None; total],
            pages: vec![PageState::Missing; total.div_ceil(PAGE)],
            ..Self::default()
        };
        self.insert(offset, rows);
    }

    /// Forgets every row (the set could not be loaded).
    pub fn clear(&mut self, key: DataKey) {
        self.reset(key, 0, 0, Vec::new());
    }

    /// Adds rows `offset..offset + rows.len()` (rows beyond `total` are ignored).
    pub fn insert(&mut self, offset: usize, rows: Vec<PartitionRow>) {
        let end = offset.saturating_add(rows.len()).min(self.total);
        for (slot, row) in self.rows.iter_mut().skip(offset).zip(rows) {
            if slot.is_none() {
                self.loaded += 1;
            }
            *slot = Some(row);
        }
        if offset < end {
            for p in offset / PAGE..end.div_ceil(PAGE) {
                let range = p * PAGE..((p + 1) * PAGE).min(self.total);
                if self.rows[range].iter().all(Option::is_some) {
                    self.pages[p] = PageState::Loaded;
                }
            }
        }
    }

    /// Adds rows that each know their index (a filter's matches, scattered over the table).
    pub fn insert_indexed(&mut self, rows: Vec<PartitionRow>) {
        for row in rows {
            let i = row.index as usize;
            if i < self.total {
                self.insert(i, vec![row]);
            }
        }
    }

    /// Row `i`, if loaded.
    pub fn get(&self, i: usize) -> Option<&PartitionRow> {
        self.rows.get(i).and_then(Option::as_ref)
    }

    /// Every row is loaded.
    pub fn is_complete(&self) -> bool {
        self.loaded == self.total
    }

    /// Every loaded row with its index, in order.
    pub fn loaded_rows(&self) -> impl Iterator<Item = (usize, &PartitionRow)> {
        self.rows.iter().enumerate().filter_map(|(i, r)| r.as_ref().map(|r| (i, r)))
    }

    /// All rows, when every one is loaded.
    pub fn all_rows(&self) -> Option<Vec<PartitionRow>> {
        self.is_complete().then(|| self.rows.iter().flatten().cloned().collect())
    }

    /// The next page to fetch for rows `from..to` on screen: a missing page among them,
    /// nearest the middle first, else a missing neighbour page (read-ahead); `None` when
    /// they are all loaded or asked for, or [`MAX_IN_FLIGHT`] requests are running.
    pub fn next_page(&self, from: usize, to: usize) -> Option<usize> {
        if self.in_flight >= MAX_IN_FLIGHT || self.total == 0 {
            return None;
        }
        let to = to.min(self.total);
        if from >= to {
            return None;
        }
        let first = from / PAGE;
        let last = to.saturating_sub(1).max(from) / PAGE;
        let mid = (first + last) / 2;
        let mut visible: Vec<usize> = (first..=last.min(self.pages.len().saturating_sub(1))).collect();
        visible.sort_by_key(|p| p.abs_diff(mid));
        let ahead = [last + 1, first.wrapping_sub(1)];
        visible.into_iter().chain(ahead).find(|&p| self.pages.get(p) == Some(&PageState::Missing))
    }

    /// Marks page `p` as asked for.
    pub fn start_page(&mut self, p: usize) {
        if let Some(s) = self.pages.get_mut(p) {
            *s = PageState::Pending;
        }
        self.in_flight += 1;
    }

    /// Page `p`'s request ended: with its rows, or with an error (the page is missing again).
    pub fn finish_page(&mut self, p: usize, result: Result<(usize, Vec<PartitionRow>), ApiError>) {
        self.in_flight = self.in_flight.saturating_sub(1);
        match result {
            Ok((offset, rows)) => {
                self.insert(offset, rows);
                self.error = None;
            }
            Err(e) => {
                if let Some(s) = self.pages.get_mut(p) {
                    if *s == PageState::Pending {
                        *s = PageState::Missing;
                    }
                }
                self.error = Some(e);
            }
        }
    }

    /// The first row of the first chunk (of [`CHUNK_ROWS`]) that still has rows to load.
    pub fn next_chunk(&self) -> Option<usize> {
        let per_chunk = CHUNK_ROWS / PAGE;
        self.pages.iter().position(|&s| s != PageState::Loaded).map(|p| p / per_chunk * CHUNK_ROWS)
    }
}

/// The first page's answer, without its rows (they are in the [`RowStore`]).
pub type Head = (DataKey, Result<Arc<PartitionView>, ApiError>);

/// What the page shows, in three states; `Ready` carries no data so that views are not
/// rebuilt when the data changes (they read it reactively).
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Loading,
    Failed { error: ApiError, query: String },
    Ready,
}

/// The page's data, shared by every view (all signals: `Copy`).
#[derive(Clone, Copy)]
pub struct PartitionData {
    /// The first page's answer for the set shown: kept while the next set loads.
    pub head: RwSignal<Option<Head>>,
    /// A new set is being loaded.
    pub loading: RwSignal<bool>,
    /// The rows of the set in `head`.
    pub store: RwSignal<RowStore>,
    /// Rows `from..to` a view has on screen; pages for them are fetched.
    pub want: RwSignal<(usize, usize)>,
}

impl PartitionData {
    /// Loads the first page whenever `key` changes; fetches pages for `want` as it moves.
    pub fn new(key: Memo<DataKey>) -> Self {
        let data = Self {
            head: RwSignal::new(None),
            loading: RwSignal::new(false),
            store: RwSignal::new(RowStore::default()),
            want: RwSignal::new((0, 0)),
        };
        Effect::new(move |_| {
            let k = key.get();
            data.loading.set(true);
            spawn_local(async move {
                let res = api::partition(&k.snapshot, &k.query, &k.relation, 0, PAGE_ROWS).await;
                if key.try_get_untracked().as_ref() != Some(&k) {
                    return; // a newer set was asked for meanwhile
                }
                let head = match res {
                    Ok(mut v) => {
                        let rows = std::mem::take(&mut v.rows);
                        data.store.update(|s| s.reset(k.clone(), v.total_rows as usize, v.offset as usize, rows));
                        Ok(Arc::new(v))
                    }
                    Err(e) => {
                        data.store.update(|s| s.clear(k.clone()));
                        Err(e)
                    }
                };
                data.head.set(Some((k, head)));
                data.loading.set(false);
            });
        });
        Effect::new(move |_| {
            data.want.track();
            data.store.with(|s| s.generation);
            data.pump();
        });
        data
    }

    /// The page state for views: loading, failed or ready.
    pub fn status(self) -> Memo<Status> {
        Memo::new(move |_| {
            self.head.with(|h| match h {
                None => Status::Loading,
                Some((k, Err(error))) => Status::Failed { error: error.clone(), query: k.query.clone() },
                Some((_, Ok(_))) => Status::Ready,
            })
        })
    }

    /// The first page's view (title, header, breadcrumbs, totals), when loaded.
    pub fn view(self) -> Option<Arc<PartitionView>> {
        self.head.with(|h| h.as_ref().and_then(|(_, r)| r.as_ref().ok().cloned()))
    }

    /// Starts requests for missing pages of the rows on screen (see [`RowStore::next_page`]).
    pub fn pump(self) {
        loop {
            let (from, to) = self.want.get_untracked();
            let next = self.store.try_update_untracked(|s| {
                let p = s.next_page(from, to)?;
                s.start_page(p);
                Some((s.key.clone()?, s.generation, p))
            });
            let Some(Some((k, generation, p))) = next else { break };
            spawn_local(async move {
                let res = api::partition(&k.snapshot, &k.query, &k.relation, (p * PAGE) as u64, PAGE_ROWS).await;
                let applied = self.store.try_update(|s| {
                    if s.generation != generation {
                        return false;
                    }
                    s.finish_page(p, res.map(|v| (v.offset as usize, v.rows)));
                    true
                });
                if applied == Some(true) {
                    self.pump();
                }
            });
        }
    }

    /// Loads every row of the shown set, [`CHUNK_ROWS`] per request (one loader at a time;
    /// a second caller waits for the first). Fails when a request fails or the set changes.
    pub async fn load_all(self) -> Result<(), ApiError> {
        let Some(generation) = self.store.try_with_untracked(|s| s.generation) else { return Err(cancelled()) };
        // wait for another loader
        while self.store.try_with_untracked(|s| s.loading_all && s.generation == generation) == Some(true) {
            sleep_ms(100).await;
        }
        let claimed = self.store.try_update(|s| {
            if s.generation != generation {
                return false;
            }
            s.loading_all = true;
            true
        });
        if claimed != Some(true) {
            return Err(cancelled());
        }
        let outcome = loop {
            let Some((k, next, total)) = self.store.try_with_untracked(|s| (s.key.clone(), s.next_chunk(), s.total))
            else {
                break Err(cancelled());
            };
            let (Some(k), Some(start)) = (k, next) else { break Ok(()) };
            let limit = CHUNK_ROWS.min(total - start) as u64;
            let res = api::partition(&k.snapshot, &k.query, &k.relation, start as u64, limit).await;
            let same = self.store.try_update(|s| {
                if s.generation != generation {
                    return false;
                }
                if let Ok(v) = &res {
                    s.insert(v.offset as usize, v.rows.clone());
                }
                true
            });
            if same != Some(true) {
                break Err(cancelled());
            }
            if let Err(e) = res {
                break Err(e);
            }
        };
        self.store.try_update(|s| {
            if s.generation == generation {
                s.loading_all = false;
            }
        });
        outcome
    }
}

fn cancelled() -> ApiError {
    ApiError {
        status: None,
        code: "cancelled".into(),
        message: "The shown set changed before all its rows were loaded.".into(),
        position: None,
    }
}

/// Waits `ms` milliseconds (a `setTimeout` promise).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = crate::ui::js_future::await_promise(&promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey { snapshot: "s".into(), query: "heap".into(), relation: "id".into() }
    }

    fn rows(from: usize, n: usize) -> Vec<PartitionRow> {
        (from..from + n)
            .map(|i| PartitionRow {
                index: i as u32,
                count: 1,
                count_pct: 0,
                size: 16,
                size_pct: 0,
                cumulative: 16 * (i as u64 + 1),
                cumulative_pct: 0,
                label: format!("row {i}"),
                query: format!("heap.byid[{i}]"),
                addr: None,
            })
            .collect()
    }

    #[test]
    fn pages_are_fetched_for_what_is_visible_middle_first_then_read_ahead() {
        let mut s = RowStore::default();
        s.reset(key(), 100_000, 0, rows(0, PAGE));
        assert_eq!(s.loaded, PAGE);
        assert_eq!(s.next_page(0, 30), Some(1)); // visible loaded: read ahead
        assert_eq!(s.next_page(50_000, 50_030), Some(100));
        // a range over pages 1..=4: the middle one first, then its neighbours
        assert_eq!(s.next_page(2 * PAGE - 5, 4 * PAGE + 5), Some(2));
        s.start_page(2);
        assert_eq!(s.next_page(2 * PAGE - 5, 4 * PAGE + 5), Some(1));
        s.start_page(1);
        // two requests running: no third
        assert_eq!(s.next_page(70_000, 70_030), None);
        s.finish_page(2, Ok((2 * PAGE, rows(2 * PAGE, PAGE))));
        assert_eq!(s.next_page(2 * PAGE - 5, 4 * PAGE + 5), Some(3));
        // a failure makes the page missing again and keeps the error
        s.finish_page(1, Err(cancelled()));
        assert!(s.error.is_some());
        assert_eq!(s.next_page(PAGE, PAGE + 10), Some(1));
    }

    #[test]
    fn the_last_short_page_and_out_of_range_asks() {
        let mut s = RowStore::default();
        s.reset(key(), 1234, 0, rows(0, PAGE));
        s.insert(1000, rows(1000, 234));
        assert!(s.get(1233).is_some());
        assert_eq!(s.next_page(1200, 5000), Some(1)); // all of page 2 loaded: read behind
        s.insert(500, rows(500, 500));
        assert!(s.is_complete());
        assert_eq!(s.next_page(0, 5000), None);
        assert_eq!(s.all_rows().unwrap().len(), 1234);
        // rows past the end are ignored, inserting twice counts once
        s.insert(1200, rows(1200, 100));
        assert_eq!(s.loaded, 1234);
        assert_eq!(s.next_page(10, 10), None); // nothing on screen: nothing to fetch
        let mut e = RowStore::default();
        e.reset(key(), 0, 0, Vec::new());
        assert_eq!(e.next_page(0, 10), None);
        assert!(e.is_complete());
        assert_eq!(e.next_chunk(), None);
    }

    #[test]
    fn chunks_skip_loaded_rows() {
        let mut s = RowStore::default();
        s.reset(key(), 25_000, 0, rows(0, PAGE));
        assert_eq!(s.next_chunk(), Some(0));
        s.insert(0, rows(0, CHUNK_ROWS));
        assert_eq!(s.next_chunk(), Some(CHUNK_ROWS));
        s.insert(2 * CHUNK_ROWS, rows(2 * CHUNK_ROWS, 5000));
        assert_eq!(s.next_chunk(), Some(CHUNK_ROWS));
        s.insert(CHUNK_ROWS, rows(CHUNK_ROWS, CHUNK_ROWS));
        assert_eq!(s.next_chunk(), None);
        assert!(s.is_complete());
        let labels: Vec<usize> = s.loaded_rows().map(|(i, _)| i).take(3).collect();
        assert_eq!(labels, vec![0, 1, 2]);
    }
}
