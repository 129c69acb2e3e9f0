//! The diff as heapy's table: Index, Count, Size, Cumulative, % of B and the label, with
//! each side's count and size; growth red, shrinkage green (CSS classes `diff-grow` and
//! `diff-shrink`); each row links to its objects in A and in B (the partition page, `byid`).

use heaplens_wire::{DiffRowView, DiffView};
use leptos::prelude::*;

use crate::route::diff::DiffRoute;
use crate::route::partition::PartitionRoute;
use crate::ui::format::grouped;

/// `diff-grow`, `diff-shrink` or `diff-same` for a difference (size first, then count).
pub fn change_class(size: i64, count: i64) -> &'static str {
    match (size.signum(), count.signum()) {
        (1, _) | (0, 1) => "diff-grow",
        (-1, _) | (0, -1) => "diff-shrink",
        _ => "diff-same",
    }
}

/// A signed number with thousands separators and a `+` for growth.
pub fn signed(n: i64) -> String {
    let body = grouped(n.unsigned_abs());
    match n.signum() {
        1 => format!("+{body}"),
        -1 => format!("-{body}"),
        _ => body,
    }
}

/// The link to the objects of one side's row (the partition page, one row per object).
pub fn objects_href(snapshot: &str, query: &str) -> String {
    PartitionRoute::root(snapshot).with_query(query).with_relation("id").href()
}

#[component]
pub fn DiffTable(route: Memo<DiffRoute>, view: DiffView) -> impl IntoView {
    let (a, b) = route.with_untracked(|r| (r.a.clone(), r.b.clone()));
    let shown = view.rows.len() as u64;
    let more = (view.total_rows > shown).then(|| {
        view! {
            <div class="placeholder" data-test="diff-more">
                {format!("{} more rows with smaller differences (heapy's text has them all).", grouped(view.total_rows - shown))}
            </div>
        }
    });
    let rows = view.rows.into_iter().map(|r| diff_row(&a, &b, r)).collect_view();
    let empty = (view.total_rows == 0).then(|| {
        view! { <div class="placeholder" data-test="diff-empty">"No differences: every row has the same count and size in A and B."</div> }
    });
    view! {
        <div class="table-wrap">
            <table class="grid diff-table" data-test="diff-table">
                <thead>
                    <tr>
                        <th class="num idx">"Index"</th>
                        <th class="num" title="A's count minus B's">"Count"</th>
                        <th class="num" title="A's size minus B's, in bytes">"Size"</th>
                        <th class="num" title="The size differences of the rows up to this one">"Cumulative"</th>
                        <th class="num" title="Cumulative as a percentage of B's total size">"% of B"</th>
                        <th class="num dim">"Count A"</th>
                        <th class="num dim">"Count B"</th>
                        <th class="num dim">"Size A"</th>
                        <th class="num dim">"Size B"</th>
                        <th class="label">{view.header}</th>
                        <th title="The row's objects in each snapshot">"Objects"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {empty}
        {more}
    }
}

fn diff_row(a: &str, b: &str, r: DiffRowView) -> impl IntoView {
    let class = change_class(r.size, r.count);
    let link = |id: &str, q: Option<String>, side: &'static str| {
        q.map(|q| {
            let title = format!("{side}'s objects of this row: {q}");
            view! { <a class="diff-drill" data-test=format!("diff-drill-{}", side.to_lowercase()) href=objects_href(id, &q) title=title>{side}</a> }
        })
    };
    view! {
        <tr data-test="diff-row" data-index=r.index class=class>
            <td class="num idx">{r.index}</td>
            <td class="num diff-num" data-test="diff-count">{signed(r.count)}</td>
            <td class="num diff-num" data-test="diff-size">{signed(r.size)}</td>
            <td class="num" data-test="diff-cumulative">{signed(r.cumulative)}</td>
            <td class="num" data-test="diff-pct">{r.pct_of_b}</td>
            <td class="num dim">{grouped(r.count_a)}</td>
            <td class="num dim">{grouped(r.count_b)}</td>
            <td class="num dim">{grouped(r.size_a)}</td>
            <td class="num dim">{grouped(r.size_b)}</td>
            <td class="label" data-test="diff-label">{r.label}</td>
            <td class="diff-links">{link(a, r.query_a, "A")}" "{link(b, r.query_b, "B")}</td>
        </tr>
    }
}
