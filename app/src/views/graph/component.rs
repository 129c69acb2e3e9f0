//! The referrer graph (`view=graph`): who holds the set, by kind, unfolded towards the root.
//!
//! Nodes are kinds of referrers from the server's `/graph` (count and size; the radius grows
//! with the size), edges the references between them with their commonest edge names (heapy's
//! via). A node's `+` adds its query to `expand` in the URL (its referrers appear, one level
//! nearer the root); a click on a node makes its set the current one. For a set of one object
//! the graph shows the object's real referrer chains up to the root instead (the shortest
//! paths of `/objects/{addr}`), each node an object. With `graph=rp` in the URL it draws
//! heapy's reference pattern of the set instead (`/rp`): a node per line, an edge from each
//! line to the line it refers to, a `[^ N]` line as an edge to line N's node.
//!
//! Layout is d3-force (link, many-body, collide, centre, and a gentle pull that layers the
//! nodes by depth: the root side on top); the graph is painted on one canvas, again on every tick;
//! d3-zoom pans and zooms, d3-drag moves nodes. The frame rate of the first seconds of a
//! layout is measured (`heaplens:graph-frames`, and `data-fps` on the stage).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use heaplens_wire::{GraphView, ObjectView, RpView};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::viz::canvas;
use crate::viz::d3;
use crate::ui::format::{bytes, exact_bytes, grouped};
use crate::views::object::link::{self, atom_address, inspector_route, object_graph_route};
use crate::ui::perf;
use crate::route::partition::PartitionRoute;
use crate::views::ViewCtx;
use crate::viz::status;

/// heapy's default depth of a reference pattern.
const RP_DEPTH: u32 = 7;
/// Referrer groups per unfolded node.
pub const K: u32 = 12;
/// Node labels are drawn for all nodes up to this many, else for the largest ones.
const ALL_LABELS: usize = 80;
const TOP_LABELS: usize = 60;
/// Edge labels (the commonest name) are drawn up to this many edges.
const EDGE_LABELS: usize = 60;
/// How long the frame rate of a new layout is measured (ms).
const FPS_WINDOW_MS: f64 = 3000.0;

pub fn render(ctx: ViewCtx) -> AnyView {
    view! { <Graph ctx/> }.into_any()
}

/// What a node stands for.
#[derive(Debug, Clone, PartialEq)]
enum NodeKind {
    /// A set of objects (a kind of referrers), by its query.
    Group { query: String },
    /// One object on a path from the root.
    Object { addr: String },
    /// `hp.Root`.
    Root,
}

#[derive(Debug, Clone)]
struct Node {
    id: String,
    kind: NodeKind,
    label: String,
    count: Option<u64>,
    size: Option<u64>,
    depth: u32,
    current: bool,
    expanded: bool,
}

#[derive(Debug, Clone)]
struct Edge {
    from: usize,
    to: usize,
    count: Option<u64>,
    via: Vec<(String, Option<u64>)>,
}

/// A graph ready to draw.
#[derive(Debug, Clone)]
struct Model {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    truncated: bool,
    /// Object chains: heapy's shortest-path lines and the number of paths.
    chains: Option<(u64, Vec<String>)>,
    /// A reference pattern: heapy's text of it.
    pattern: Option<String>,
}

impl Model {
    fn from_groups(g: &GraphView) -> Self {
        let index: HashMap<&str, usize> = g.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        let nodes = g
            .nodes
            .iter()
            .map(|n| Node {
                id: n.id.clone(),
                kind: NodeKind::Group { query: n.query.clone() },
                label: n.label.clone(),
                count: Some(n.count),
                size: Some(n.size),
                depth: n.depth,
                current: n.current,
                expanded: n.expanded,
            })
            .collect();
        let edges = g
            .edges
            .iter()
            .filter_map(|e| {
                Some(Edge {
                    from: *index.get(e.from.as_str())?,
                    to: *index.get(e.to.as_str())?,
                    count: Some(e.count),
                    via: e.via.iter().map(|v| (v.name.clone(), Some(v.count))).collect(),
                })
            })
            .collect();
        Model { nodes, edges, truncated: g.truncated, chains: None, pattern: None }
    }

    /// The object's shortest paths from the root as a graph: the root, every object on a
    /// path (once), an edge per step with its edge name.
    fn from_object(o: &ObjectView) -> Self {
        let mut nodes = vec![Node {
            id: "0x0".into(),
            kind: NodeKind::Root,
            label: "hp.Root".into(),
            count: None,
            size: None,
            depth: 0,
            current: false,
            expanded: true,
        }];
        let mut edges: Vec<Edge> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::from([("0x0".to_owned(), 0)]);
        for path in &o.shpaths.paths {
            let mut prev = 0;
            for (j, step) in path.iter().enumerate() {
                let i = *index.entry(step.addr.clone()).or_insert_with(|| {
                    nodes.push(Node {
                        id: step.addr.clone(),
                        kind: NodeKind::Object { addr: step.addr.clone() },
                        label: step.brief.clone(),
                        count: Some(1),
                        size: None,
                        depth: j as u32 + 1,
                        current: false,
                        expanded: true,
                    });
                    nodes.len() - 1
                });
                match edges.iter_mut().find(|e| e.from == prev && e.to == i) {
                    Some(e) => {
                        if !e.via.iter().any(|(n, _)| n == &step.name) {
                            e.via.push((step.name.clone(), None));
                        }
                    }
                    None => edges.push(Edge { from: prev, to: i, count: None, via: vec![(step.name.clone(), None)] }),
                }
                prev = i;
            }
        }
        // the object itself (also when no path reaches it)
        let target = match index.get(&o.addr) {
            Some(&i) => i,
            None => {
                nodes.push(Node {
                    id: o.addr.clone(),
                    kind: NodeKind::Object { addr: o.addr.clone() },
                    label: o.brief.clone(),
                    count: Some(1),
                    size: Some(o.size),
                    depth: 1,
                    current: true,
                    expanded: true,
                });
                nodes.len() - 1
            }
        };
        nodes[target].current = true;
        nodes[target].size = Some(o.size);
        Model { nodes, edges, truncated: false, chains: Some((o.shpaths.total, o.shpaths.text.clone())), pattern: None }
    }

    /// heapy's reference pattern as a graph: a node per line that is not `[^ N]` (line 0 the
    /// current set, layered by depth), an edge from each line to its parent line (it refers
    /// to it); a `[^ N]` line is an edge from line N's node instead.
    fn from_pattern(rp: &RpView) -> Self {
        let mut node_of: Vec<usize> = Vec::with_capacity(rp.lines.len());
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for (i, l) in rp.lines.iter().enumerate() {
            let n = match l.seen {
                Some(seen) => node_of[seen as usize],
                None => {
                    nodes.push(Node {
                        id: format!("rp-{i}"),
                        kind: match &l.set_query {
                            Some(query) => NodeKind::Group { query: query.clone() },
                            None => NodeKind::Root,
                        },
                        label: format!("{} {}", l.name, l.kind),
                        count: Some(l.count),
                        size: Some(l.size),
                        depth: l.depth,
                        current: i == 0,
                        expanded: l.marker == "[-]",
                    });
                    nodes.len() - 1
                }
            };
            node_of.push(n);
            if let Some(p) = l.parent {
                edges.push(Edge { from: n, to: node_of[p as usize], count: Some(l.count), via: Vec::new() });
            }
        }
        Model { nodes, edges, truncated: !rp.complete, chains: None, pattern: Some(rp.text.clone()) }
    }

    fn max_depth(&self) -> u32 {
        self.nodes.iter().map(|n| n.depth).max().unwrap_or(0)
    }
}

/// A node's radius: by size for groups (area ∝ bytes), fixed for objects.
fn radius(n: &Node, max_size: u64) -> f64 {
    match (&n.kind, n.size) {
        (NodeKind::Group { .. }, Some(s)) if max_size > 0 => 5.0 + 25.0 * (s as f64 / max_size as f64).sqrt(),
        (NodeKind::Root, _) => 9.0,
        _ if n.current => 11.0,
        _ => 7.0,
    }
}

/// A stable hue per label (same kind, same colour).
fn hue_of(label: &str) -> u32 {
    let mut h: u32 = 2166136261;
    for b in label.bytes() {
        h = (h ^ b as u32).wrapping_mul(16777619);
    }
    h % 360
}

/// `text` cut to `n` characters with an ellipsis.
fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(n - 1).collect();
        s.push('…');
        s
    }
}

/// Colours of the drawing, read from the page's CSS variables (light or dark).
struct Palette {
    link: String,
    text: String,
    dim: String,
    bg: String,
    accent: String,
    focus: String,
    node_s: String,
    node_l: String,
}

impl Palette {
    fn read(el: &web_sys::Element) -> Self {
        let v = |name: &str, default: &str| {
            let s = canvas::css_var(el, name);
            if s.is_empty() {
                default.to_owned()
            } else {
                s
            }
        };
        Palette {
            link: v("--link", "#9aa0a6"),
            text: v("--text", "#1f1f1f"),
            dim: v("--text-dim", "#5f6368"),
            bg: v("--bg", "#ffffff"),
            accent: v("--accent", "#1a73e8"),
            focus: v("--focus", "#1a73e8"),
            node_s: v("--node-s", "60%"),
            node_l: v("--node-l", "62%"),
        }
    }
}

/// What is under the pointer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Hit {
    Node(usize),
    /// A node's control (`+`/`−` or `i`).
    Control(usize),
    /// An edge's name label.
    EdgeLabel(usize),
}

/// An edge label's box: the edge and `x0 y0 x1 y1` in graph coordinates.
type LabelBox = (usize, f64, f64, f64, f64);

/// What a redraw keeps of the previous drawing: node positions by id, and the zoom
/// transform (`tx`, `ty`, `k`).
type Previous = (HashMap<String, (f64, f64)>, (f64, f64, f64));

/// The drawn graph: the canvas, the simulation, and every callback d3 holds.
struct Drawing {
    model: Model,
    sim: d3::Simulation,
    sim_nodes: Vec<d3::SimNode>,
    canvas: web_sys::Element,
    ctx: canvas::Ctx,
    size: Cell<(f64, f64)>,
    dpr: f64,
    palette: RefCell<Palette>,
    radii: Vec<f64>,
    fills: Vec<String>,
    widths: Vec<f64>,
    labels: Vec<String>,
    labelled: Vec<bool>,
    edge_labels: Vec<Option<String>>,
    chains: bool,
    /// Positions at the last paint (graph coordinates).
    pos: RefCell<Vec<(f64, f64)>>,
    /// Edge label boxes at the last paint (graph coordinates).
    label_boxes: RefCell<Vec<LabelBox>>,
    /// The zoom transform: translate x, y and scale k.
    transform: Cell<(f64, f64, f64)>,
    hover: Cell<Option<Hit>>,
    focus: Cell<Option<usize>>,
    zoom: d3::ZoomBehavior,
    _closures: RefCell<Vec<Box<dyn std::any::Any>>>,
}

impl Drawing {
    /// Where every node is now, by id (kept across redraws so an expansion does not jump).
    fn positions(&self) -> HashMap<String, (f64, f64)> {
        self.model.nodes.iter().zip(self.pos.borrow().iter()).map(|(n, &p)| (n.id.clone(), p)).collect()
    }

    fn stop(&self) {
        self.sim.on("tick", &JsValue::NULL);
        self.sim.on("end", &JsValue::NULL);
        self.sim.stop();
        d3::select(&self.canvas).on(".zoom", &JsValue::NULL).on(".drag", &JsValue::NULL);
    }

    /// Zooms so that every node (with room for its label) is in view, never beyond 1:1.
    fn fit(&self) {
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
    fn set_view(&self, tx: f64, ty: f64, k: f64) {
        d3::ZOOM_IDENTITY.with(|t| self.zoom.set_transform(&d3::select(&self.canvas), &t.translate(tx, ty).scale(k)));
    }

    /// Whether some node lies outside the canvas.
    fn overflows(&self) -> bool {
        let (w, h) = self.size.get();
        (0..self.model.nodes.len()).any(|i| {
            let (x, y) = self.screen_of(i);
            x < 0.0 || y < 0.0 || x > w || y > h
        })
    }

    /// Whether node `i` shows its control (all do in small graphs or close up; else only the
    /// one under the pointer or with the keyboard focus).
    fn shows_control(&self, i: usize) -> bool {
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
    fn to_graph(&self, px: f64, py: f64) -> (f64, f64) {
        let (tx, ty, k) = self.transform.get();
        ((px - tx) / k, (py - ty) / k)
    }

    /// What is at canvas point (`px`, `py`): controls first, then nodes (topmost), then edge labels.
    fn hit(&self, px: f64, py: f64) -> Option<Hit> {
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
    fn control_at(&self, i: usize, (x, y): (f64, f64)) -> (f64, f64) {
        let k = self.transform.get().2;
        let off = self.radii[i] * 0.72 + 3.0 / k;
        (x + off, y - off)
    }

    /// Node `i`'s position on the canvas (CSS pixels).
    fn screen_of(&self, i: usize) -> (f64, f64) {
        let (tx, ty, k) = self.transform.get();
        let (x, y) = self.pos.borrow()[i];
        (x * k + tx, y * k + ty)
    }

    fn resize(&self, w: f64, h: f64) {
        self.size.set((w, h));
        let _ = self.canvas.set_attribute("width", &format!("{}", (w * self.dpr).round()));
        let _ = self.canvas.set_attribute("height", &format!("{}", (h * self.dpr).round()));
        let _ = self.canvas.set_attribute("style", &format!("width:{w}px;height:{h}px"));
        *self.palette.borrow_mut() = Palette::read(&self.canvas);
        self.paint();
    }

    /// Draws the whole graph at the simulation's current positions.
    fn paint(&self) {
        let c = &self.ctx;
        let p = self.palette.borrow();
        let (w, h) = self.size.get();
        let (tx, ty, k) = self.transform.get();
        let dpr = self.dpr;
        {
            let mut pos = self.pos.borrow_mut();
            pos.clear();
            pos.extend(self.sim_nodes.iter().map(|n| (n.x(), n.y())));
        }
        let pos = self.pos.borrow();
        c.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        c.clear_rect(0.0, 0.0, w, h);
        c.set_transform(dpr * k, 0.0, 0.0, dpr * k, dpr * tx, dpr * ty);
        c.set_line_join("round");

        // references: a line each, stopping at the target's rim, then the arrowheads
        c.set_stroke_style(&p.link);
        c.set_fill_style(&p.link);
        c.set_global_alpha(0.85);
        let head = 7.0 / k.sqrt();
        let mut heads: Vec<[(f64, f64); 3]> = Vec::with_capacity(self.model.edges.len());
        // one short path per edge: a software rasteriser strokes many small paths much faster
        // than one long path of them all (measured: 52 against 21 frames/s at 500 edges)
        let mut width = f64::NAN;
        for (ei, e) in self.model.edges.iter().enumerate() {
            let ((x1, y1), (x2, y2)) = (pos[e.from], pos[e.to]);
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = dx.hypot(dy).max(0.001);
            let (ux, uy) = (dx / len, dy / len);
            let cut = (self.radii[e.to] + 1.5).min(len);
            let (ex, ey) = (x2 - ux * cut, y2 - uy * cut);
            if self.widths[ei] != width {
                width = self.widths[ei];
                c.set_line_width(width);
            }
            c.begin_path();
            c.move_to(x1, y1);
            c.line_to(ex - ux * head * 0.8, ey - uy * head * 0.8);
            c.stroke();
            let (hx, hy) = (ux * head, uy * head);
            heads.push([(ex, ey), (ex - hx - hy * 0.5, ey - hy + hx * 0.5), (ex - hx + hy * 0.5, ey - hy - hx * 0.5)]);
        }
        for [a, b, d] in &heads {
            c.begin_path();
            c.move_to(a.0, a.1);
            c.line_to(b.0, b.1);
            c.line_to(d.0, d.1);
            c.close_path();
            c.fill();
        }
        c.set_global_alpha(1.0);

        // edge names at the middle of their lines
        let mut boxes = self.label_boxes.borrow_mut();
        boxes.clear();
        let fs = 10.0 / k;
        c.set_font(&format!("{fs:.2}px {MONO}"));
        c.set_text_align("center");
        c.set_text_baseline("middle");
        c.set_line_width(3.0 / k);
        for (ei, e) in self.model.edges.iter().enumerate() {
            let Some(text) = &self.edge_labels[ei] else { continue };
            // nearer the holder than the held: lines fan out there, so labels overlap less
            let ((x1, y1), (x2, y2)) = (pos[e.from], pos[e.to]);
            let (mx, my) = (x1 + (x2 - x1) * 0.4, y1 + (y2 - y1) * 0.4);
            let hover = self.hover.get() == Some(Hit::EdgeLabel(ei));
            c.set_stroke_style(&p.bg);
            c.stroke_text(text, mx, my);
            c.set_fill_style(if hover { &p.accent } else { &p.dim });
            c.fill_text(text, mx, my);
            let half = text.chars().count() as f64 * fs * 0.31;
            boxes.push((ei, mx - half, my - fs * 0.6, mx + half, my + fs * 0.6));
        }
        drop(boxes);

        // nodes: a path each (see the edges); plain rims only in smaller graphs, marked rims always
        let dot = |i: usize| {
            let (x, y) = pos[i];
            c.begin_path();
            c.arc(x, y, self.radii[i], 0.0, std::f64::consts::TAU);
        };
        let plain_rims = self.model.nodes.len() <= 150;
        let rim = |i: usize| -> Option<(&str, f64)> {
            let n = &self.model.nodes[i];
            let hovered = matches!(self.hover.get(), Some(Hit::Node(h) | Hit::Control(h)) if h == i);
            if self.focus.get() == Some(i) {
                Some((&p.focus, 3.0))
            } else if hovered {
                Some((&p.accent, 2.5))
            } else if n.current {
                Some((&p.text, 3.0))
            } else if n.expanded && !self.chains {
                Some((&p.accent, 2.0))
            } else {
                None
            }
        };
        let mut fill = "";
        c.set_stroke_style(&p.bg);
        c.set_line_width(1.5 / k);
        let mut marked = Vec::new();
        for i in 0..self.model.nodes.len() {
            dot(i);
            if self.fills[i] != fill {
                fill = &self.fills[i];
                c.set_fill_style(fill);
            }
            c.fill();
            match rim(i) {
                None if plain_rims => c.stroke(),
                None => {}
                Some(r) => marked.push((i, r)),
            }
        }
        for (i, (stroke, width)) in marked {
            dot(i);
            c.set_stroke_style(stroke);
            c.set_line_width(width / k);
            c.stroke();
        }

        // labels under the dots, with a halo
        c.set_text_baseline("top");
        for (i, n) in self.model.nodes.iter().enumerate() {
            let hovered = matches!(self.hover.get(), Some(Hit::Node(h) | Hit::Control(h)) if h == i);
            if !(self.labelled[i] || hovered || self.focus.get() == Some(i)) {
                continue;
            }
            let (x, y) = pos[i];
            let weight = if n.current { "600 " } else { "" };
            c.set_font(&format!("{weight}{:.2}px {MONO}", 11.0 / k));
            let ly = y + self.radii[i] + 3.0 / k;
            c.set_line_width(3.0 / k);
            c.set_stroke_style(&p.bg);
            c.stroke_text(&self.labels[i], x, ly);
            c.set_fill_style(&p.text);
            c.fill_text(&self.labels[i], x, ly);
        }

        // controls
        c.set_text_baseline("middle");
        c.set_font(&format!("700 {:.2}px {UI}", 12.0 / k));
        for (i, n) in self.model.nodes.iter().enumerate() {
            if !self.shows_control(i) {
                continue;
            }
            let (cx, cy) = self.control_at(i, pos[i]);
            let on = self.hover.get() == Some(Hit::Control(i));
            c.begin_path();
            c.arc(cx, cy, 7.0 / k, 0.0, std::f64::consts::TAU);
            c.set_fill_style(if on { &p.accent } else { &p.bg });
            c.fill();
            c.set_stroke_style(&p.accent);
            c.set_line_width(1.5 / k);
            c.stroke();
            let sign = match n.kind {
                NodeKind::Object { .. } => "i",
                _ if n.expanded => "−",
                _ => "+",
            };
            c.set_fill_style(if on { &p.bg } else { &p.accent });
            c.fill_text(sign, cx, cy + 0.5 / k);
        }
    }
}

const MONO: &str = "ui-monospace, \"DejaVu Sans Mono\", Menlo, Consolas, monospace";
const UI: &str = "system-ui, sans-serif";

/// Builds the canvas into `host` and starts the layout.
fn draw(
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
        .map(|n| format!("hsl({} {} {})", hue_of(&n.label), palette.node_s, palette.node_l))
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
fn count_frames(
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

#[derive(Clone)]
enum Load {
    Loading,
    Failed(ApiError),
    Ready(Rc<Model>),
}

/// Where the pointer is and what is under it (for the tooltip).
#[derive(Clone, Copy, PartialEq)]
enum Hover {
    Node(usize),
    Edge(usize),
}

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
            load.set(match res {
                Ok(m) => Load::Ready(Rc::new(m)),
                Err(e) => Load::Failed(e),
            });
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
    let overlay = move || {
        let failed = match load.get() {
            Load::Failed(error) => Some(error),
            _ => None,
        };
        status::error_overlay(failed, draw_error.get())
    };
    let resolve_box = move || status::resolving_box(resolving.get());
    let state = move || {
        let (failed, ready) = match load.get() {
            Load::Failed(..) => (true, false),
            Load::Ready(..) => (false, drawn.get()),
            _ => (false, false),
        };
        status::state(failed, busy.get(), ready)
    };
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

/// The tooltip's text for a node or an edge.
fn tip_body(model: &Model, what: Hover) -> Option<AnyView> {
    let via_text = |e: &Edge| {
        e.via
            .iter()
            .map(|(n, c)| match c {
                Some(c) => format!("{n} ×{}", grouped(*c)),
                None => n.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(match what {
        Hover::Node(i) => {
            let n = model.nodes.get(i)?.clone();
            let nums = match (n.count, n.size) {
                (Some(c), Some(s)) => Some(format!("{} objects · {} · {}", grouped(c), exact_bytes(s), bytes(s))),
                (_, Some(s)) => Some(format!("{} · {}", exact_bytes(s), bytes(s))),
                _ => None,
            };
            let holds: Vec<String> = model
                .edges
                .iter()
                .filter(|e| e.from == i)
                .take(4)
                .map(|e| format!("holds {} by {}", short(&model.nodes[e.to].label, 40), via_text(e)))
                .collect();
            let held: Vec<String> = model
                .edges
                .iter()
                .filter(|e| e.to == i)
                .take(4)
                .map(|e| format!("held by {} by {}", short(&model.nodes[e.from].label, 40), via_text(e)))
                .collect();
            let hint = match (&n.kind, n.current) {
                (NodeKind::Root, _) => "hp.Root: where every path starts",
                (NodeKind::Group { .. }, true) => "the current set",
                (NodeKind::Group { .. }, false) if n.expanded => "click: make it the set · −: fold its referrers",
                (NodeKind::Group { .. }, false) => "click: make it the set · +: unfold its referrers",
                (NodeKind::Object { .. }, true) => "the object · i: inspect it",
                (NodeKind::Object { .. }, false) => "click: its own paths · i: inspect it",
            };
            let query = match &n.kind {
                NodeKind::Group { query } => query.clone(),
                NodeKind::Object { addr } => format!("@{addr}"),
                NodeKind::Root => "hp.Root".into(),
            };
            view! {
                <div class="viz-tip-label" data-test="graph-tip-label">{n.label}</div>
                {nums.map(|t| view! { <div class="viz-tip-num" data-test="graph-tip-size">{t}</div> })}
                <div class="viz-tip-query mono">{query}</div>
                {holds.into_iter().chain(held).map(|l| view! { <div class="viz-tip-via">{l}</div> }).collect_view()}
                <div class="viz-tip-hint dim">{hint}</div>
            }
            .into_any()
        }
        Hover::Edge(e) => {
            let e = model.edges.get(e)?.clone();
            let from = model.nodes[e.from].label.clone();
            let to = model.nodes[e.to].label.clone();
            let count = e.count.map(|c| format!("{} references", grouped(c)));
            let names = e
                .via
                .iter()
                .map(|(n, c)| {
                    let c = c.map(|c| format!(" ×{}", grouped(c))).unwrap_or_default();
                    view! { <div class="viz-tip-via"><span class="mono">{n.clone()}</span>{c}</div> }
                })
                .collect_view();
            view! {
                <div class="viz-tip-label">{from}" → "{to}</div>
                {count.map(|c| view! { <div class="viz-tip-num">{c}</div> })}
                <div class="dim">"by the names"</div>
                {names}
                <div class="viz-tip-hint dim">"click: go to the holders"</div>
            }
            .into_any()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use heaplens_wire::{ObjectEdges, PathStep, RpLineView, ShortestPaths};

    fn step(name: &str, addr: &str) -> PathStep {
        PathStep { name: name.into(), addr: addr.into(), brief: format!("b{addr}") }
    }

    #[test]
    fn chains_share_their_common_steps() {
        let o = ObjectView {
            snapshot: "s".into(),
            addr: "0x30".into(),
            type_name: "str".into(),
            kind: "str".into(),
            size: 50,
            retained: 50,
            brief: "'x'".into(),
            preview: None,
            reachable: true,
            referents: ObjectEdges { total: 0, items: vec![] },
            referrers: ObjectEdges { total: 0, items: vec![] },
            shpaths: ShortestPaths {
                total: 2,
                paths: vec![
                    vec![step(".a", "0x10"), step("['k']", "0x30")],
                    vec![step(".a", "0x10"), step("['j']", "0x30")],
                ],
                text: vec![],
            },
        };
        let m = Model::from_object(&o);
        assert_eq!(m.nodes.len(), 3);
        assert_eq!(m.edges.len(), 2);
        assert_eq!(m.edges[1].via.len(), 2);
        assert!(m.nodes[2].current);
        assert_eq!(m.max_depth(), 2);
        // no path: the object alone, with the root
        let mut lone = o.clone();
        lone.shpaths.paths.clear();
        let m = Model::from_object(&lone);
        assert_eq!(m.nodes.len(), 2);
        assert!(m.nodes[1].current);
    }

    #[test]
    fn a_reference_pattern_draws_a_node_per_new_set_and_seen_lines_as_edges() {
        let line = |name: &str, depth: u32, parent: Option<u32>, marker: &str, seen: Option<u32>| RpLineView {
            name: name.into(),
            depth,
            parent,
            marker: marker.into(),
            seen,
            count: 1,
            size: 56,
            kind: "list".into(),
            set_query: Some(format!("q{name}")),
            members: String::new(),
            text: String::new(),
        };
        let rp = RpView {
            snapshot: "s".into(),
            query: "@0x10".into(),
            depth: 7,
            lines: vec![
                line("_", 0, None, "[-]", None),
                line("a", 1, Some(0), "[-]", None),
                line("aa", 2, Some(1), "[^ 0]", Some(0)),
            ],
            complete: true,
            text: "Reference Pattern by <[dict of] class>.".into(),
        };
        let m = Model::from_pattern(&rp);
        assert_eq!(m.nodes.len(), 2);
        assert!(m.nodes[0].current);
        // line 1 refers to line 0; line 2 is line 0 again, referring to line 1: a cycle
        assert_eq!(m.edges.iter().map(|e| (e.from, e.to)).collect::<Vec<_>>(), [(1, 0), (0, 1)]);
        assert_eq!(m.max_depth(), 1);
    }

    #[test]
    fn labels_are_cut_by_characters() {
        assert_eq!(short("abc", 5), "abc");
        assert_eq!(short("ünïcödé", 4), "ünï…");
    }
}
