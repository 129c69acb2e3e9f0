//! The referrer graph view's component: what it asks the server for, the canvas host and
//! its drawing, the controls (pattern, fit, reset) and the node and edge lists beside it.

use std::collections::HashMap;
use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::route::partition::PartitionRoute;
use crate::ui::format::{bytes, grouped};
use crate::ui::perf;
use crate::views::object::link::{self, atom_address, inspector_route, object_graph_route};
use crate::views::ViewCtx;
use crate::viz::d3;
use crate::viz::status;

use super::layout::{draw, Drawing, Hit};
use super::model::{Model, NodeKind};
use super::tooltip::{tip_body, Hover};

/// heapy's default depth of a reference pattern.
const RP_DEPTH: u32 = 7;
/// Referrer groups per unfolded node.
pub const K: u32 = 12;

pub fn render(ctx: ViewCtx) -> AnyView {
    view! { <Graph ctx/> }.into_any()
}
/// What the graph asks the server for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    snapshot: String,
    query: String,
    expand: Vec<String>,
    pattern: bool,
}

/// The graph of `req`: one object's chains when the set is one object, else the groups.
async fn fetch(req: &Request) -> Result<Model, ApiError> {
    if req.pattern {
        return Ok(Model::from_pattern(&api::rp(&req.snapshot, &req.query, RP_DEPTH).await?));
    }
    if let Some(addr) = atom_address(&req.query) {
        let o = api::object(&req.snapshot, &addr, 1).await?;
        return Ok(Model::from_object(&o));
    }
    let g = api::graph(&req.snapshot, &req.query, &req.expand, K).await?;
    if g.nodes.first().map(|n| n.count) == Some(1) {
        if let Ok(addr) = api::object_address(&req.snapshot, &req.query).await {
            let o = api::object(&req.snapshot, &addr, 1).await?;
            return Ok(Model::from_object(&o));
        }
    }
    Ok(Model::from_groups(&g))
}

/// The graph's data: its model, once the answers are in.
type Load = status::Load<Rc<Model>>;

#[component]
fn Graph(ctx: ViewCtx) -> impl IntoView {
    perf::install();
    let route = ctx.route;
    let navigate = use_navigate();
    let request = Memo::new(move |_| {
        let r = route.read();
        Request { snapshot: r.snapshot.clone(), query: r.query.clone(), expand: r.expand.clone(), pattern: r.pattern }
    });
    let load = RwSignal::new_local(Load::Loading);
    let busy = RwSignal::new(true);
    Effect::new(move |_| {
        let req = request.get();
        busy.set(true);
        spawn_local(async move {
            let res = fetch(&req).await;
            if request.try_get_untracked().as_ref() != Some(&req) {
                return;
            }
            load.set(Load::from_result(res.map(Rc::new)));
            busy.set(false);
        });
    });

    let host = NodeRef::<html::Div>::new();
    let drawing = StoredValue::new_local(None::<Rc<Drawing>>);
    let fps = RwSignal::new(None::<f64>);
    let settled = RwSignal::new(0u32);
    let resting = RwSignal::new(false);
    let draw_error = RwSignal::new(None::<String>);
    let drawn = RwSignal::new(false);
    let current = move || drawing.try_with_value(|d| d.clone()).flatten();
    let with_drawing = move |f: &dyn Fn(&Drawing)| {
        if let Some(d) = current() {
            f(&d);
        }
    };
    on_cleanup(move || with_drawing(&|d| d.stop()));

    Effect::new(move |_| {
        let Load::Ready(model) = load.get() else { return };
        let Some(host) = host.get() else { return };
        if !d3::available() {
            draw_error.set(Some("d3 did not load (/d3/d3.min.js): the graph cannot be drawn.".into()));
            return;
        }
        let old = drawing.with_value(|d| {
            d.as_ref().map(|d| {
                d.stop();
                (d.positions(), d.transform.get())
            })
        });
        fps.set(None);
        resting.set(false);
        match draw(&host, (*model).clone(), old, fps, settled, resting) {
            Ok(d) => {
                drawing.set_value(Some(d));
                draw_error.set(None);
                drawn.set(true);
                settled.update(|n| *n += 1);
            }
            Err(e) => draw_error.set(Some(format!("The graph could not be drawn: {e:?}"))),
        }
    });
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        let Some(h) = host.get_untracked() else { return };
        let (w, hh) = (h.client_width() as f64, h.client_height() as f64);
        if w > 10.0 && hh > 10.0 {
            with_drawing(&|d| d.resize(w, hh));
        }
    });
    on_cleanup(move || on_resize.remove());

    // where each node is on screen once the layout rests (for the accessible list and tests)
    let screen = RwSignal::new_local(Rc::new(Vec::<(f64, f64, f64)>::new()));
    let label_screen = RwSignal::new_local(Rc::new(HashMap::<usize, (f64, f64)>::new()));
    Effect::new(move |_| {
        settled.track();
        let labels = current()
            .map(|d| {
                let (tx, ty, k) = d.transform.get();
                d.label_boxes
                    .borrow()
                    .iter()
                    .map(|&(e, x0, y0, x1, y1)| (e, ((x0 + x1) / 2.0 * k + tx, (y0 + y1) / 2.0 * k + ty)))
                    .collect()
            })
            .unwrap_or_default();
        label_screen.set(Rc::new(labels));
        let out = current()
            .map(|d| {
                let k = d.transform.get().2;
                (0..d.model.nodes.len())
                    .map(|i| {
                        let (x, y) = d.screen_of(i);
                        (x, y, d.radii[i] * k)
                    })
                    .collect()
            })
            .unwrap_or_default();
        screen.set(Rc::new(out));
    });

    let model_now = move || match load.get() {
        Load::Ready(m) => Some(m),
        _ => None,
    };
    let resolving = RwSignal::new(None::<Result<String, ApiError>>);

    // what a click (or Enter) on a part of the graph does
    let act = {
        let navigate = navigate.clone();
        move |hit: Hit| {
            let Some(model) = load.with_untracked(|l| match l {
                Load::Ready(m) => Some(m.clone()),
                _ => None,
            }) else {
                return;
            };
            let r = route.get_untracked();
            let go = |href: String| navigate(&href, Default::default());
            match hit {
                Hit::Control(i) => match &model.nodes[i].kind {
                    NodeKind::Group { query } => {
                        let mut expand = r.expand.clone();
                        if let Some(p) = expand.iter().position(|q| q == query) {
                            expand.remove(p);
                        } else {
                            expand.push(query.clone());
                        }
                        go(PartitionRoute { expand, ..r }.href());
                    }
                    NodeKind::Object { addr } => go(inspector_route(&r, addr).href()),
                    NodeKind::Root => {}
                },
                Hit::Node(i) => {
                    let n = &model.nodes[i];
                    match &n.kind {
                        NodeKind::Group { query } if !n.current => {
                            go(PartitionRoute { expand: Vec::new(), ..r.with_query(query) }.href())
                        }
                        NodeKind::Object { addr } if !n.current => go(object_graph_route(&r, addr).href()),
                        _ => {}
                    }
                }
                Hit::EdgeLabel(e) => {
                    // an edge's names lead to the objects that hold by them: its source node
                    let from = &model.nodes[model.edges[e].from];
                    match &from.kind {
                        NodeKind::Group { query } => {
                            go(PartitionRoute { expand: Vec::new(), ..r.with_query(query) }.href())
                        }
                        NodeKind::Object { addr } => go(object_graph_route(&r, addr).href()),
                        NodeKind::Root => {}
                    }
                }
            }
        }
    };

    let canvas_point = move |ev: &web_sys::MouseEvent| -> Option<(f64, f64, f64, f64)> {
        let h = host.get_untracked()?;
        let b = d3::bounds(&h);
        let (x, y) = (ev.client_x() as f64 - b.left(), ev.client_y() as f64 - b.top());
        Some((x, y, x, y))
    };
    let on_click = {
        let act = act.clone();
        move |ev: web_sys::MouseEvent| {
            if ev.button() != 0 || ev.default_prevented() {
                return;
            }
            let on_canvas = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| el.tag_name().eq_ignore_ascii_case("canvas"));
            if !on_canvas {
                return;
            }
            let Some((x, y, ..)) = canvas_point(&ev) else { return };
            if let Some(hit) = current().and_then(|d| d.hit(x, y)) {
                act(hit);
            }
        }
    };
    let hover = RwSignal::new(None::<(Hover, f64, f64)>);
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some((x, y, sx, sy)) = canvas_point(&ev) else { return };
        let Some(d) = current() else { return };
        let hit = d.hit(x, y);
        if d.hover.get() != hit {
            d.hover.set(hit);
            d.paint();
            let cursor = if hit.is_some() { "pointer" } else { "grab" };
            let (w, h) = d.size.get();
            let _ = d.canvas.set_attribute("style", &format!("width:{w}px;height:{h}px;cursor:{cursor}"));
        }
        let what = match hit {
            Some(Hit::Node(i) | Hit::Control(i)) => Some(Hover::Node(i)),
            Some(Hit::EdgeLabel(e)) => Some(Hover::Edge(e)),
            None => None,
        };
        match what {
            Some(w) => hover.set(Some((w, sx, sy))),
            None => {
                if hover.get_untracked().is_some() {
                    hover.set(None);
                }
            }
        }
    };
    let on_leave = move |_| {
        hover.set(None);
        with_drawing(&|d| {
            if d.hover.get().is_some() {
                d.hover.set(None);
                d.paint();
            }
        });
    };

    let tooltip = move || {
        let (what, x, y) = hover.get()?;
        let model = model_now()?;
        let (stage_w, stage_h) =
            host.get_untracked().map(|s| (s.client_width() as f64, s.client_height() as f64)).unwrap_or((800.0, 600.0));
        let left = if x + 380.0 > stage_w { (x - 370.0).max(4.0) } else { x + 14.0 };
        let top = if y + 180.0 > stage_h { (y - 170.0).max(4.0) } else { y + 16.0 };
        let body = tip_body(&model, what)?;
        Some(view! {
            <div class="viz-tip" data-test="graph-tip" style=format!("left:{left}px;top:{top}px")>{body}</div>
        })
    };

    // the graph as a list: for keyboard and screen-reader users (and tests), the same actions
    let a11y = move || {
        let model = model_now()?;
        let chains = model.chains.is_some();
        let nodes = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let act_open = act.clone();
                let act_ctl = act.clone();
                let query = match &n.kind {
                    NodeKind::Group { query } => Some(query.clone()),
                    NodeKind::Object { addr } => Some(format!("@{addr}")),
                    NodeKind::Root => None,
                };
                let addr = match &n.kind {
                    NodeKind::Object { addr } => Some(addr.clone()),
                    NodeKind::Root => Some("0x0".to_owned()),
                    _ => None,
                };
                let nums = match (n.count, n.size) {
                    (Some(c), Some(s)) => format!(" · {} objects · {}", grouped(c), bytes(s)),
                    _ => String::new(),
                };
                let control = match &n.kind {
                    NodeKind::Group { .. } if !n.current && model.pattern.is_none() => Some(("graph-expand", if n.expanded { "Fold" } else { "Unfold: who holds it" })),
                    NodeKind::Object { .. } => Some(("graph-inspect", "Inspect")),
                    _ => None,
                };
                let focus = move |on: bool| {
                    with_drawing(&|d| {
                        d.focus.set(on.then_some(i));
                        d.paint();
                    })
                };
                let pos = move |j: usize| screen.with(|s| s.get(i).map(|p| format!("{:.1}", [p.0, p.1, p.2][j])));
                view! {
                    <li
                        data-test="graph-node"
                        data-query=query
                        data-addr=addr
                        data-label=n.label.clone()
                        data-current=n.current.to_string()
                        data-expanded=(n.expanded && !chains).to_string()
                        data-x=move || pos(0)
                        data-y=move || pos(1)
                        data-r=move || pos(2)
                    >
                        <button
                            type="button"
                            data-test="graph-open"
                            on:click=move |_| act_open(Hit::Node(i))
                            on:focus=move |_| focus(true)
                            on:blur=move |_| focus(false)
                        >
                            {n.label.clone()}{nums}
                        </button>
                        {control.map(|(test, text)| view! {
                            <button type="button" data-test=test on:click=move |_| act_ctl(Hit::Control(i))>{text}</button>
                        })}
                    </li>
                }
            })
            .collect_view();
        let edges = model
            .edges
            .iter()
            .enumerate()
            .map(|(e, edge)| {
                let act = act.clone();
                let from = model.nodes[edge.from].label.clone();
                let to = model.nodes[edge.to].label.clone();
                let names = edge.via.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>().join(", ");
                let pos = move |j: usize| {
                    label_screen.with(|s| s.get(&e).map(|p| format!("{:.1}", if j == 0 { p.0 } else { p.1 })))
                };
                view! {
                    <li
                        data-test="graph-edge"
                        data-from=from.clone()
                        data-to=to.clone()
                        data-from-query=match &model.nodes[edge.from].kind {
                            NodeKind::Group { query } => Some(query.clone()),
                            _ => None,
                        }
                        data-via=names.clone()
                        data-x=move || pos(0)
                        data-y=move || pos(1)
                    >
                        <button type="button" data-test="graph-edge-open" on:click=move |_| act(Hit::EdgeLabel(e))>
                            {format!("{from} refers to {to} by {names}")}
                        </button>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <div class="sr-only gx-a11y">
                <ul data-test="graph-nodes" aria-label="Nodes">{nodes}</ul>
                <ul data-test="graph-edges" aria-label="References">{edges}</ul>
            </div>
        })
    };

    let summary = move || match load.get() {
        Load::Ready(m) if m.pattern.is_some() => {
            let cut = if m.truncated { " · the first 500 lines" } else { "" };
            format!(
                "heapy's reference pattern · {} lines · {} sets{cut}",
                grouped(m.edges.len() as u64 + 1),
                grouped(m.nodes.len() as u64)
            )
        }
        Load::Ready(m) => match &m.chains {
            Some((total, _)) => {
                let objects = m.nodes.len().saturating_sub(1);
                let paths = if *total == 1 {
                    "1 shortest path".to_owned()
                } else {
                    format!("{} shortest paths", grouped(*total))
                };
                format!("{paths} from the root · {objects} objects")
            }
            None => {
                let cut = if m.truncated { " · cut at 500 nodes" } else { "" };
                format!(
                    "{} kinds of referrers · {} edges · {K} largest per unfolded node{cut}",
                    grouped(m.nodes.len().saturating_sub(1) as u64),
                    grouped(m.edges.len() as u64)
                )
            }
        },
        Load::Loading => "Loading the graph…".into(),
        Load::Failed(..) => String::new(),
    };
    let chains_text = move || match load.get() {
        Load::Ready(m) if m.pattern.is_some() => m.pattern.clone().map(|text| {
            view! {
                <details class="gx-paths" data-test="graph-rp-text">
                    <summary>"heapy's rp"</summary>
                    <pre>{text}</pre>
                </details>
            }
        }),
        Load::Ready(m) => m.chains.as_ref().map(|(_, lines)| {
            let text = lines.join("\n");
            view! {
                <details class="gx-paths" data-test="graph-paths">
                    <summary>"heapy's shpaths"</summary>
                    <pre>{text}</pre>
                </details>
            }
        }),
        _ => None,
    };
    let fold_all = {
        let navigate = navigate.clone();
        move |_| {
            let r = route.get_untracked();
            navigate(&PartitionRoute { expand: Vec::new(), ..r }.href(), Default::default());
        }
    };
    let fit = move |_| with_drawing(&|d| d.fit());
    let pattern = move || route.read().pattern;
    let toggle_pattern = {
        let navigate = navigate.clone();
        move |_| {
            let r = route.get_untracked();
            navigate(&PartitionRoute { pattern: !r.pattern, expand: Vec::new(), ..r }.href(), Default::default());
        }
    };
    let single = move || matches!(load.get(), Load::Ready(m) if m.chains.is_some());
    let inspect_current = {
        let navigate = navigate.clone();
        move |_| {
            let q = route.get_untracked().query;
            let navigate = navigate.clone();
            link::open(route, q, resolving, Rc::new(move |href: String| navigate(&href, Default::default())));
        }
    };
    let overlay = move || load.with(|l| l.overlay(draw_error.get()));
    let resolve_box = move || status::resolving_box(resolving.get());
    let state = move || load.with(|l| l.state(busy.get(), || drawn.get()));
    let has_expand = move || !route.read().expand.is_empty();

    view! {
        <div class="viz-view gx-view">
            <div class="viz-tools">
                <span class="dim viz-summary" data-test="graph-summary">{summary}</span>
                <span class="viz-legend dim">
                    <span class="gx-legend-arrow">"→"</span>" refers to · "
                    {move || if pattern() {
                        "click: make it the set (its own pattern) · drag, wheel to zoom"
                    } else if single() {
                        "i: inspect · click: its own paths"
                    } else {
                        "+: who holds it · click: make it the set · drag, wheel to zoom"
                    }}
                </span>
                <span class="viz-tools-end">
                    <Show when=single>
                        <button class="btn btn-small" type="button" data-test="graph-inspect-current" on:click=inspect_current.clone()>
                            "Inspect the object"
                        </button>
                    </Show>
                    <Show when=has_expand>
                        <button class="btn btn-small" type="button" data-test="graph-fold-all" on:click=fold_all.clone()>"Fold all"</button>
                    </Show>
                    <button class="btn btn-small" type="button" data-test="graph-pattern" on:click=toggle_pattern
                        aria-pressed=move || pattern().to_string()
                        title="heapy's rp: the referrers by kind, and theirs, to depth 7, as one tree">
                        "Reference pattern"
                    </button>
                    <button class="btn btn-small" type="button" data-test="graph-fit" on:click=fit title="Zoom to show the whole graph">"Fit"</button>
                </span>
            </div>
            <div
                class="viz-stage gx-stage"
                class:busy=move || busy.get()
                data-test="graph"
                data-state=state
                data-layout=move || if resting.get() { "resting" } else { "running" }
                data-fps=move || fps.get().map(|f| format!("{f:.1}"))
                on:mousemove=on_move
                on:mouseleave=on_leave
                on:click=on_click
            >
                <div class="gx-canvas" node_ref=host></div>
                {move || (busy.get() && !drawn.get()).then(|| view! { <div class="viz-skeleton" aria-busy="true"></div> })}
                {tooltip}
                {overlay}
                {resolve_box}
                {a11y}
            </div>
            {chains_text}
        </div>
    }
}
