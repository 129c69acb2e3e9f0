//! Below the timeline chart: the table of the sample under marker A (or the last sample),
//! as guppy prints the package, and with both markers heapy's difference B − A (a
//! `DiffFormat` table); for snapshot series, links to the snapshots and to the diff page.

use heaplens_wire::{PackageView, SeriesView};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::route::partition::PartitionRoute;
use crate::route::timeline::TimelineRoute;
use crate::ui::error_box::ErrorBox;
use crate::ui::format;

/// Rows listed under a package's text (the text shows heapy's first ten).
const MAX_LISTED_ROWS: usize = 1000;

fn package_box(p: Result<PackageView, ApiError>, test: &'static str) -> AnyView {
    match p {
        Err(error) => view! { <ErrorBox error no_home=true/> }.into_any(),
        Ok(p) => {
            let total = p.rows.len();
            let rows = p
                .rows
                .into_iter()
                .take(MAX_LISTED_ROWS)
                .map(|r| {
                    view! {
                        <tr>
                            <td class="num">{r.index}</td>
                            <td class="num">{r.count}</td>
                            <td class="num">{r.size}</td>
                            <td class="num">{r.cumulative}</td>
                            <td class="label mono">{r.label}</td>
                        </tr>
                    }
                })
                .collect_view();
            let note = (total > MAX_LISTED_ROWS)
                .then(|| format!("the first {MAX_LISTED_ROWS} of {total} rows (the whole table: heaplens heapy-dump show --all-rows)"));
            view! {
                <pre class="tl-text" data-test=test>{p.text}</pre>
                <details class="tl-rows">
                    <summary>{format!("all {total} rows")}</summary>
                    <div class="dim">{note}</div>
                    <table class="grid">
                        <thead><tr><th class="num">"Index"</th><th class="num">"Count"</th><th class="num">"Size"</th><th class="num">"Cumulative"</th><th>{p.kindheader}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </details>
            }
            .into_any()
        }
    }
}

/// The table of one sample: marker A's, else the last.
#[component]
pub fn SamplePanel(view: SeriesView, route: Memo<TimelineRoute>) -> impl IntoView {
    let id = view.info.id.clone();
    let n = view.samples.len() as u32;
    let snapshots = view.info.snapshots.clone();
    let shown = Memo::new(move |_| route.read().a.filter(|&a| a < n).unwrap_or(n.saturating_sub(1)));
    let package = LocalResource::new(move || {
        let (id, i, by) = (id.clone(), shown.get(), route.read().by.clone());
        async move { api::series_package(&id, i, &by).await }
    });
    let link = move || {
        let i = shown.get() as usize;
        snapshots.get(i).map(|s| {
            let href = PartitionRoute::root(s).with_relation(&route.read().by).href();
            view! { <a class="tl-open" data-test="open-snapshot" href=href>"open this snapshot"</a> }
        })
    };
    view! {
        <section class="tl-panel" data-test="sample-panel">
            <h2 class="tl-panel-title">
                {move || format!("Sample {}{}", shown.get(), if route.read().a.is_some() { " (marker A)" } else { " (the last)" })}
                " "{link}
            </h2>
            {move || match package.get() {
                None => view! { <div class="placeholder">"Loading the table…"</div> }.into_any(),
                Some(p) => package_box(p, "package-text"),
            }}
        </section>
    }
}

/// With both markers: heapy's B − A, and for snapshots the diff page.
#[component]
pub fn DiffPanel(view: SeriesView, route: Memo<TimelineRoute>) -> impl IntoView {
    let id = view.info.id.clone();
    let samples = view.samples.clone();
    let n = samples.len() as u32;
    let pair = Memo::new(move |_| {
        let r = route.read();
        r.a.zip(r.b).filter(|&(a, b)| a < n && b < n)
    });
    let diff = LocalResource::new(move || {
        let (id, pair, by) = (id.clone(), pair.get(), route.read().by.clone());
        async move {
            match pair {
                // heapy's B.diff(A): what changed from A to B
                Some((a, b)) => Some(api::series_diff(&id, b, a, &by).await),
                None => None,
            }
        }
    });
    move || {
        let (a, b) = pair.get()?;
        let (sa, sb) = (&samples[a as usize], &samples[b as usize]);
        let open = sa.snapshot.clone().zip(sb.snapshot.clone()).map(|(x, y)| {
            let href = format!("/diff?v=1&a={}&b={}", api::encode(&x), api::encode(&y));
            view! { <a class="tl-open button" data-test="open-diff" href=href>"Open diff"</a> }
        });
        let span = format::duration((sb.timemade - sa.timemade).abs());
        Some(view! {
            <section class="tl-panel" data-test="diff-panel">
                <h2 class="tl-panel-title">
                    {format!("B − A: sample {b} minus sample {a} ({span} apart), heapy's B.diff(A)")}
                    " "{open}
                </h2>
                {move || match diff.get() {
                    Some(Some(p)) => package_box(p, "diff-text"),
                    _ => view! { <div class="placeholder">"Loading the difference…"</div> }.into_any(),
                }}
            </section>
        })
    }
}
