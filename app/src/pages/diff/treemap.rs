//! The growth treemap of a diff: the rows whose size grew from B to A, as rectangles sized
//! by their growth in bytes (d3's squarified layout, shared with the partition treemap);
//! each rectangle links to the row's objects in A. Labels are text nodes only.

use std::sync::Arc;

use heaplens_wire::{DiffRowView, DiffView};
use leptos::html;
use leptos::prelude::*;

use crate::pages::diff::table::objects_href;
use crate::ui::format::{bytes, grouped};
use crate::views::treemap::layout::layout;
use crate::viz::d3;

/// Rows drawn at most (the largest growth first: the rows come sorted by |size|).
const MAX_CELLS: usize = 2000;

/// One laid-out cell: the row's number in `grew` and its box.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Boxed {
    k: usize,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// The layout's input: a root whose children are the rows (`k` the row, `v` its growth).
fn tree_json(grew: &[DiffRowView]) -> String {
    let children: Vec<String> =
        grew.iter().enumerate().map(|(k, r)| format!("{{\"k\":{k},\"v\":{}}}", r.size.max(0))).collect();
    format!("{{\"k\":-1,\"v\":0,\"children\":[{}]}}", children.join(","))
}

#[component]
pub fn DiffTreemap(view: DiffView) -> impl IntoView {
    let grew: Arc<Vec<DiffRowView>> =
        Arc::new(view.rows.iter().filter(|r| r.size > 0).take(MAX_CELLS).cloned().collect());
    let total: i64 = grew.iter().map(|r| r.size).sum();
    let a = view.a.clone();
    let stage = NodeRef::<html::Div>::new();
    let placed = RwSignal::new(None::<Result<Vec<Boxed>, String>>);
    let resized = RwSignal::new(0u32);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    on_cleanup(move || on_resize.remove());
    let json = tree_json(&grew);
    Effect::new(move |_| {
        resized.track();
        let Some(el) = stage.get() else { return };
        let (w, h) = (el.client_width() as f64, el.client_height() as f64);
        if w < 10.0 || h < 10.0 {
            return;
        }
        if !d3::available() {
            placed.set(Some(Err("d3 did not load (/d3/d3.min.js): the treemap cannot be drawn.".into())));
            return;
        }
        placed.set(Some(
            layout(&json, w, h)
                .map(|laid| {
                    laid.into_iter()
                        .map(|p| Boxed { k: p.k, x: p.x0, y: p.y0, w: p.x1 - p.x0, h: p.y1 - p.y0 })
                        .collect()
                })
                .map_err(|e| format!("The treemap could not be drawn: {e:?}")),
        ));
    });
    let cells = {
        let grew = grew.clone();
        move || {
            let laid = match placed.get()? {
                Ok(laid) => laid,
                Err(msg) => return Some(view! { <div class="error-inline">{msg}</div> }.into_any()),
            };
            let cells = laid
                .into_iter()
                .filter_map(|c| {
                    let r = grew.get(c.k)?;
                    let share = r.size as f64 / total.max(1) as f64;
                    // the larger its share of the growth, the stronger the red
                    let strength = 0.25 + 0.65 * share.sqrt();
                    let style = format!(
                        "left:{}px;top:{}px;width:{}px;height:{}px;--g:{strength:.3}",
                        c.x,
                        c.y,
                        c.w.max(0.0),
                        c.h.max(0.0)
                    );
                    let title = format!(
                        "{}\n+{} ({}) · count {:+} · A {} objects, B {}",
                        r.label,
                        grouped(r.size as u64),
                        bytes(r.size as u64),
                        r.count,
                        grouped(r.count_a),
                        grouped(r.count_b)
                    );
                    let href = r.query_a.as_ref().map(|q| objects_href(&a, q));
                    let big = c.w >= 40.0 && c.h >= 16.0;
                    let label = big.then(|| {
                        view! {
                            <span class="dtm-label">{r.label.clone()}</span>
                            <span class="dtm-num">{format!("+{}", bytes(r.size as u64))}</span>
                        }
                    });
                    Some(view! {
                        <a class="dtm-cell" data-test="diff-treemap-cell" data-index=r.index href=href style=style title=title>
                            {label}
                        </a>
                    })
                })
                .collect_view();
            Some(cells.into_any())
        }
    };
    let summary = if grew.is_empty() {
        "Nothing grew: no row has a larger size in A than in B.".to_owned()
    } else {
        format!(
            "{} rows grew, by {} in all · click a rectangle for its objects in A",
            grouped(grew.len() as u64),
            bytes(total as u64)
        )
    };
    view! {
        <div class="viz-view dtm-view">
            <div class="viz-tools"><span class="dim viz-summary" data-test="diff-treemap-summary">{summary}</span></div>
            <div class="viz-stage dtm-stage" node_ref=stage data-test="diff-treemap"
                data-cells=move || placed.get().and_then(|p| p.ok()).map(|p| p.len().to_string())>
                {cells}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_input_holds_numbers_only() {
        let row = |label: &str, size: i64| DiffRowView {
            index: 0,
            label: label.into(),
            count: 1,
            count_a: 1,
            count_b: 0,
            size,
            size_a: size as u64,
            size_b: 0,
            cumulative: size,
            pct_of_b: "1".into(),
            query_a: None,
            query_b: None,
        };
        let json = tree_json(&[row("<b>\"x", 10), row("y", 5)]);
        assert_eq!(json, "{\"k\":-1,\"v\":0,\"children\":[{\"k\":0,\"v\":10},{\"k\":1,\"v\":5}]}");
    }
}
