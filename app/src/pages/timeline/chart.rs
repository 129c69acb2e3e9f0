//! The timeline's stacked area chart (heapy's profile browser, `hp.pb()`, in the page): one
//! area per top kind of the series, stacked in the server's order (largest first, `<Other>`
//! on top), x by sample time. Hover shows a sample's time and values; a click places the A
//! marker, the next one B (a third starts over). Drawn as SVG: labels are text nodes.

use heaplens_wire::SeriesView;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::route::timeline::TimelineRoute;
use crate::ui::format;

const W: f64 = 1000.0;
const H: f64 = 300.0;
/// Fill colours of the kinds in order; `<Other>` is grey.
const COLORS: [&str; 10] =
    ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#3bb4c1"];
const OTHER_COLOR: &str = "#a0a4a8";

pub fn kind_color(kinds: &[String], j: usize) -> &'static str {
    if kinds[j] == "<Other>" {
        OTHER_COLOR
    } else {
        COLORS[j % COLORS.len()]
    }
}

/// Each sample's x as a fraction of the width: by time, or evenly when the times coincide.
pub fn sample_x(view: &SeriesView) -> Vec<f64> {
    let n = view.samples.len();
    let t: Vec<f64> = view.samples.iter().map(|s| s.timemade).collect();
    let (lo, hi) = t.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if n < 2 {
        vec![0.5; n]
    } else if hi > lo {
        t.iter().map(|v| (v - lo) / (hi - lo)).collect()
    } else {
        (0..n).map(|i| i as f64 / (n - 1) as f64).collect()
    }
}

/// The measured value (`[count, size]` → one) of kind `j` in sample `i`, never below 0.
pub fn value(view: &SeriesView, i: usize, j: usize) -> i64 {
    let m = if view.measure == "count" { 0 } else { 1 };
    view.values[i][j][m].max(0)
}

pub fn show_value(view: &SeriesView, v: i64) -> String {
    if view.measure == "count" {
        format::grouped(v.max(0) as u64)
    } else {
        format::bytes(v.max(0) as u64)
    }
}

/// The SVG path of each kind's band.
fn bands(view: &SeriesView, xs: &[f64]) -> (Vec<String>, i64) {
    let (n, k) = (view.samples.len(), view.kinds.len());
    let totals: Vec<i64> = (0..n).map(|i| (0..k).map(|j| value(view, i, j)).sum()).collect();
    let ymax = totals.iter().copied().max().unwrap_or(0).max(1);
    let y = |v: i64| H - v as f64 / ymax as f64 * H;
    let mut base = vec![0i64; n];
    let paths = (0..k)
        .map(|j| {
            let top: Vec<i64> = (0..n).map(|i| base[i] + value(view, i, j)).collect();
            let mut d = String::new();
            for i in 0..n {
                d.push_str(&format!("{}{:.2},{:.2}", if i == 0 { "M" } else { "L" }, xs[i] * W, y(top[i])));
            }
            for i in (0..n).rev() {
                d.push_str(&format!("L{:.2},{:.2}", xs[i] * W, y(base[i])));
            }
            d.push('Z');
            base = top;
            d
        })
        .collect();
    (paths, ymax)
}

#[component]
pub fn TimelineChart(view: SeriesView, route: Memo<TimelineRoute>) -> impl IntoView {
    let xs = sample_x(&view);
    let (paths, ymax) = bands(&view, &xs);
    let hover = RwSignal::new(None::<usize>);
    let overlay = NodeRef::<html::Div>::new();
    let navigate = use_navigate();
    let n = view.samples.len();

    let nearest = {
        let xs = xs.clone();
        move |ev: &web_sys::MouseEvent| -> Option<usize> {
            let w = overlay.get_untracked()?.client_width() as f64;
            let f = ev.offset_x() as f64 / w.max(1.0);
            (0..xs.len()).min_by(|&a, &b| (xs[a] - f).abs().total_cmp(&(xs[b] - f).abs()))
        }
    };
    let on_move = {
        let nearest = nearest.clone();
        move |ev: web_sys::MouseEvent| hover.set(nearest(&ev))
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        if let Some(i) = nearest(&ev) {
            let href = route.get_untracked().clicked(i as u32).href();
            navigate(&href, NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    };

    let areas = paths
        .into_iter()
        .enumerate()
        .map(|(j, d)| {
            let values = (0..n).map(|i| value(&view, i, j).to_string()).collect::<Vec<_>>().join(",");
            view! {
                <path d=d fill=kind_color(&view.kinds, j) data-test="area" data-kind=view.kinds[j].clone() data-values=values>
                    <title>{view.kinds[j].clone()}</title>
                </path>
            }
        })
        .collect_view();
    let ticks = xs
        .iter()
        .enumerate()
        .map(|(i, x)| {
            view! { <line class="tl-tick" x1=x * W x2=x * W y1=H - 6.0 y2=H vector-effect="non-scaling-stroke" data-test="sample-tick" data-index=i/> }
        })
        .collect_view();
    let pct = |x: f64| format!("left: {:.3}%", x * 100.0);
    let marker = {
        let xs = xs.clone();
        move |which: &'static str, at: Option<u32>| {
            at.filter(|&i| (i as usize) < xs.len()).map(|i| {
                let end = xs[i as usize] > 0.95;
                view! {
                    <div
                        class="tl-marker"
                        class:tl-marker-end=end
                        data-test=format!("marker-{}", which.to_lowercase())
                        data-index=i
                        style=pct(xs[i as usize])
                    >
                        <span class="tl-marker-label">{which}</span>
                    </div>
                }
            })
        }
    };
    let hover_box = {
        let view = view.clone();
        let xs = xs.clone();
        move || {
            hover.get().map(|i| {
                let s = &view.samples[i];
                let right = xs[i] > 0.6;
                let style = if right {
                    format!("right: {:.3}%", (1.0 - xs[i]) * 100.0)
                } else {
                    format!("left: {:.3}%", xs[i] * 100.0)
                };
                let rows = (0..view.kinds.len())
                    .rev()
                    .map(|j| {
                        view! {
                            <div class="tl-tip-row">
                                <span class="tl-swatch" style=format!("background: {}", kind_color(&view.kinds, j))></span>
                                <span class="tl-tip-kind">{view.kinds[j].clone()}</span>
                                <span class="num">{show_value(&view, value(&view, i, j))}</span>
                            </div>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="tl-hover-line" style=pct(xs[i])></div>
                    <div class="tl-tip" data-test="timeline-tip" style=style>
                        <div class="tl-tip-head">{format!("sample {i} · {}", format::utc_time(s.timemade))}</div>
                        <div class="dim">
                            {format!("{} objects · {}", format::grouped(s.count.max(0) as u64), format::bytes(s.size.max(0) as u64))}
                        </div>
                        {rows}
                    </div>
                }
            })
        }
    };
    let first = view.samples.first().map(|s| format::utc_time(s.timemade)).unwrap_or_default();
    let last = view.samples.last().map(|s| format::utc_time(s.timemade)).unwrap_or_default();
    let legend = (0..view.kinds.len())
        .map(|j| {
            view! {
                <span class="tl-legend-item" data-test="legend-item">
                    <span class="tl-swatch" style=format!("background: {}", kind_color(&view.kinds, j))></span>
                    <span class="tl-legend-kind">{view.kinds[j].clone()}</span>
                </span>
            }
        })
        .collect_view();
    let ymax_text = show_value(&view, ymax);
    view! {
        <div class="tl-chart-wrap">
            <div class="tl-axis-y dim">{ymax_text}</div>
            <div class="tl-chart" data-test="timeline-chart" data-samples=n>
                <svg class="tl-svg" viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" aria-hidden="true">
                    {areas}
                    {ticks}
                </svg>
                {let marker = marker.clone(); move || marker("A", route.read().a)}
                {move || marker("B", route.read().b)}
                {hover_box}
                <div
                    class="tl-overlay"
                    node_ref=overlay
                    data-test="timeline-overlay"
                    on:mousemove=on_move
                    on:mouseleave=move |_| hover.set(None)
                    on:click=on_click
                ></div>
            </div>
            <div class="tl-axis-x dim"><span>{first}</span><span>{last}</span></div>
            <div class="tl-legend">{legend}</div>
            <div class="dim tl-hint">"hover for a sample's values · click to place marker A, then B"</div>
        </div>
    }
}
