//! heapy's partition table: title line, the Index/Count/%/Size/%/Cumulative/% columns, the
//! relation's header, a share-of-size bar per row; a click on a row drills into its set.

use heaplens_wire::{PartitionRow, PartitionView};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::format::grouped;
use crate::route_state::{is_plain_row_click, PartitionRoute};

/// The title line exactly as the server (heapy) wrote it.
#[component]
pub fn PartitionTitle(title: String) -> impl IntoView {
    view! { <h2 class="partition-title" data-test="partition-title">{title}</h2> }
}

/// Column headings; `header` is the relation's (e.g. `Kind (class / dict of class)`).
#[component]
pub fn PartitionHead(header: String) -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th class="num idx" title="Row index, used in queries: .by…[INDEX]">"Index"</th>
                <th class="num c-count">"Count"</th>
                <th class="num pct">"%"</th>
                <th class="num c-size">"Size"</th>
                <th class="num pct">"%"</th>
                <th class="num c-size">"Cumulative"</th>
                <th class="num pct">"%"</th>
                <th class="bar-col" aria-label="Share of size"></th>
                <th class="label" data-test="relation-header">{header}</th>
            </tr>
        </thead>
    }
}

/// Rows of a partition. `total_size` is the whole set's size (for the bars); a click
/// navigates to `route` with the row's query.
pub fn rows_view(rows: Vec<PartitionRow>, total_size: u64, route: PartitionRoute) -> impl IntoView {
    let navigate = use_navigate();
    rows.into_iter()
        .map(|row| {
            let href = route.with_query(&row.query).href();
            let row_href = href.clone();
            let navigate = navigate.clone();
            let share = if total_size == 0 { 0.0 } else { row.size as f64 * 100.0 / total_size as f64 };
            let bar_style = format!("width: {share:.2}%");
            let data_query = row.query.clone();
            let label_title = row.label.clone();
            view! {
                <tr
                    class="clickable"
                    data-test="partition-row"
                    data-index=row.index
                    data-count=row.count
                    data-size=row.size
                    data-query=data_query
                    on:click=move |ev| {
                        if is_plain_row_click(&ev) {
                            navigate(&row_href, Default::default());
                        }
                    }
                >
                    <td class="num idx">{row.index}</td>
                    <td class="num">{grouped(row.count)}</td>
                    <td class="num pct">{row.count_pct}</td>
                    <td class="num">{grouped(row.size)}</td>
                    <td class="num pct">{row.size_pct}</td>
                    <td class="num">{grouped(row.cumulative)}</td>
                    <td class="num pct">{row.cumulative_pct}</td>
                    <td class="bar-col" title=format!("{share:.1}% of the set's size")>
                        <div class="bar"><div class="bar-fill" style=bar_style></div></div>
                    </td>
                    <td class="label">
                        <a data-test="row-label" href=href title=label_title>{row.label}</a>
                    </td>
                </tr>
            }
        })
        .collect_view()
}

/// The first page of rows as one table body.
#[component]
pub fn PartitionTable(
    view: PartitionView,
    route: PartitionRoute,
    /// Rows loaded later with "show more" (their own body, so appending re-renders only them).
    extra: Signal<Vec<PartitionRow>>,
) -> impl IntoView {
    let total_size = view.size;
    let extra_route = route.clone();
    view! {
        <div class="table-wrap">
            <table class="grid partition" data-test="partition-table">
                <PartitionHead header=view.header/>
                <tbody>{rows_view(view.rows, total_size, route)}</tbody>
                <tbody>
                    {move || rows_view(extra.get(), total_size, extra_route.clone())}
                </tbody>
            </table>
        </div>
    }
}
