//! The URL is the state: which snapshot, which set (query) and which relation are shown.
//!
//! `/s/:id?q=QUERY&by=RELATION` ↔ [`PartitionRoute`]. Views read the route through
//! [`use_partition_route`] and change it only by navigating to [`PartitionRoute::href`],
//! so reload, pasted URLs and back/forward all show the same view.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::encode;

/// Query selecting the whole heap (heapy's `hp.heap()`).
pub const DEFAULT_QUERY: &str = "heap";
/// heapy's default partition: Kind (class / dict of class).
pub const DEFAULT_RELATION: &str = "clodo";

/// What the partition page shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartitionRoute {
    pub snapshot: String,
    pub query: String,
    pub relation: String,
}

impl PartitionRoute {
    /// The whole heap of a snapshot, partitioned the default way.
    pub fn root(snapshot: &str) -> Self {
        Self { snapshot: snapshot.to_owned(), query: DEFAULT_QUERY.to_owned(), relation: DEFAULT_RELATION.to_owned() }
    }

    /// Same snapshot and relation, another set.
    pub fn with_query(&self, query: &str) -> Self {
        Self { query: query.to_owned(), ..self.clone() }
    }

    /// Same snapshot and set, another relation.
    pub fn with_relation(&self, relation: &str) -> Self {
        Self { relation: relation.to_owned(), ..self.clone() }
    }

    /// The app URL that shows this state.
    pub fn href(&self) -> String {
        format!("/s/{}?q={}&by={}", encode(&self.snapshot), encode(&self.query), encode(&self.relation))
    }
}

fn non_empty(v: Option<String>, default: &str) -> String {
    match v {
        Some(s) if !s.trim().is_empty() => s,
        _ => default.to_owned(),
    }
}

/// The current route's state, as a memo that changes only when the URL does.
pub fn use_partition_route() -> Memo<PartitionRoute> {
    let params = use_params_map();
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        PartitionRoute {
            snapshot: params.read().get("id").unwrap_or_default(),
            query: non_empty(q.get("q"), DEFAULT_QUERY),
            relation: non_empty(q.get("by"), DEFAULT_RELATION),
        }
    })
}

/// Whether a click on a table row should navigate: a plain left click that did not land
/// on a link (links navigate by themselves) and did not end a text selection.
pub fn is_plain_row_click(ev: &web_sys::MouseEvent) -> bool {
    use wasm_bindgen::JsCast;
    if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
        return false;
    }
    let on_link = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a").ok().flatten())
        .is_some();
    let selecting =
        web_sys::window().and_then(|w| w.get_selection().ok().flatten()).map(|s| !s.is_collapsed()).unwrap_or(false);
    !on_link && !selecting
}

/// Sets the browser tab's title.
pub fn set_document_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(title);
    }
}
