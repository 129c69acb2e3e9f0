//! The table view: heapy's partition table with a label filter, keyboard navigation and
//! exports (copy as heapy text, CSV, JSON).
//!
//! Keys (when not typing in a field): `/` focuses the filter (Escape leaves it), ArrowUp /
//! ArrowDown (and PageUp/PageDown/Home/End) move the selected row, Enter drills into it,
//! Backspace goes up one breadcrumb and selects the row we came from.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::route::partition::DataKey;
use crate::ui::format::grouped;
use crate::views::partition::export::{label_matches, needle};
use crate::views::partition::export_buttons::ExportButtons;
use crate::views::partition::filter_box::FilterBox;
use crate::views::partition::virtual_table::{PartitionTable, RowList, HEAD_H, ROW_H};
use crate::views::ViewCtx;

/// Tables up to this many rows are filtered in the page (every row is loaded once); longer
/// ones ask the server, which labels and matches the rows itself.
const CLIENT_FILTER_MAX: usize = 50_000;
/// Matching rows the server sends for a filter of a long table.
const SERVER_FILTER_ROWS: u64 = 20_000;

/// The server's answer to a filter of a long table: for which needle and set, the indices of
/// the first matches, and how many rows match in all.
#[derive(Debug, Clone, PartialEq)]
struct ServerHits {
    needle: String,
    generation: u64,
    indices: Arc<Vec<u32>>,
    matched: u64,
}

/// The table view for the page's view list.
pub fn render(ctx: ViewCtx) -> AnyView {
    view! { <TableView ctx/> }.into_any()
}

/// The index of the row of `parent` (partitioned by `relation`) whose set is `child`, when
/// `child` is heapy's row query `PARENT.byRELATION[N]`.
pub fn child_row_index(parent: &str, relation: &str, child: &str) -> Option<usize> {
    child
        .strip_prefix(parent)?
        .strip_prefix(".by")?
        .strip_prefix(relation)?
        .strip_prefix('[')?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// Whether keys typed now go into a text field (or a select, which uses arrows itself).
fn typing_in_field(el: Option<&web_sys::Element>) -> bool {
    let Some(el) = el else { return false };
    let tag = el.tag_name().to_ascii_lowercase();
    let editable = el.dyn_ref::<web_sys::HtmlElement>().is_some_and(|h| h.is_content_editable());
    editable || matches!(tag.as_str(), "input" | "textarea" | "select")
}

#[component]
pub fn TableView(ctx: ViewCtx) -> impl IntoView {
    let ViewCtx { route, data, .. } = ctx;
    let navigate = use_navigate();
    let scroller = NodeRef::<html::Div>::new();
    let filter_input = NodeRef::<html::Input>::new();
    let scroll_top = RwSignal::new(0.0);
    let selected = RwSignal::new(None::<usize>);
    // After Backspace: (the parent's query, the query we came from), to select that row.
    let came_from = StoredValue::new(None::<(String, String)>);

    let filter_needle = Memo::new(move |_| needle(&route.read().filter));
    let server_hits = RwSignal::new(None::<ServerHits>);
    // the server's matches when they are for this needle and set
    let current_hits = move || {
        let n = filter_needle.get()?;
        let generation = data.store.with(|s| s.generation);
        server_hits.with(|h| h.as_ref().filter(|h| h.needle == n && h.generation == generation).cloned())
    };
    let list = Memo::new(move |_| match filter_needle.get() {
        None => RowList::All(data.store.with(|s| s.total)),
        Some(n) => match current_hits() {
            Some(hits) => RowList::Filtered(hits.indices),
            // the rows loaded so far, while every row (or the server's answer) comes
            None => data.store.with(|s| {
                RowList::Filtered(Arc::new(
                    s.loaded_rows().filter(|(_, r)| label_matches(&r.label, &n)).map(|(i, _)| i as u32).collect(),
                ))
            }),
        },
    });

    // A filter needs every label: a short table loads them all, once per set; a long one asks
    // the server for its matches, once per needle and set.
    let all_error = RwSignal::new(None::<String>);
    let tried = StoredValue::new(None::<u64>);
    Effect::new(move |_| {
        let Some(n) = filter_needle.get() else { return };
        let (generation, complete, total) = data.store.with(|s| (s.generation, s.is_complete(), s.total));
        if total > CLIENT_FILTER_MAX {
            if server_hits.with_untracked(|h| h.as_ref().is_some_and(|h| h.needle == n && h.generation == generation)) {
                return;
            }
            let Some(key) = data.store.with_untracked(|s| s.key.clone()) else { return };
            all_error.set(None);
            leptos::task::spawn_local(async move {
                let res =
                    crate::api::partition_matching(&key.snapshot, &key.query, &key.relation, &n, SERVER_FILTER_ROWS)
                        .await;
                let still = filter_needle.get_untracked().as_ref() == Some(&n)
                    && data.store.with_untracked(|s| s.generation) == generation;
                if !still {
                    return; // the filter or the set changed meanwhile
                }
                match res {
                    Ok(v) => {
                        let indices: Vec<u32> = v.rows.iter().map(|r| r.index).collect();
                        let matched = v.matched_rows.unwrap_or(indices.len() as u64);
                        data.store.update(|s| s.insert_indexed(v.rows));
                        server_hits.set(Some(ServerHits {
                            needle: n,
                            generation,
                            indices: Arc::new(indices),
                            matched,
                        }));
                    }
                    Err(e) => all_error.set(Some(e.message)),
                }
            });
            return;
        }
        if complete || tried.get_value() == Some(generation) {
            return;
        }
        tried.set_value(Some(generation));
        all_error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = data.load_all().await {
                if e.code != "cancelled" {
                    all_error.set(Some(e.message));
                }
            }
        });
    });

    let set_scroll = move |top: f64| {
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(top.max(0.0) as i32);
        }
        scroll_top.set(top.max(0.0));
    };
    // Keeps list position `pos` inside the scroll box.
    let reveal = move |pos: usize| {
        let Some(el) = scroller.get_untracked() else { return };
        let top = pos as f64 * ROW_H;
        let view_h = (el.client_height() as f64 - HEAD_H).max(ROW_H);
        let st = el.scroll_top() as f64;
        if top < st {
            set_scroll(top);
        } else if top + ROW_H > st + view_h {
            set_scroll(top + ROW_H - view_h);
        }
    };

    // A new set: select the row we came back from (Backspace), else nothing; scroll to it.
    Effect::new(move |prev: Option<u64>| {
        let generation = data.store.with(|s| s.generation);
        if prev != Some(generation) {
            let key = data.store.with_untracked(|s| s.key.clone());
            let back = came_from.try_update_value(|c| c.take()).flatten();
            let index = match (back, key) {
                (Some((parent, child)), Some(k)) if k.query == parent => child_row_index(&parent, &k.relation, &child),
                _ => None,
            };
            selected.set(index);
            match index.and_then(|i| list.with_untracked(|l| l.position_of(i))) {
                Some(pos) => {
                    let view_h = scroller.get_untracked().map_or(400.0, |el| el.client_height() as f64 - HEAD_H);
                    set_scroll(pos as f64 * ROW_H - view_h / 2.0);
                }
                None => set_scroll(0.0),
            }
        }
        generation
    });
    // A new filter: back to the top (the selection stays if its row is still listed).
    Effect::new(move |prev: Option<Option<String>>| {
        let n = filter_needle.get();
        if prev.is_some() && prev.as_ref() != Some(&n) {
            set_scroll(0.0);
        }
        n
    });

    let focus_table = move || {
        if let Some(el) = scroller.get_untracked() {
            let _ = el.focus();
        }
    };
    let visible_rows = move || {
        scroller
            .get_untracked()
            .map_or(10, |el| ((el.client_height() as f64 - HEAD_H) / ROW_H).floor().max(1.0) as isize)
    };
    let move_selection = move |step: isize, absolute: Option<usize>| {
        let n = list.with_untracked(RowList::len);
        if n == 0 {
            return;
        }
        let current = selected.get_untracked().and_then(|i| list.with_untracked(|l| l.position_of(i)));
        let pos = match (absolute, current) {
            (Some(p), _) => p.min(n - 1),
            (None, Some(p)) => (p as isize + step).clamp(0, n as isize - 1) as usize,
            // nothing selected yet: start at the first row on screen
            (None, None) => ((scroll_top.get_untracked() / ROW_H).ceil() as usize).min(n - 1),
        };
        selected.set(Some(list.with_untracked(|l| l.index_at(pos))));
        reveal(pos);
    };
    let open_selected = {
        let navigate = navigate.clone();
        move || {
            let Some(i) = selected.get_untracked() else { return };
            let Some(query) = data.store.with_untracked(|s| s.get(i).map(|r| r.query.clone())) else { return };
            navigate(&route.get_untracked().with_query(&query).href(), Default::default());
        }
    };
    // Backspace while the set in the URL is still loading waits for its breadcrumbs
    // (for that set only: the key it was pressed for).
    let up_pending = StoredValue::new(None::<DataKey>);
    let go_up = {
        let navigate = navigate.clone();
        move || {
            let current = route.with_untracked(|r| r.data_key());
            if data.head.with_untracked(|h| h.as_ref().map(|(k, _)| k != &current)).unwrap_or(true) {
                up_pending.set_value(Some(current));
                return;
            }
            let Some(view) = data.view() else { return };
            let crumbs = &view.breadcrumbs;
            if crumbs.len() < 2 {
                return;
            }
            let parent = crumbs[crumbs.len() - 2].query.clone();
            came_from.set_value(Some((parent.clone(), view.query.clone())));
            navigate(&route.get_untracked().with_query(&parent).href(), Default::default());
        }
    };
    {
        let go_up = go_up.clone();
        Effect::new(move |_| {
            let arrived = data.head.with(|h| h.as_ref().map(|(k, _)| k.clone()));
            let Some(waiting) = up_pending.get_value() else { return };
            if arrived.as_ref() == Some(&waiting) {
                up_pending.set_value(None);
                if route.with_untracked(|r| r.data_key()) == waiting {
                    go_up();
                }
            }
        });
    }

    let keys = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let document = web_sys::window().and_then(|w| w.document());
        let active = document.as_ref().and_then(|d| d.active_element());
        if typing_in_field(active.as_ref()) {
            return; // the filter box handles its own Escape
        }
        // Enter and Backspace belong to buttons and links when they have the focus.
        let body = document.as_ref().and_then(|d| d.body()).map(|b| b.unchecked_into::<web_sys::Element>());
        let in_table = match (&active, scroller.get_untracked()) {
            (None, _) => true,
            (Some(a), _) if Some(a) == body.as_ref() => true,
            (Some(a), Some(s)) => s.contains(Some(a.unchecked_ref())),
            _ => false,
        };
        let handled = match ev.key().as_str() {
            "/" => {
                if let Some(input) = filter_input.get_untracked() {
                    let _ = input.focus();
                    input.select();
                }
                true
            }
            "ArrowDown" => {
                move_selection(1, None);
                true
            }
            "ArrowUp" => {
                move_selection(-1, None);
                true
            }
            "PageDown" if in_table => {
                move_selection(visible_rows() - 1, None);
                true
            }
            "PageUp" if in_table => {
                move_selection(1 - visible_rows(), None);
                true
            }
            "Home" if in_table => {
                move_selection(0, Some(0));
                true
            }
            "End" if in_table => {
                move_selection(0, Some(usize::MAX));
                true
            }
            "Enter" if in_table && selected.get_untracked().is_some() => {
                open_selected();
                true
            }
            "Backspace" if in_table => {
                go_up();
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    on_cleanup(move || keys.remove());

    let filter_status = move || {
        filter_needle.get()?;
        let shown = list.with(RowList::len);
        let (loaded, total) = data.store.with(|s| (s.loaded, s.total));
        let noun = if total == 1 { "row" } else { "rows" };
        if total > CLIENT_FILTER_MAX {
            return Some(match current_hits() {
                None => format!("searching {} {noun}…", grouped(total as u64)),
                Some(h) if h.matched > shown as u64 => format!(
                    "first {} of {} matching {noun} of {} (type more to narrow)",
                    grouped(shown as u64),
                    grouped(h.matched),
                    grouped(total as u64)
                ),
                Some(_) => format!("{} of {} {noun} match", grouped(shown as u64), grouped(total as u64)),
            });
        }
        Some(if loaded < total {
            format!(
                "{} matching so far · searched {} of {} {noun}…",
                grouped(shown as u64),
                grouped(loaded as u64),
                grouped(total as u64)
            )
        } else {
            format!("{} of {} {noun} match", grouped(shown as u64), grouped(total as u64))
        })
    };
    let row_count = move || {
        let total = data.store.with(|s| s.total);
        let noun = if total == 1 { "row" } else { "rows" };
        let n = list.with(RowList::len);
        let position = selected
            .get()
            .and_then(|i| list.with(|l| l.position_of(i)))
            .map(|p| format!("row {} of {} · ", grouped(p as u64 + 1), grouped(n as u64)))
            .unwrap_or_default();
        if filter_needle.read().is_some() {
            format!("{position}{} of {} {noun} shown", grouped(n as u64), grouped(total as u64))
        } else {
            format!("{position}{} {noun}", grouped(total as u64))
        }
    };
    let page_error = move || {
        all_error
            .get()
            .or_else(|| data.store.with(|s| s.error.as_ref().map(|e| e.message.clone())))
            .map(|m| view! { <span class="table-error" role="alert" data-test="table-error">{m}</span> })
    };

    view! {
        <div class="table-view">
            <div class="table-tools">
                <FilterBox route input=filter_input on_leave=Callback::new(move |_| focus_table())/>
                <span class="filter-status dim" data-test="filter-status" aria-live="polite">{filter_status}</span>
                <ExportButtons route data/>
            </div>
            <PartitionTable route data list selected scroller scroll_top/>
            <div class="table-foot">
                <span class="dim" data-test="row-count">{row_count}</span>
                {page_error}
                <span class="keys-hint dim">
                    <kbd>"/"</kbd>" filter "<kbd>"↑"</kbd><kbd>"↓"</kbd>" select "<kbd>"Enter"</kbd>" open "
                    <kbd>"Backspace"</kbd>" up"
                </span>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::child_row_index;

    #[test]
    fn finds_the_row_we_came_from() {
        assert_eq!(child_row_index("heap", "clodo", "heap.byclodo[3]"), Some(3));
        assert_eq!(child_row_index("heap.byclodo[3]", "type", "heap.byclodo[3].bytype[12]"), Some(12));
        assert_eq!(child_row_index("heap", "clodo", "heap.bytype[3]"), None);
        assert_eq!(child_row_index("heap", "clodo", "heap.byclodo[\"str\"]"), None);
        assert_eq!(child_row_index("heap", "clodo", "heapu.byclodo[1]"), None);
    }
}
