//! The table's retained column: the retained size (heapy's `domisize`) of the rows on
//! screen, asked of the server as they scroll into view, one request at a time (a row of a
//! big heap can take a while), and kept for the table shown.
//!
//! Every request belongs to one [`Table`]: the partition, which load of it and its row count.
//! Nothing is asked while the page's URL names another set than the rows shown (a drill or a
//! relation change whose first page has not arrived yet: the row indexes on screen are the old
//! table's), rows past the table's end are never asked for, and an answer for a table that is
//! no longer shown is dropped.

use std::collections::HashMap;

use heaplens_wire::RetainedView;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::route::partition::DataKey;

/// Rows asked for in one request.
const BATCH: usize = 60;

/// The table a retained request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub key: DataKey,
    /// The row store's generation: one load of the set (see `views::data::RowStore`).
    pub generation: u64,
    /// Rows in the table: indexes from here on are not asked for.
    pub rows: usize,
}

/// Retained sizes known for one table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetainedStore {
    pub table: Option<Table>,
    pub sizes: HashMap<usize, u64>,
    /// The last request failed: its message (shown in the column header's title).
    pub error: Option<String>,
}

impl RetainedStore {
    /// The next rows of `table` to ask for among `visible` (at most [`BATCH`]): none after a
    /// failure, when the store is for another table, or when all are known.
    pub fn missing(&self, table: &Table, visible: &[usize]) -> Vec<usize> {
        if self.error.is_some() || self.table.as_ref() != Some(table) {
            return Vec::new();
        }
        visible.iter().copied().filter(|&i| i < table.rows && !self.sizes.contains_key(&i)).take(BATCH).collect()
    }

    /// Keeps the answer of a request made for `table`, unless the store moved on to another.
    pub fn accept(&mut self, table: &Table, res: Result<RetainedView, ApiError>) {
        if self.table.as_ref() != Some(table) {
            return; // asked for a table no longer shown
        }
        match res {
            Ok(v) => self
                .sizes
                .extend(v.rows.iter().map(|r| (r.index as usize, r.retained)).filter(|&(i, _)| i < table.rows)),
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

/// The column's state: `sizes` fill in as answers arrive for the rows in `visible`.
#[derive(Clone, Copy)]
pub struct RetainedData {
    pub store: RwSignal<RetainedStore>,
    /// The table whose request is running (another table's may start meanwhile).
    in_flight: RwSignal<Option<Table>>,
}

impl RetainedData {
    /// Asks for the retained sizes of the `visible` row indexes of `table`, the table shown
    /// (`None` while the rows shown are not those of the set the page asks for).
    pub fn new(table: Memo<Option<Table>>, visible: Memo<Vec<usize>>) -> Self {
        let data = Self { store: RwSignal::new(RetainedStore::default()), in_flight: RwSignal::new(None) };
        Effect::new(move |_| {
            let Some(t) = table.get() else { return };
            if data.store.with_untracked(|s| s.table.as_ref() != Some(&t)) {
                data.store.set(RetainedStore { table: Some(t), ..Default::default() });
            }
        });
        Effect::new(move |_| {
            let Some(t) = table.get() else { return };
            if data.in_flight.with(|f| f.as_ref() == Some(&t)) {
                return;
            }
            let missing = data.store.with(|s| visible.with(|v| s.missing(&t, v)));
            if missing.is_empty() {
                return;
            }
            data.in_flight.set(Some(t.clone()));
            spawn_local(async move {
                let res = api::retained(&t.key.snapshot, &t.key.query, &t.key.relation, &missing).await;
                data.store.try_update(|s| s.accept(&t, res));
                data.in_flight.try_update(|f| {
                    if f.as_ref() == Some(&t) {
                        *f = None;
                    }
                });
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

#[cfg(test)]
mod tests {
    use heaplens_wire::RetainedRow;

    use super::*;

    fn table(query: &str, generation: u64, rows: usize) -> Table {
        Table { key: DataKey { snapshot: "s".into(), query: query.into(), relation: "type".into() }, generation, rows }
    }

    fn answer(rows: &[usize]) -> Result<RetainedView, ApiError> {
        let rows = rows.iter().map(|&i| RetainedRow { index: i as u64, retained: 100 + i as u64 }).collect();
        Ok(RetainedView { snapshot: "s".into(), query: "q".into(), relation: "type".into(), heap_size: 1000, rows })
    }

    #[test]
    fn only_the_shown_tables_rows_are_asked_for() {
        let big = table("heap", 1, 500);
        let small = table("heap.bytype[0]", 2, 1);
        let on_screen: Vec<usize> = (0..39).collect();
        let mut s = RetainedStore { table: Some(big.clone()), ..Default::default() };
        assert_eq!(s.missing(&big, &on_screen), on_screen);
        // the store is for the big table: nothing is asked for the small one
        assert!(s.missing(&small, &on_screen).is_empty());
        // the old table's rows still on screen are clamped to the new table's one row
        s = RetainedStore { table: Some(small.clone()), ..Default::default() };
        assert_eq!(s.missing(&small, &on_screen), vec![0]);
        // another load of the same set is another table
        assert!(s.missing(&table("heap.bytype[0]", 3, 1), &[0]).is_empty());
    }

    #[test]
    fn an_answer_for_an_old_table_is_dropped() {
        let big = table("heap", 1, 500);
        let small = table("heap.bytype[0]", 2, 1);
        let mut s = RetainedStore { table: Some(small.clone()), ..Default::default() };
        s.accept(&big, answer(&[0, 1, 2]));
        s.accept(&big, Err(ApiError { status: Some(400), code: "bad".into(), message: "rows".into(), position: None }));
        assert!(s.sizes.is_empty() && s.error.is_none());
        s.accept(&small, answer(&[0, 5]));
        assert_eq!(s.sizes, HashMap::from([(0, 100)]));
        assert!(s.missing(&small, &[0]).is_empty());
    }
}
