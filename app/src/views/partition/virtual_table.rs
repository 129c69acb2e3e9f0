//! heapy's partition table, virtualised: Index/Count/%/Size/%/Cumulative/% columns, a
//! share-of-size bar and the relation's label; a click on a row drills into its set.
//!
//! Only the rows on screen (plus a few) are in the DOM, absolutely placed in a body as tall
//! as all rows at a fixed [`ROW_H`], so 100k rows scroll like 100. Rows not loaded yet are
//! grey placeholders of the same height: nothing moves when their data arrives.

use std::sync::Arc;

use heaplens_wire::PartitionRow;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::route::partition::{is_plain_row_click, PartitionRoute};
use crate::ui::format::{bytes, exact_bytes, grouped};
use crate::views::data::PartitionData;
use crate::views::partition::retained::{RetainedData, Table};

/// Height of every row, in CSS pixels (the stylesheet's `--row-h` must agree).
pub const ROW_H: f64 = 22.0;
/// Height of the sticky column header inside the scroll box.
pub const HEAD_H: f64 = 24.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 10;

/// Which rows the table lists: all of them, or the indexes a filter kept (ascending).
#[derive(Debug, Clone, PartialEq)]
pub enum RowList {
    All(usize),
    Filtered(Arc<Vec<u32>>),
}

impl RowList {
    pub fn len(&self) -> usize {
        match self {
            RowList::All(n) => *n,
            RowList::Filtered(v) => v.len(),
        }
    }

    /// The row index shown at position `pos`.
    pub fn index_at(&self, pos: usize) -> usize {
        match self {
            RowList::All(_) => pos,
            RowList::Filtered(v) => v.get(pos).map_or(usize::MAX, |&i| i as usize),
        }
    }

    /// Where row `index` is listed, if it is.
    pub fn position_of(&self, index: usize) -> Option<usize> {
        match self {
            RowList::All(n) => (index < *n).then_some(index),
            RowList::Filtered(v) => u32::try_from(index).ok().and_then(|i| v.binary_search(&i).ok()),
        }
    }
}

/// One rendered line: its position in the list, the row index and the row when loaded.
#[derive(Clone)]
struct Line {
    generation: u64,
    pos: usize,
    index: usize,
    row: Option<PartitionRow>,
}

/// The table. `scroller` is the scroll box (for keyboard scrolling), `selected` the row
/// index chosen with the keyboard, `scroll_top` its scroll offset.
#[component]
pub fn PartitionTable(
    route: Memo<PartitionRoute>,
    data: PartitionData,
    list: Memo<RowList>,
    selected: RwSignal<Option<usize>>,
    scroller: NodeRef<html::Div>,
    scroll_top: RwSignal<f64>,
) -> impl IntoView {
    let viewport_h = RwSignal::new(600.0);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(el.scroll_top() as f64);
            viewport_h.set(el.client_height() as f64);
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    // Positions on screen, with some rows of slack above and below.
    let window = Memo::new(move |_| {
        let n = list.with(RowList::len);
        let top = scroll_top.get();
        let h = (viewport_h.get() - HEAD_H).max(ROW_H);
        let first = ((top / ROW_H).floor() as usize).saturating_sub(OVERSCAN).min(n);
        let last = (((top + h) / ROW_H).ceil() as usize + OVERSCAN).min(n);
        (first, last)
    });
    // Unfiltered, positions are row indexes: ask for the pages on screen.
    Effect::new(move |_| {
        let (first, last) = window.get();
        if list.with(|l| matches!(l, RowList::All(_))) {
            data.want.set((first, last));
        } else {
            data.want.set((0, 0));
        }
    });
    let lines = move || {
        let (first, last) = window.get();
        list.with(|l| {
            data.store.with(|s| {
                (first..last)
                    .map(|pos| {
                        let index = l.index_at(pos);
                        Line { generation: s.generation, pos, index, row: s.get(index).cloned() }
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    // the retained column: sizes of the rows on screen, asked for as they appear
    let visible = Memo::new(move |_| {
        let (first, last) = window.get();
        list.with(|l| (first..last).map(|pos| l.index_at(pos)).filter(|&i| i != usize::MAX).collect::<Vec<_>>())
    });
    // the table shown, once its rows are those of the set the URL names (a drill shows the
    // old rows until the new set's first page arrives: their indexes are not the new set's)
    let shown = Memo::new(move |_| {
        let key = route.with(|r| r.data_key());
        data.store
            .with(|s| (s.key.as_ref() == Some(&key)).then(|| Table { key, generation: s.generation, rows: s.total }))
    });
    let retained = RetainedData::new(shown, visible);
    let retained_title = move || {
        retained.error().map_or_else(
            || "Retained size: what would be freed if the row's objects were gone (heapy's domisize of the row's set). \
                Rows overlap, so the column does not add up."
                .to_owned(),
            |e| format!("Retained sizes could not be computed: {e}"),
        )
    };
    let total_size = Memo::new(move |_| data.view().map_or(0, |v| v.size));
    let header = Memo::new(move |_| data.view().map(|v| v.header.clone()).unwrap_or_default());
    let body_height = move || format!("{}px", list.with(RowList::len) as f64 * ROW_H);
    let active_id = move || selected.get().map(|i| format!("row-{i}"));
    let navigate = use_navigate();

    view! {
        <div
            class="pt-scroll"
            node_ref=scroller
            tabindex="0"
            role="grid"
            aria-label="Partition table"
            aria-rowcount=move || list.with(RowList::len) + 1
            aria-activedescendant=active_id
            data-test="partition-table"
            on:scroll=move |_| measure()
        >
            <div class="pt-row pt-head" role="row" style:height=format!("{HEAD_H}px")>
                <div role="columnheader" class="num idx" title="Row index, used in queries: .by…[INDEX]">"Index"</div>
                <div role="columnheader" class="num">"Count"</div>
                <div role="columnheader" class="num pct">"%"</div>
                <div role="columnheader" class="num" title="Bytes (hover a size for KiB/MiB)">"Size"</div>
                <div role="columnheader" class="num pct">"%"</div>
                <div role="columnheader" class="num">"Cumulative"</div>
                <div role="columnheader" class="num pct">"%"</div>
                <div role="columnheader" class="num" data-test="retained-header" title=retained_title>"Retained"</div>
                <div role="columnheader" class="bar-col" aria-label="Share of size"></div>
                <div role="columnheader" class="label" data-test="relation-header">{move || header.get()}</div>
            </div>
            <div class="pt-body" style:height=body_height role="rowgroup">
                <For
                    each=lines
                    key=|l| (l.generation, l.pos, l.index, l.row.is_some())
                    children=move |l| line_view(l, route, selected, total_size, retained, navigate.clone())
                />
                <Show when=move || list.with(RowList::len) == 0 && data.store.with(|s| s.total > 0)>
                    <div class="pt-empty" data-test="no-match">
                        {move || format!("No label contains “{}”.", route.read().filter.trim())}
                    </div>
                </Show>
            </div>
        </div>
    }
}

fn line_view(
    line: Line,
    route: Memo<PartitionRoute>,
    selected: RwSignal<Option<usize>>,
    total_size: Memo<u64>,
    retained: RetainedData,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + Clone + 'static,
) -> AnyView {
    let top = format!("translateY({}px)", line.pos as f64 * ROW_H);
    let index = line.index;
    let Some(row) = line.row else {
        return view! {
            <div class="pt-row pending" role="row" data-test="row-pending" data-index=index style:transform=top aria-busy="true">
                <div class="num idx">{index}</div>
                <div class="skel"></div>
            </div>
        }
        .into_any();
    };
    let query = row.query.clone();
    let href = Memo::new(move |_| route.with(|r| r.with_query(&query).href()));
    let total = total_size.get_untracked();
    let share = if total == 0 { 0.0 } else { row.size as f64 * 100.0 / total as f64 };
    let label_title = row.label.clone();
    // rows that are objects (byid, byidset) open in the inspector too
    let inspect = row.addr.clone().map(|addr| {
        let href = route.with_untracked(|r| crate::views::object::link::inspector_route(r, &addr).href());
        view! {
            <a class="row-inspect" data-test="row-inspect" href=href tabindex="-1" title=format!("Inspect {addr}")
                on:click=|ev| ev.stop_propagation()>"inspect"</a>
        }
    });
    view! {
        <div
            class="pt-row clickable"
            class:odd=index % 2 == 1
            class:selected=move || selected.get() == Some(index)
            role="row"
            id=format!("row-{index}")
            aria-selected=move || if selected.get() == Some(index) { "true" } else { "false" }
            data-test="row"
            data-index=index
            data-count=row.count
            data-size=row.size
            data-query=row.query.clone()
            style:transform=top
            on:click=move |ev| {
                if is_plain_row_click(&ev) {
                    navigate(&href.get_untracked(), Default::default());
                }
            }
        >
            <div role="cell" class="num idx">{row.index}</div>
            <div role="cell" class="num">{grouped(row.count)}</div>
            <div role="cell" class="num pct">{row.count_pct}</div>
            <div role="cell" class="num" data-test="size" title=format!("{} ({})", bytes(row.size), exact_bytes(row.size))>
                {grouped(row.size)}
            </div>
            <div role="cell" class="num pct">{row.size_pct}</div>
            <div role="cell" class="num" title=format!("{} ({})", bytes(row.cumulative), exact_bytes(row.cumulative))>
                {grouped(row.cumulative)}
            </div>
            <div role="cell" class="num pct">{row.cumulative_pct}</div>
            {retained_cell(retained, index)}
            <div role="cell" class="bar-col" title=format!("{share:.1}% of the set's size")>
                <div class="bar"><div class="bar-fill" style:width=format!("{share:.2}%")></div></div>
            </div>
            <div role="cell" class="label">
                <a data-test="row-label" href=move || href.get() title=label_title tabindex="-1">{row.label}</a>
                {inspect}
            </div>
        </div>
    }
    .into_any()
}

/// A row's retained size, or a dim "…" until the server has answered.
fn retained_cell(retained: RetainedData, index: usize) -> impl IntoView {
    move || {
        match retained.get(index) {
        Some(r) => view! {
            <div role="cell" class="num" data-test="retained" data-retained=r title=format!("{} ({})", bytes(r), exact_bytes(r))>
                {grouped(r)}
            </div>
        }
        .into_any(),
        None => view! { <div role="cell" class="num pending-cell" data-test="retained-pending" aria-busy="true">"…"</div> }
            .into_any(),
    }
    }
}
