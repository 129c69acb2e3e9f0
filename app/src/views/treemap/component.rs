//! The treemap view's component: what it asks the server for, the stage with its canvas and
//! label layer, hover, clicks and keys, and the second relation's picker.

use std::rc::Rc;
use std::sync::Arc;

use heaplens_wire::TreemapView;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::route::partition::{is_plain_row_click, PartitionRoute};
use crate::ui::format::grouped;
use crate::ui::perf;
use crate::views::object::link;
use crate::views::ViewCtx;
use crate::viz::d3;
use crate::viz::status;

use super::layout::{cell_at, layout, Placed};
use super::model::{flatten, Cell, PER_OBJECT};
use super::paint::draw;
use super::tooltip::tip;

/// Rows asked for without a second relation (the server's most).
pub const LIMIT: u64 = 5000;
/// Rows and children per row asked for with a second relation (at most 5,000 children).
pub const NESTED_LIMIT: u64 = 200;
pub const CHILD_LIMIT: u64 = 25;
/// Rows sized by retained size (each a walk of part of the heap on the server).
pub const RETAINED_LIMIT: u64 = 60;

pub fn render(ctx: ViewCtx) -> AnyView {
    view! { <Treemap ctx/> }.into_any()
}
/// What the treemap asks the server for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    snapshot: String,
    query: String,
    relation: String,
    then: Option<String>,
    by_retained: bool,
}
/// The treemap's data: the answer, its cells in layout order, and when the request started.
type Load = status::Load<(Arc<TreemapView>, Arc<Vec<Cell>>, f64)>;

#[component]
fn Treemap(ctx: ViewCtx) -> impl IntoView {
    perf::install();
    let route = ctx.route;
    let navigate = use_navigate();
    let request = Memo::new(move |_| {
        let r = route.read();
        Request {
            snapshot: r.snapshot.clone(),
            query: r.query.clone(),
            relation: r.relation.clone(),
            then: r.then.clone(),
            by_retained: r.by_retained,
        }
    });
    let load = RwSignal::new(Load::Loading);
    let busy = RwSignal::new(true);
    Effect::new(move |_| {
        let req = request.get();
        busy.set(true);
        let start = d3::now();
        spawn_local(async move {
            let (limit, child_limit) = if req.then.is_some() { (NESTED_LIMIT, CHILD_LIMIT) } else { (LIMIT, 0) };
            let res = if req.by_retained {
                api::treemap_retained(&req.snapshot, &req.query, &req.relation, RETAINED_LIMIT).await
            } else {
                api::treemap(&req.snapshot, &req.query, &req.relation, req.then.as_deref(), limit, child_limit).await
            };
            if request.try_get_untracked().as_ref() != Some(&req) {
                return;
            }
            load.set(Load::from_result(res.map(|v| {
                let (cells, _) = flatten(&v);
                (Arc::new(v), Arc::new(cells), start)
            })));
            busy.set(false);
        });
    });

    let stage = NodeRef::<html::Div>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let layer_ref = NodeRef::<html::Div>::new();
    let resized = RwSignal::new(0u32);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    on_cleanup(move || on_resize.remove());
    let drawn = RwSignal::new(None::<usize>);
    let draw_error = RwSignal::new(None::<String>);
    let placed = StoredValue::new(Arc::new(Vec::<Placed>::new()));

    // lay out and draw whenever the data or the box changes
    Effect::new(move |_| {
        resized.track();
        let Load::Ready((view, cells, start)) = load.get() else { return };
        let (Some(stage_el), Some(canvas_el), Some(layer_el)) = (stage.get(), canvas_ref.get(), layer_ref.get()) else {
            return;
        };
        let (w, h) = (stage_el.client_width() as f64, stage_el.client_height() as f64);
        if w < 10.0 || h < 10.0 {
            return;
        }
        if !d3::available() {
            draw_error.set(Some("d3 did not load (/d3/d3.min.js): the treemap cannot be drawn.".into()));
            return;
        }
        let t0 = d3::now();
        let (_, json) = flatten(&view);
        let result = layout(&json, w, h).and_then(|laid| {
            let t1 = d3::now();
            draw(&canvas_el, &layer_el, &cells, &laid, &route.get_untracked(), (w, h))?;
            let t2 = d3::now();
            d3::measure("heaplens:treemap-layout", t0, t1, &[("cells", laid.len() as f64)]);
            d3::measure("heaplens:treemap-dom", t1, t2, &[("cells", laid.len() as f64)]);
            Ok(laid)
        });
        match result {
            Ok(laid) => {
                let n = laid.len();
                placed.set_value(Arc::new(laid));
                draw_error.set(None);
                drawn.set(Some(n));
                perf::after_paint(move || {
                    let end = d3::now();
                    d3::measure("heaplens:treemap-draw", t0, end, &[("cells", n as f64)]);
                    d3::measure("heaplens:treemap", start, end, &[("cells", n as f64)]);
                });
            }
            Err(e) => draw_error.set(Some(format!("The treemap could not be drawn: {e:?}"))),
        }
    });

    // the cell under the pointer: an outline and a tooltip
    let hover = RwSignal::new(None::<(usize, f64, f64)>);
    let point = move |ev: &web_sys::MouseEvent| -> Option<(f64, f64)> {
        let s = stage.get_untracked()?;
        let r = d3::bounds(&s);
        Some((ev.client_x() as f64 - r.left(), ev.client_y() as f64 - r.top()))
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some((x, y)) = point(&ev) else { return };
        let k = placed.with_value(|p| cell_at(p, x, y).map(|c| c.k));
        match k {
            Some(k) => hover.set(Some((k, x, y))),
            None => {
                if hover.get_untracked().is_some() {
                    hover.set(None);
                }
            }
        }
    };
    let resolving = RwSignal::new(None::<Result<String, ApiError>>);
    let on_click = {
        let navigate = navigate.clone();
        move |ev: web_sys::MouseEvent| {
            if ev.default_prevented() || !is_plain_row_click(&ev) && !on_link(&ev) {
                return;
            }
            let Some((x, y)) = point(&ev) else { return };
            let Some(k) = placed.with_value(|p| cell_at(p, x, y).map(|c| c.k)) else { return };
            let Load::Ready((_, cells, _)) = load.get_untracked() else { return };
            let Some(c) = cells.get(k) else { return };
            let Some(query) = c.query.clone() else {
                ev.prevent_default();
                return;
            };
            if c.single {
                // one object: open it in the inspector
                if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
                    return;
                }
                ev.prevent_default();
                let navigate = navigate.clone();
                link::open(route, query, resolving, Rc::new(move |href: String| navigate(&href, Default::default())));
            } else if !on_link(&ev) {
                // a cell too small for a link of its own
                navigate(&route.get_untracked().with_query(&query).href(), Default::default());
            }
        }
    };

    let outline = move || {
        let (k, ..) = hover.get()?;
        let style = placed.with_value(|p| {
            p.iter()
                .find(|c| c.k == k)
                .map(|c| format!("left:{}px;top:{}px;width:{}px;height:{}px", c.x0, c.y0, c.x1 - c.x0, c.y1 - c.y0))
        })?;
        Some(view! { <div class="tm-hover" style=style></div> })
    };
    let tooltip = move || {
        let (k, x, y) = hover.get()?;
        let Load::Ready((view, cells, _)) = load.get() else { return None };
        let c = cells.get(k)?.clone();
        let (stage_w, stage_h) = stage
            .get_untracked()
            .map(|s| (s.client_width() as f64, s.client_height() as f64))
            .unwrap_or((800.0, 600.0));
        let left = if x + 340.0 > stage_w { (x - 330.0).max(4.0) } else { x + 14.0 };
        let top = if y + 120.0 > stage_h { (y - 110.0).max(4.0) } else { y + 16.0 };
        let parent = c.parent.and_then(|p| cells.get(p).map(|p| p.label.clone()));
        Some(tip(c, parent, view.size, left, top))
    };

    // the second relation: the picker writes `then` into the URL
    let relations = LocalResource::new(api::relations);
    let then_options = move || {
        let current = route.read().then.clone().unwrap_or_default();
        let by = route.read().relation.clone();
        let list = relations.get().and_then(|r| r.ok()).map(|l| l.relations).unwrap_or_default();
        let none = view! { <option value="" selected=current.is_empty()>"— (one level)"</option> };
        let opts = list
            .into_iter()
            .filter(|r| !PER_OBJECT.contains(&r.name.as_str()) && r.name != by)
            .map(|r| {
                let sel = r.name == current;
                view! { <option value=r.name.clone() selected=sel>{format!(".by{}", r.name)}</option> }
            })
            .collect_view();
        view! { {none}{opts} }
    };
    let on_then = {
        let navigate = navigate.clone();
        move |ev: web_sys::Event| {
            let v = event_target_value(&ev);
            let r = route.get_untracked();
            let then = (!v.is_empty()).then_some(v);
            navigate(&PartitionRoute { then, ..r }.href(), Default::default());
        }
    };
    let per_object = move || PER_OBJECT.contains(&route.read().relation.as_str());
    // what the areas show: bytes, or retained sizes (one level only)
    let on_measure = {
        let navigate = navigate.clone();
        move |ev: web_sys::Event| {
            let by_retained = event_target_value(&ev) == "retained";
            let r = route.get_untracked();
            let then = if by_retained { None } else { r.then.clone() };
            navigate(&PartitionRoute { by_retained, then, ..r }.href(), Default::default());
        }
    };
    let by_retained = move || route.read().by_retained;

    let summary = move || match load.get() {
        Load::Ready((v, cells, _)) => {
            let shown = cells.iter().filter(|c| c.query.is_some()).count();
            let other = v
                .other
                .as_ref()
                .map(|o| format!(" · {} smaller rows as one grey cell", grouped(o.rows)))
                .unwrap_or_default();
            let then = v.then.as_ref().map(|t| format!(", each split .by{t}")).unwrap_or_default();
            if v.cells.first().is_some_and(|c| c.retained.is_some()) {
                let rest = v.other.as_ref().map(|o| format!(" · {} smaller rows not drawn", grouped(o.rows)));
                return format!(
                    "{} cells by .by{}, sized by retained size (they overlap){}",
                    grouped(shown as u64),
                    v.relation,
                    rest.unwrap_or_default()
                );
            }
            format!("{} cells by .by{}{then}{other}", grouped(shown as u64), v.relation)
        }
        Load::Loading => "Loading the treemap…".into(),
        Load::Failed(..) => String::new(),
    };
    let overlay = move || load.with(|l| l.overlay(draw_error.get()));
    let resolve_box = move || status::resolving_box(resolving.get());
    let state = move || load.with(|l| l.state(busy.get(), || drawn.get().is_some()));

    view! {
        <div class="viz-view tm-view">
            <div class="viz-tools">
                <label class="picker">
                    <span class="dim">"then"</span>
                    <select data-test="treemap-then" on:change=on_then disabled=move || per_object() || by_retained()
                        title="Split each row again by a second relation">
                        {then_options}
                    </select>
                </label>
                <label class="picker">
                    <span class="dim">"areas"</span>
                    <select data-test="treemap-measure" on:change=on_measure
                        title="Size: the rows' own bytes. Retained: what each row keeps alive (heapy's domisize).">
                        <option value="size" selected=move || !by_retained()>"size"</option>
                        <option value="retained" selected=by_retained>"retained size"</option>
                    </select>
                </label>
                <span class="dim viz-summary" data-test="treemap-summary">{summary}</span>
                <span class="viz-hint dim">
                    {move || if per_object() { "click a cell to inspect the object" } else { "click a cell to make it the set · the path above zooms out" }}
                </span>
            </div>
            <div
                class="viz-stage tm-stage"
                class:busy=move || busy.get()
                node_ref=stage
                data-test="treemap"
                data-state=state
                data-cells=move || drawn.get().map(|n| n.to_string())
                on:mousemove=on_move
                on:mouseleave=move |_| hover.set(None)
                on:click=on_click
            >
                <canvas class="tm-canvas-el" node_ref=canvas_ref aria-hidden="true"></canvas>
                <div class="tm-canvas" node_ref=layer_ref></div>
                {outline}
                {move || (busy.get() && drawn.get().is_none()).then(|| view! { <div class="viz-skeleton" aria-busy="true"></div> })}
                {tooltip}
                {overlay}
                {resolve_box}
            </div>
        </div>
    }
}

/// Whether the click landed on a cell's link (which then navigates by itself).
fn on_link(ev: &web_sys::MouseEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a[data-query]").ok().flatten())
        .is_some()
}
