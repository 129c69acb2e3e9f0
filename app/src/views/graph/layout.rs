//! The referrer graph's drawing: the canvas, the d3-force simulation that lays the nodes
//! out, d3-zoom and d3-drag, hit testing, and the frame rate of a new layout.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::viz::canvas;
use crate::viz::d3;
use crate::viz::palette;

use super::model::{radius, short, Model, NodeKind};
use super::paint::{Palette, ALL_LABELS, EDGE_LABELS, TOP_LABELS};

/// How long the frame rate of a new layout is measured (ms).
const FPS_WINDOW_MS: f64 = 3000.0;

/// What is under the pointer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Hit {
    Node(usize),
    /// A node's control (`+`/`−` or `i`).
    Control(usize),
    /// An edge's name label.
    EdgeLabel(usize),
}

/// An edge label's box: the edge and `x0 y0 x1 y1` in graph coordinates.
pub(super) type LabelBox = (usize, f64, f64, f64, f64);

/// What a redraw keeps of the previous drawing: node positions by id, and the zoom
/// transform (`tx`, `ty`, `k`).
pub(super) type Previous = (HashMap<String, (f64, f64)>, (f64, f64, f64));

/// The drawn graph: the canvas, the simulation, and every callback d3 holds.
pub(super) struct Drawing {
    pub(super) model: Model,
    pub(super) sim: d3::Simulation,
    pub(super) sim_nodes: Vec<d3::SimNode>,
    pub(super) canvas: web_sys::Element,
    pub(super) ctx: canvas::Ctx,
    pub(super) size: Cell<(f64, f64)>,
    pub(super) dpr: f64,
    pub(super) palette: RefCell<Palette>,
    pub(super) radii: Vec<f64>,
    pub(super) fills: Vec<String>,
    pub(super) widths: Vec<f64>,
    pub(super) labels: Vec<String>,
    pub(super) labelled: Vec<bool>,
    pub(super) edge_labels: Vec<Option<String>>,
    pub(super) chains: bool,
    /// Positions at the last paint (graph coordinates).
    pub(super) pos: RefCell<Vec<(f64, f64)>>,
    /// Edge label boxes at the last paint (graph coordinates).
    pub(super) label_boxes: RefCell<Vec<LabelBox>>,
    /// The zoom transform: translate x, y and scale k.
    pub(super) transform: Cell<(f64, f64, f64)>,
    pub(super) hover: Cell<Option<Hit>>,
    pub(super) focus: Cell<Option<usize>>,
    pub(super) zoom: d3::ZoomBehavior,
    pub(super) _closures: RefCell<Vec<Box<dyn std::any::Any>>>,
}

impl Drawing {
    /// Where every node is now, by id (kept across redraws so an expansion does not jump).
    pub(super) fn positions(&self) -> HashMap<String, (f64, f64)> {
        self.model.nodes.iter().zip(self.pos.borrow().iter()).map(|(n, &p)| (n.id.clone(), p)).collect()
    }

    pub(super) fn stop(&self) {
        self.sim.on("tick", &JsValue::NULL);
        self.sim.on("end", &JsValue::NULL);
        self.sim.stop();
        d3::select(&self.canvas).on(".zoom", &JsValue::NULL).on(".drag", &JsValue::NULL);
    }

    /// Zooms so that every node (with room for its label) is in view, never beyond 1:1.
    pub(super) fn fit(&self) {
        let pos = self.pos.borrow().clone();
        if pos.is_empty() {
            return;
        }
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (i, &(x, y)) in pos.iter().enumerate() {
            let r = self.radii[i];
            x0 = x0.min(x - r - 30.0);
            x1 = x1.max(x + r + 30.0);
            y0 = y0.min(y - r - 10.0);
            y1 = y1.max(y + r + 22.0);
        }
        let (w, h) = self.size.get();
        let k = (w / (x1 - x0)).min(h / (y1 - y0)).clamp(0.1, 1.0);
        let (tx, ty) = (w / 2.0 - k * (x0 + x1) / 2.0, h / 2.0 - k * (y0 + y1) / 2.0);
        self.set_view(tx, ty, k);
    }

    /// Jumps to the zoom transform (`tx`, `ty`, `k`).
    pub(super) fn set_view(&self, tx: f64, ty: f64, k: f64) {
        d3::ZOOM_IDENTITY.with(|t| self.zoom.set_transform(&d3::select(&self.canvas), &t.translate(tx, ty).scale(k)));
    }

    /// Whether some node lies outside the canvas.
    pub(super) fn overflows(&self) -> bool {
        let (w, h) = self.size.get();
        (0..self.model.nodes.len()).any(|i| {
            let (x, y) = self.screen_of(i);
            x < 0.0 || y < 0.0 || x > w || y > h
        })
    }

    /// Whether node `i` shows its control (all do in small graphs or close up; else only the
    /// one under the pointer or with the keyboard focus).
    pub(super) fn shows_control(&self, i: usize) -> bool {
        let n = &self.model.nodes[i];
        let has = match n.kind {
            // a reference pattern is drawn whole: nothing to unfold
            NodeKind::Group { .. } => !n.current && self.model.pattern.is_none(),
            NodeKind::Object { .. } => true,
            NodeKind::Root => false,
        };
        let k = self.transform.get().2;
        has && (self.model.nodes.len() <= 150
            || k >= 1.5
            || matches!(self.hover.get(), Some(Hit::Node(h) | Hit::Control(h)) if h == i)
            || self.focus.get() == Some(i))
    }

    /// Graph coordinates of a point on the canvas (CSS pixels from its corner).
    pub(super) fn to_graph(&self, px: f64, py: f64) -> (f64, f64) {
        let (tx, ty, k) = self.transform.get();
        ((px - tx) / k, (py - ty) / k)
    }

    /// What is at canvas point (`px`, `py`): controls first, then nodes (topmost), then edge labels.
    pub(super) fn hit(&self, px: f64, py: f64) -> Option<Hit> {
        let (gx, gy) = self.to_graph(px, py);
        let k = self.transform.get().2;
        let pos = self.pos.borrow();
        for i in (0..pos.len()).rev() {
            if self.shows_control(i) {
                let (cx, cy) = self.control_at(i, pos[i]);
                if (gx - cx).hypot(gy - cy) <= 8.0 / k {
                    return Some(Hit::Control(i));
                }
            }
        }
        for i in (0..pos.len()).rev() {
            let (x, y) = pos[i];
            if (gx - x).hypot(gy - y) <= self.radii[i] + 2.0 / k {
                return Some(Hit::Node(i));
            }
        }
        self.label_boxes
            .borrow()
            .iter()
            .rev()
            .find(|&&(_, x0, y0, x1, y1)| gx >= x0 && gx <= x1 && gy >= y0 && gy <= y1)
            .map(|&(e, ..)| Hit::EdgeLabel(e))
    }

    /// The centre of node `i`'s control (graph coordinates).
    pub(super) fn control_at(&self, i: usize, (x, y): (f64, f64)) -> (f64, f64) {
        let k = self.transform.get().2;
        let off = self.radii[i] * 0.72 + 3.0 / k;
        (x + off, y - off)
    }

    /// Node `i`'s position on the canvas (CSS pixels).
    pub(super) fn screen_of(&self, i: usize) -> (f64, f64) {
        let (tx, ty, k) = self.transform.get();
        let (x, y) = self.pos.borrow()[i];
        (x * k + tx, y * k + ty)
    }

    pub(super) fn resize(&self, w: f64, h: f64) {
        self.size.set((w, h));
        let _ = self.canvas.set_attribute("width", &format!("{}", (w * self.dpr).round()));
        let _ = self.canvas.set_attribute("height", &format!("{}", (h * self.dpr).round()));
        let _ = self.canvas.set_attribute("style", &format!("width:{w}px;height:{h}px"));
        *self.palette.borrow_mut() = Palette::read(&self.canvas);
        self.paint();
    }
}

/// Builds the canvas into `host` and starts the layout.
pub(super) fn draw(
    host: &web_sys::Element,
    model: Model,
    old: Option<Previous>,
    fps_out: RwSignal<Option<f64>>,
    settled: RwSignal<u32>,
    resting: RwSignal<bool>,
) -> Result<Rc<Drawing>, JsValue> {
    // a redraw of the same graph (an expansion) keeps positions and zoom; a new one fits
    // itself into view once its layout rests
    let (old, old_view) = match old {
        Some((p, v)) => (p, Some(v)),
        None => (HashMap::new(), None),
    };
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let (w, h) = (host.client_width().max(200) as f64, host.client_height().max(200) as f64);
    let max_size = model.nodes.iter().filter_map(|n| n.size).max().unwrap_or(1);
    let radii: Vec<f64> = model.nodes.iter().map(|n| radius(n, max_size)).collect();
    let chains = model.chains.is_some();
    let max_depth = model.max_depth().max(1);
    // towards the root is up: groups have the current set (depth 0) at the bottom, chains
    // have the root (depth 0) at the top
    let margin = 50.0;
    let layer = ((h - 2.0 * margin) / max_depth as f64).min(180.0);
    let mid = h / 2.0 + layer * max_depth as f64 / 2.0;
    let level_y = |depth: u32| -> f64 {
        if chains {
            mid - layer * (max_depth - depth) as f64
        } else {
            mid - layer * depth as f64
        }
    };

    // which nodes get a label: all in a small graph, else the largest and the special ones
    let mut labelled = vec![model.nodes.len() <= ALL_LABELS; model.nodes.len()];
    if model.nodes.len() > ALL_LABELS {
        let mut order: Vec<usize> = (0..model.nodes.len()).collect();
        order.sort_by(|&a, &b| radii[b].total_cmp(&radii[a]));
        for &i in order.iter().take(TOP_LABELS) {
            labelled[i] = true;
        }
        for (i, n) in model.nodes.iter().enumerate() {
            if n.current || (n.expanded && !chains) {
                labelled[i] = true;
            }
        }
    }
    let max_count = model.edges.iter().filter_map(|e| e.count).max().unwrap_or(1).max(1);
    let widths: Vec<f64> = model
        .edges
        .iter()
        .map(|e| match e.count {
            Some(c) => 1.0 + 3.0 * (c as f64 / max_count as f64).sqrt(),
            None => 1.5,
        })
        .collect();
    let edge_labels: Vec<Option<String>> = model
        .edges
        .iter()
        .map(|e| {
            (model.edges.len() <= EDGE_LABELS).then_some(())?;
            let (name, _) = e.via.first()?;
            let more = if e.via.len() > 1 { format!(" +{}", e.via.len() - 1) } else { String::new() };
            Some(format!("{}{more}", short(name, 24)))
        })
        .collect();

    let el = doc.create_element("canvas")?;
    el.set_attribute("class", "gx-canvas-el")?;
    el.set_attribute("data-test", "graph-canvas")?;
    el.set_attribute("aria-hidden", "true")?;
    host.replace_children_with_node_1(&el);
    let ctx = canvas::context(&el).ok_or("no 2D canvas context")?;
    let palette = Palette::read(&el);
    let fills: Vec<String> = model
        .nodes
        .iter()
        .map(|n| format!("hsl({} {} {})", palette::label_hue(&n.label), palette.node_s, palette.node_l))
        .collect();
    let labels: Vec<String> = model.nodes.iter().map(|n| short(&n.label, 32)).collect();

    // simulation nodes: numbers only (positions carried over where known)
    let mut json = String::from("[");
    let mut carried = 0;
    for (i, n) in model.nodes.iter().enumerate() {
        let ty = level_y(n.depth);
        let (x, y) = match old.get(&n.id) {
            Some(&p) => {
                carried += 1;
                p
            }
            None => {
                // near a node it refers to, if that one was placed before, else on its layer
                let anchor = model.edges.iter().find(|e| e.from == i).and_then(|e| old.get(&model.nodes[e.to].id));
                let jitter = ((i * 7919) % 97) as f64 - 48.0;
                match anchor {
                    Some(&(ax, ay)) => (ax + jitter, ay - layer * 0.6),
                    None => (w / 2.0 + jitter * 4.0, ty),
                }
            }
        };
        if i > 0 {
            json.push(',');
        }
        // the collision radius leaves room for the label under the dot
        let label_half = if labelled[i] { labels[i].chars().count() as f64 * 3.4 } else { 0.0 };
        let c = (radii[i] + 4.0).max(label_half);
        json.push_str(&format!(
            "{{\"i\":{i},\"r\":{:.2},\"c\":{c:.1},\"ty\":{ty:.1},\"x\":{x:.1},\"y\":{y:.1}}}",
            radii[i]
        ));
    }
    json.push(']');
    let nodes_arr: js_sys::Array = js_sys::JSON::parse(&json)?.unchecked_into();
    // longer links into a node many refer to: its referrers fan out instead of crowding it
    let mut fan_in = vec![0usize; model.nodes.len()];
    for e in &model.edges {
        fan_in[e.to] += 1;
    }
    let mut links_json = String::from("[");
    for (i, e) in model.edges.iter().enumerate() {
        if i > 0 {
            links_json.push(',');
        }
        let spread = (fan_in[e.to].min(24) as f64 * 14.0).min(if model.nodes.len() > 150 { 60.0 } else { 320.0 });
        let d = radii[e.from] + radii[e.to] + if chains { 70.0 } else { 50.0 } + spread;
        links_json.push_str(&format!("{{\"source\":{},\"target\":{},\"d\":{d:.1}}}", e.from, e.to));
    }
    links_json.push(']');
    let links_arr: js_sys::Array = js_sys::JSON::parse(&links_json)?.unchecked_into();

    let n = model.nodes.len() as f64;
    let link_distance = Closure::<dyn Fn(d3::LinkDatum) -> f64>::new(|l: d3::LinkDatum| l.d());
    let collide_r = Closure::<dyn Fn(d3::SimNode) -> f64>::new(|s: d3::SimNode| s.c());
    let target_y = Closure::<dyn Fn(d3::SimNode) -> f64>::new(|s: d3::SimNode| s.ty());
    let sim = d3::force_simulation(&nodes_arr)
        .force("link", &d3::force_link(&links_arr).distance(link_distance.as_ref()).strength(&JsValue::from_f64(0.3)))
        .force(
            "charge",
            &d3::force_many_body()
                .strength(&JsValue::from_f64(if n > 200.0 { -80.0 } else { -500.0 }))
                .distance_max(500.0),
        )
        .force("collide", &d3::force_collide(collide_r.as_ref()))
        .force("center", &d3::force_center(w / 2.0, h / 2.0))
        .force("layer", &d3::force_y(target_y.as_ref()).strength(&JsValue::from_f64(0.12)))
        .force("x", &d3::force_x(&JsValue::from_f64(w / 2.0)).strength(&JsValue::from_f64(0.02)));
    sim.alpha_decay(0.03);
    if carried * 2 > model.nodes.len() {
        sim.set_alpha(0.5);
    }
    let sim_nodes: Vec<d3::SimNode> = nodes_arr.iter().map(|v| v.unchecked_into()).collect();
    let count = model.nodes.len();
    let edge_count = model.edges.len();

    let drawing = Rc::new(Drawing {
        model,
        sim: sim.clone(),
        sim_nodes: sim_nodes.clone(),
        canvas: el.clone(),
        ctx,
        size: Cell::new((w, h)),
        dpr: canvas::pixel_ratio(),
        palette: RefCell::new(palette),
        radii,
        fills,
        widths,
        labels,
        labelled,
        edge_labels,
        chains,
        pos: RefCell::new(Vec::new()),
        label_boxes: RefCell::new(Vec::new()),
        transform: Cell::new((0.0, 0.0, 1.0)),
        hover: Cell::new(None),
        focus: Cell::new(None),
        zoom: d3::zoom(),
        _closures: RefCell::new(Vec::new()),
    });
    let weak = Rc::downgrade(&drawing);

    let w1 = weak.clone();
    let on_tick = Closure::<dyn Fn()>::new(move || {
        if let Some(d) = w1.upgrade() {
            d.paint();
        }
    });
    sim.on("tick", on_tick.as_ref());

    // pan and zoom: the transform is applied when painting
    let w2 = weak.clone();
    let on_zoom = Closure::<dyn Fn(d3::ZoomEvent)>::new(move |ev: d3::ZoomEvent| {
        if let Some(d) = w2.upgrade() {
            let t = ev.transform();
            d.transform.set((t.x(), t.y(), t.k()));
            d.paint();
        }
    });
    let settle_zoom = Closure::<dyn Fn()>::new(move || {
        settled.try_update(|n| *n += 1);
    });
    drawing
        .zoom
        .scale_extent(&js_sys::Array::of2(&JsValue::from_f64(0.1), &JsValue::from_f64(8.0)))
        .on("zoom", on_zoom.as_ref())
        .on("end", settle_zoom.as_ref());

    // drag a node: the subject is the node under the pointer (d3's simulation.find)
    let w3 = weak.clone();
    let subject = Closure::<dyn Fn(d3::DragEvent) -> JsValue>::new(move |ev: d3::DragEvent| {
        let Some(d) = w3.upgrade() else { return JsValue::NULL };
        match d.hit(ev.x(), ev.y()) {
            Some(Hit::Node(i)) => {
                let (gx, gy) = d.to_graph(ev.x(), ev.y());
                let found = d.sim.find(gx, gy, d.radii[i] + 4.0);
                if found.is_object() {
                    found
                } else {
                    JsValue::from(d.sim_nodes[i].clone())
                }
            }
            _ => JsValue::NULL,
        }
    });
    let w4 = weak.clone();
    let drag_start = Closure::<dyn Fn(d3::DragEvent)>::new(move |ev: d3::DragEvent| {
        let Some(d) = w4.upgrade() else { return };
        if ev.active() == 0 {
            resting.try_set(false);
            d.sim.alpha_target(0.3).restart();
        }
        let n: d3::SimNode = ev.subject().unchecked_into();
        n.set_fx(Some(n.x()));
        n.set_fy(Some(n.y()));
    });
    let w5 = weak.clone();
    let drag_move = Closure::<dyn Fn(d3::DragEvent)>::new(move |ev: d3::DragEvent| {
        let Some(d) = w5.upgrade() else { return };
        let (gx, gy) = d.to_graph(ev.x(), ev.y());
        let n: d3::SimNode = ev.subject().unchecked_into();
        n.set_fx(Some(gx));
        n.set_fy(Some(gy));
    });
    let w6 = weak.clone();
    let drag_end = Closure::<dyn Fn(d3::DragEvent)>::new(move |ev: d3::DragEvent| {
        let Some(d) = w6.upgrade() else { return };
        if ev.active() == 0 {
            d.sim.alpha_target(0.0);
        }
        let n: d3::SimNode = ev.subject().unchecked_into();
        n.set_fx(None);
        n.set_fy(None);
    });
    let drag = d3::drag()
        .subject(subject.as_ref())
        .on("start", drag_start.as_ref())
        .on("drag", drag_move.as_ref())
        .on("end", drag_end.as_ref());
    // drag first: a gesture on a node is not a pan
    let selection = d3::select(&el).apply(&drag).apply(&drawing.zoom);
    selection.on("dblclick.zoom", &JsValue::NULL);

    // the frame rate of the first seconds of the layout; "settled" when it ends
    let running = Rc::new(Cell::new(true));
    let ended = running.clone();
    let fit_on_end = old_view.is_none() || carried == 0;
    let w7 = weak.clone();
    let on_end = Closure::<dyn Fn()>::new(move || {
        if ended.get() && fit_on_end {
            if let Some(d) = w7.upgrade() {
                if d.overflows() {
                    d.fit();
                }
            }
        }
        ended.set(false);
        resting.try_set(true);
        settled.try_update(|n| *n += 1);
    });
    sim.on("end", on_end.as_ref());
    count_frames(running, count, edge_count, el.clone(), fps_out);

    drawing._closures.borrow_mut().extend([
        Box::new(link_distance) as Box<dyn std::any::Any>,
        Box::new(collide_r),
        Box::new(target_y),
        Box::new(on_tick),
        Box::new(on_zoom),
        Box::new(settle_zoom),
        Box::new(subject),
        Box::new(drag_start),
        Box::new(drag_move),
        Box::new(drag_end),
        Box::new(on_end),
    ]);
    drawing.resize(w, h);
    if let (Some((tx, ty, k)), true) = (old_view, carried > 0) {
        drawing.set_view(tx, ty, k);
    }
    Ok(drawing)
}

/// Counts animation frames while the layout runs (at most [`FPS_WINDOW_MS`]), then records
/// the rate: `performance.measure("heaplens:graph-frames")` and `data-fps` on the stage.
pub(super) fn count_frames(
    running: Rc<Cell<bool>>,
    nodes: usize,
    edges: usize,
    host: web_sys::Element,
    out: RwSignal<Option<f64>>,
) {
    let start = d3::now();
    fn frame(
        start: f64,
        frames: u32,
        running: Rc<Cell<bool>>,
        nodes: usize,
        edges: usize,
        host: web_sys::Element,
        out: RwSignal<Option<f64>>,
    ) {
        request_animation_frame(move || {
            let now = d3::now();
            let frames = frames + 1;
            let elapsed = now - start;
            if host.is_connected() && running.get() && elapsed < FPS_WINDOW_MS {
                frame(start, frames, running, nodes, edges, host, out);
                return;
            }
            if !host.is_connected() || elapsed < 250.0 {
                return; // gone, or too short to say
            }
            let fps = frames as f64 * 1000.0 / elapsed;
            d3::measure(
                "heaplens:graph-frames",
                start,
                now,
                &[("fps", fps), ("frames", frames as f64), ("nodes", nodes as f64), ("edges", edges as f64)],
            );
            out.try_set(Some(fps));
        });
    }
    frame(start, 0, running, nodes, edges, host, out);
}
