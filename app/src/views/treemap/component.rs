//! The treemap view (`view=treemap`): the set's rows as rectangles whose areas are their
//! sizes in bytes, laid out by d3's squarified treemap; optionally each of the largest rows
//! split again by a second relation (`then=` in the URL).
//!
//! The server answers `/treemap` (rows, children, the rest aggregated as "other"); d3 lays it
//! out; the cells are absolutely placed elements built directly (no reactive node per cell),
//! so 5,000 cells draw in a few frames. Labels are text nodes only. A cell is a link: a click
//! drills into its set (the page's breadcrumbs zoom back out); a cell of one object (`byid`,
//! `byidset`) opens it in the inspector instead. One tooltip follows the pointer.

use std::rc::Rc;
use std::sync::Arc;

use heaplens_wire::{TreemapCell, TreemapView};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::route::partition::{is_plain_row_click, PartitionRoute};
use crate::ui::format::{bytes, exact_bytes, grouped};
use crate::ui::perf;
use crate::views::object::link;
use crate::views::ViewCtx;
use crate::viz::canvas;
use crate::viz::d3;
use crate::viz::status;

/// Rows asked for without a second relation (the server's most).
pub const LIMIT: u64 = 5000;
/// Rows and children per row asked for with a second relation (at most 5,000 children).
pub const NESTED_LIMIT: u64 = 200;
pub const CHILD_LIMIT: u64 = 25;
/// Rows sized by retained size (each a walk of part of the heap on the server).
pub const RETAINED_LIMIT: u64 = 60;
/// Height of a parent's header strip (its label) when nested.
const HEADER_H: f64 = 16.0;
/// Relations that split a set into single objects (a cell is then one object).
const PER_OBJECT: [&str; 2] = ["id", "idset"];

pub fn render(ctx: ViewCtx) -> AnyView {
    view! { <Treemap ctx/> }.into_any()
}

/// One rectangle's data, by the number `k` the layout refers to.
#[derive(Debug, Clone)]
struct Cell {
    label: String,
    count: u64,
    size: u64,
    /// The query selecting it; `None` for an aggregate of the rows left out.
    query: Option<String>,
    /// Rows aggregated (for "other" cells).
    other_rows: u64,
    /// The parent's number, for a cell of the second level.
    parent: Option<usize>,
    /// Whether it is one object (a `byid`/`byidset` row).
    single: bool,
    /// Top-level position (colour).
    hue_index: usize,
    /// The row's retained size, when the areas show it.
    retained: Option<u64>,
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

/// The cells of `view` in layout order (parents before their children), and the JSON tree
/// d3 lays out (numbers only: `k` the cell number, `v` bytes).
fn flatten(view: &TreemapView) -> (Vec<Cell>, String) {
    let per_object = PER_OBJECT.contains(&view.relation.as_str());
    let mut cells: Vec<Cell> = Vec::new();
    let mut json = String::from("{\"k\":-1,\"v\":0,\"children\":[");
    let mut first = true;
    let push_other = |cells: &mut Vec<Cell>,
                      json: &mut String,
                      first: &mut bool,
                      o: &heaplens_wire::TreemapOther,
                      parent: Option<usize>,
                      hue: usize| {
        let k = cells.len();
        cells.push(Cell {
            label: format!("{} more rows", grouped(o.rows)),
            count: o.count,
            size: o.size,
            query: None,
            other_rows: o.rows,
            parent,
            single: false,
            hue_index: hue,
            retained: None,
        });
        if !*first {
            json.push(',');
        }
        *first = false;
        json.push_str(&format!("{{\"k\":{k},\"v\":{}}}", o.size));
    };
    for (i, c) in view.cells.iter().enumerate() {
        let k = cells.len();
        cells.push(cell(c, None, i, per_object));
        if !first {
            json.push(',');
        }
        first = false;
        if c.children.is_empty() {
            json.push_str(&format!("{{\"k\":{k},\"v\":{}}}", c.retained.unwrap_or(c.size)));
            continue;
        }
        json.push_str(&format!("{{\"k\":{k},\"v\":0,\"children\":["));
        let mut inner_first = true;
        for ch in &c.children {
            let kc = cells.len();
            cells.push(cell(ch, Some(k), i, false));
            if !inner_first {
                json.push(',');
            }
            inner_first = false;
            json.push_str(&format!("{{\"k\":{kc},\"v\":{}}}", ch.size));
        }
        if let Some(o) = &c.other {
            push_other(&mut cells, &mut json, &mut inner_first, o, Some(k), i);
        }
        json.push_str("]}");
    }
    // sized by retained size, the rows left out are not drawn: their sizes are another measure
    let by_retained = view.cells.first().is_some_and(|c| c.retained.is_some());
    if let Some(o) = view.other.as_ref().filter(|_| !by_retained) {
        let hue = view.cells.len();
        push_other(&mut cells, &mut json, &mut first, o, None, hue);
    }
    json.push_str("]}");
    (cells, json)
}

fn cell(c: &TreemapCell, parent: Option<usize>, hue_index: usize, per_object: bool) -> Cell {
    Cell {
        label: c.label.clone(),
        count: c.count,
        size: c.size,
        query: Some(c.query.clone()),
        other_rows: 0,
        parent,
        single: per_object && c.count == 1,
        hue_index,
        retained: c.retained,
    }
}

/// A hue for the `i`-th top-level row: the golden angle keeps neighbours apart.
fn hue(i: usize) -> u32 {
    ((i as f64 * 137.508 + 210.0) % 360.0) as u32
}

/// One laid-out rectangle.
pub(crate) struct Placed {
    pub k: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub parent: bool,
}

/// d3's squarified layout of `json` in a `w`×`h` box.
pub(crate) fn layout(json: &str, w: f64, h: f64) -> Result<Vec<Placed>, JsValue> {
    let data = js_sys::JSON::parse(json)?;
    let value = Closure::<dyn Fn(d3::Datum) -> f64>::new(|d: d3::Datum| d.v());
    let root = d3::hierarchy(&data).sum(value.as_ref());
    // parents (second level present) get a header strip and a frame
    let pad = |top: f64| {
        Closure::<dyn Fn(d3::HierarchyNode) -> f64>::new(move |n: d3::HierarchyNode| {
            if n.depth() == 1 && n.children().is_some() {
                top
            } else {
                0.0
            }
        })
    };
    let (pt, pr, pb, pl) = (pad(HEADER_H), pad(2.0), pad(2.0), pad(2.0));
    let size = js_sys::Array::of2(&JsValue::from_f64(w), &JsValue::from_f64(h));
    let tm = d3::TREEMAP_SQUARIFY.with(|tile| {
        d3::treemap()
            .tile(tile)
            .size(&size)
            .round(true)
            .padding_inner(1.0)
            .padding_top(pt.as_ref())
            .padding_right(pr.as_ref())
            .padding_bottom(pb.as_ref())
            .padding_left(pl.as_ref())
    });
    tm.call1(&JsValue::NULL, &root)?;
    let all = root.descendants();
    let mut out = Vec::with_capacity(all.length() as usize);
    for n in all.iter() {
        let n: d3::HierarchyNode = n.unchecked_into();
        let k = n.data().k();
        if k < 0 {
            continue;
        }
        out.push(Placed {
            k: k as usize,
            x0: n.x0(),
            y0: n.y0(),
            x1: n.x1(),
            y1: n.y1(),
            parent: n.children().is_some(),
        });
    }
    Ok(out)
}

/// Cell colours, read from the page's CSS variables (light or dark).
struct Palette {
    s: String,
    l: f64,
    l2: f64,
    other: String,
    hatch: String,
    bg: String,
}

impl Palette {
    fn read(el: &web_sys::Element) -> Self {
        let pct = |name: &str, default: f64| {
            canvas::css_var(el, name).trim_end_matches('%').trim().parse().unwrap_or(default)
        };
        let s = canvas::css_var(el, "--cell-s");
        let other = canvas::css_var(el, "--bg-bar");
        let bg = canvas::css_var(el, "--bg");
        let hatch = canvas::css_var(el, "--line");
        Palette {
            s: if s.is_empty() { "55%".into() } else { s },
            l: pct("--cell-l", 82.0),
            l2: pct("--cell-l2", 90.0),
            other: if other.is_empty() { "#f1f3f4".into() } else { other },
            hatch: if hatch.is_empty() { "#dadce0".into() } else { hatch },
            bg: if bg.is_empty() { "#ffffff".into() } else { bg },
        }
    }
}

/// Whether a cell is big enough for its label (it then also gets a link element).
fn labelled(p: &Placed) -> bool {
    let (w, h) = (p.x1 - p.x0, p.y1 - p.y0);
    if p.parent {
        w >= 28.0 && h >= 14.0
    } else {
        w >= 36.0 && h >= 15.0
    }
}

/// Paints every cell's rectangle on the canvas, and puts a link with its label over each cell
/// big enough to read (text nodes only) into `layer`.
fn draw(
    canvas_el: &web_sys::Element,
    layer: &web_sys::Element,
    cells: &[Cell],
    placed: &[Placed],
    route: &PartitionRoute,
    (w, h): (f64, f64),
) -> Result<(), JsValue> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let dpr = canvas::pixel_ratio();
    canvas_el.set_attribute("width", &format!("{}", (w * dpr).round()))?;
    canvas_el.set_attribute("height", &format!("{}", (h * dpr).round()))?;
    canvas_el.set_attribute("style", &format!("width:{w}px;height:{h}px"))?;
    let ctx = canvas::context(canvas_el).ok_or("no 2D canvas context")?;
    let pal = Palette::read(canvas_el);
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style(&pal.bg);
    ctx.fill_rect(0.0, 0.0, w, h);
    let mut last = String::new();
    for p in placed {
        let c = &cells[p.k];
        let fill = if c.query.is_none() {
            pal.other.clone()
        } else {
            let l = if p.parent {
                pal.l - 12.0
            } else if c.parent.is_some() {
                pal.l2
            } else {
                pal.l
            };
            format!("hsl({} {} {l}%)", hue(c.hue_index), pal.s)
        };
        if fill != last {
            ctx.set_fill_style(&fill);
            last = fill;
        }
        ctx.fill_rect(p.x0, p.y0, p.x1 - p.x0, p.y1 - p.y0);
        if c.query.is_none() {
            hatch(&ctx, p, &pal.hatch);
            last.clear();
        }
    }

    let new_layer = doc.create_element("div")?;
    new_layer.set_class_name("tm-layer");
    for p in placed.iter().filter(|p| labelled(p)) {
        let c = &cells[p.k];
        let el = match &c.query {
            Some(q) => {
                let a = doc.create_element("a")?;
                a.set_attribute("href", &route.with_query(q).href())?;
                a.set_attribute("data-query", q)?;
                a.set_attribute("data-test", "treemap-cell")?;
                a
            }
            None => {
                let d = doc.create_element("div")?;
                d.set_attribute("data-test", "treemap-other")?;
                d
            }
        };
        let mut class = String::from("tm-cell");
        if p.parent {
            class.push_str(" tm-parent");
        }
        if c.query.is_none() {
            class.push_str(" tm-other");
        }
        if c.single {
            class.push_str(" tm-single");
        }
        el.set_class_name(&class);
        el.set_attribute("data-k", &p.k.to_string())?;
        let (cw, ch) = (p.x1 - p.x0, if p.parent { HEADER_H } else { p.y1 - p.y0 });
        el.set_attribute("style", &format!("left:{}px;top:{}px;width:{cw}px;height:{ch}px", p.x0, p.y0))?;
        let label = doc.create_element("span")?;
        label.set_class_name("tm-label");
        label.set_text_content(Some(&c.label));
        el.append_child(&label)?;
        if p.parent || (ch >= 32.0 && cw >= 50.0) {
            let size = doc.create_element("span")?;
            size.set_class_name("tm-size");
            size.set_text_content(Some(&bytes(c.retained.unwrap_or(c.size))));
            el.append_child(&size)?;
        }
        new_layer.append_child(&el)?;
    }
    layer.replace_children_with_node_1(&new_layer);
    Ok(())
}

/// Diagonal stripes over an aggregate ("other") cell.
fn hatch(ctx: &canvas::Ctx, p: &Placed, colour: &str) {
    let (w, h) = (p.x1 - p.x0, p.y1 - p.y0);
    ctx.save();
    ctx.begin_path();
    ctx.rect(p.x0, p.y0, w, h);
    ctx.clip();
    ctx.set_stroke_style(colour);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    let mut c = -h;
    while c < w {
        ctx.move_to(p.x0 + c, p.y1);
        ctx.line_to(p.x0 + c + h, p.y0);
        c += 7.0;
    }
    ctx.stroke();
    ctx.restore();
}

/// The cell at (`x`, `y`): the innermost one (children are laid out after their parents).
fn cell_at(placed: &[Placed], x: f64, y: f64) -> Option<&Placed> {
    placed.iter().rev().find(|p| x >= p.x0 && x < p.x1 && y >= p.y0 && y < p.y1)
}

/// The share of `part` in `whole`, as heapy prints percentages.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p >= 1.0 || p == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.2}%")
    }
}

#[derive(Clone)]
enum Load {
    Loading,
    Failed(ApiError),
    Ready(Arc<TreemapView>, Arc<Vec<Cell>>, f64),
}

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
            load.set(match res {
                Ok(v) => {
                    let (cells, _) = flatten(&v);
                    Load::Ready(Arc::new(v), Arc::new(cells), start)
                }
                Err(e) => Load::Failed(e),
            });
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
        let Load::Ready(view, cells, start) = load.get() else { return };
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
            let Load::Ready(_, cells, _) = load.get_untracked() else { return };
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
        let Load::Ready(view, cells, _) = load.get() else { return None };
        let c = cells.get(k)?.clone();
        let (stage_w, stage_h) = stage
            .get_untracked()
            .map(|s| (s.client_width() as f64, s.client_height() as f64))
            .unwrap_or((800.0, 600.0));
        let left = if x + 340.0 > stage_w { (x - 330.0).max(4.0) } else { x + 14.0 };
        let top = if y + 120.0 > stage_h { (y - 110.0).max(4.0) } else { y + 16.0 };
        let parent = c.parent.and_then(|p| cells.get(p).map(|p| p.label.clone()));
        let counts = format!("{} objects · {}", grouped(c.count), exact_bytes(c.size));
        let human = match c.retained {
            Some(r) => {
                format!("retains {} ({}) · {} of the set's size", bytes(r), exact_bytes(r), percent(r, view.size))
            }
            None => format!("{} · {} of the set", bytes(c.size), percent(c.size, view.size)),
        };
        let hint = match (&c.query, c.single) {
            (None, _) => format!("{} rows too small to draw, together", grouped(c.other_rows)),
            (Some(_), true) => "Click: inspect this object".to_owned(),
            (Some(_), false) => "Click: make this the set".to_owned(),
        };
        Some(view! {
            <div class="viz-tip" data-test="treemap-tip" style=format!("left:{left}px;top:{top}px")>
                {parent.map(|p| view! { <div class="viz-tip-parent">{p}" ›"</div> })}
                <div class="viz-tip-label" data-test="treemap-tip-label">{c.label}</div>
                <div class="viz-tip-num" data-test="treemap-tip-size">{counts}</div>
                <div class="viz-tip-num dim">{human}</div>
                <div class="viz-tip-hint dim">{hint}</div>
            </div>
        })
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
        Load::Ready(v, cells, _) => {
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
            Load::Ready(..) => (false, drawn.get().is_some()),
            _ => (false, false),
        };
        status::state(failed, busy.get(), ready)
    };

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

#[cfg(test)]
mod tests {
    use super::*;
    use heaplens_wire::TreemapOther;

    fn c(label: &str, size: u64, children: Vec<TreemapCell>) -> TreemapCell {
        TreemapCell {
            label: label.into(),
            count: 1,
            size,
            index: 0,
            query: format!("q.{label}"),
            children,
            other: None,
            retained: None,
        }
    }

    #[test]
    fn flattening_numbers_parents_before_children_and_keeps_labels_out_of_the_json() {
        let v = TreemapView {
            snapshot: "s".into(),
            query: "heap".into(),
            relation: "clodo".into(),
            then: Some("type".into()),
            count: 3,
            size: 60,
            cells: vec![
                c("<img src=x onerror=alert(1)>", 50, vec![c("a", 30, vec![]), c("b", 15, vec![])]),
                c("d\"}", 10, vec![]),
            ],
            other: Some(TreemapOther { rows: 4, count: 4, size: 5 }),
        };
        let mut v2 = v.clone();
        v2.cells[0].other = Some(TreemapOther { rows: 2, count: 2, size: 5 });
        let (cells, json) = flatten(&v2);
        assert_eq!(cells.len(), 6);
        assert_eq!(cells[1].parent, Some(0));
        assert_eq!(cells[3].query, None); // the first row's other children
        assert_eq!(cells[5].label, "4 more rows");
        assert!(!json.contains("img") && !json.contains("d\\\""));
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["children"][0]["children"][2]["v"], 5);
        assert_eq!(parsed["children"][2]["k"], 5);
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(1, 1000), "0.10%");
        assert_eq!(percent(0, 0), "0%");
    }
}
