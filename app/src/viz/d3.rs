//! wasm-bindgen externs for the parts of d3 7.9.2 the treemap and graph views use, and the
//! few browser calls this crate's web-sys features lack (`performance`, element bounds).
//!
//! d3 is the global `d3` (a plain `<script>` in `index.html`, loaded before the wasm). Its
//! builders return functions with methods, so their types extend `js_sys::Function`; a
//! layout or behaviour is applied with `call1`. Callbacks are `Closure`s that the view keeps
//! alive as long as d3 may call them.
//!
//! Nothing here touches heap strings: views put labels into text nodes only.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // ---- d3-hierarchy ------------------------------------------------------------------

    /// A node of `d3.hierarchy`; after a treemap layout it has `x0 y0 x1 y1`.
    pub type HierarchyNode;

    #[wasm_bindgen(js_namespace = d3)]
    pub fn hierarchy(data: &JsValue) -> HierarchyNode;
    #[wasm_bindgen(method)]
    pub fn sum(this: &HierarchyNode, value: &JsValue) -> HierarchyNode;
    #[wasm_bindgen(method)]
    pub fn descendants(this: &HierarchyNode) -> js_sys::Array;
    #[wasm_bindgen(method, getter)]
    pub fn x0(this: &HierarchyNode) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn y0(this: &HierarchyNode) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn x1(this: &HierarchyNode) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn y1(this: &HierarchyNode) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn depth(this: &HierarchyNode) -> u32;
    #[wasm_bindgen(method, getter)]
    pub fn data(this: &HierarchyNode) -> Datum;
    /// `undefined` for a leaf.
    #[wasm_bindgen(method, getter)]
    pub fn children(this: &HierarchyNode) -> Option<js_sys::Array>;

    /// The data of a treemap node, as the view builds it: `k` (the view's cell number, -1 for
    /// the root), `v` (bytes), `children`.
    pub type Datum;
    #[wasm_bindgen(method, getter)]
    pub fn k(this: &Datum) -> i32;
    #[wasm_bindgen(method, getter)]
    pub fn v(this: &Datum) -> f64;

    #[wasm_bindgen(extends = js_sys::Function)]
    pub type TreemapLayout;
    #[wasm_bindgen(js_namespace = d3)]
    pub fn treemap() -> TreemapLayout;
    #[wasm_bindgen(method)]
    pub fn tile(this: &TreemapLayout, tile: &JsValue) -> TreemapLayout;
    #[wasm_bindgen(method)]
    pub fn size(this: &TreemapLayout, size: &js_sys::Array) -> TreemapLayout;
    #[wasm_bindgen(method)]
    pub fn round(this: &TreemapLayout, round: bool) -> TreemapLayout;
    #[wasm_bindgen(method, js_name = paddingInner)]
    pub fn padding_inner(this: &TreemapLayout, padding: f64) -> TreemapLayout;
    /// A number, or a function of the node.
    #[wasm_bindgen(method, js_name = paddingTop)]
    pub fn padding_top(this: &TreemapLayout, padding: &JsValue) -> TreemapLayout;
    #[wasm_bindgen(method, js_name = paddingRight)]
    pub fn padding_right(this: &TreemapLayout, padding: &JsValue) -> TreemapLayout;
    #[wasm_bindgen(method, js_name = paddingBottom)]
    pub fn padding_bottom(this: &TreemapLayout, padding: &JsValue) -> TreemapLayout;
    #[wasm_bindgen(method, js_name = paddingLeft)]
    pub fn padding_left(this: &TreemapLayout, padding: &JsValue) -> TreemapLayout;

    #[wasm_bindgen(thread_local_v2, js_namespace = d3, js_name = treemapSquarify)]
    pub static TREEMAP_SQUARIFY: JsValue;

    // ---- d3-force ----------------------------------------------------------------------

    #[derive(Clone)]
    pub type Simulation;
    #[wasm_bindgen(js_namespace = d3, js_name = forceSimulation)]
    pub fn force_simulation(nodes: &js_sys::Array) -> Simulation;
    #[wasm_bindgen(method)]
    pub fn force(this: &Simulation, name: &str, force: &JsValue) -> Simulation;
    /// `listener` is a function, or `null` to remove it.
    #[wasm_bindgen(method)]
    pub fn on(this: &Simulation, typenames: &str, listener: &JsValue) -> Simulation;
    #[wasm_bindgen(method)]
    pub fn stop(this: &Simulation) -> Simulation;
    #[wasm_bindgen(method)]
    pub fn restart(this: &Simulation) -> Simulation;
    #[wasm_bindgen(method, js_name = alpha)]
    pub fn set_alpha(this: &Simulation, alpha: f64) -> Simulation;
    #[wasm_bindgen(method, js_name = alphaTarget)]
    pub fn alpha_target(this: &Simulation, target: f64) -> Simulation;
    #[wasm_bindgen(method, js_name = alphaDecay)]
    pub fn alpha_decay(this: &Simulation, decay: f64) -> Simulation;
    /// The node nearest (`x`, `y`) within `radius`, or `undefined`.
    #[wasm_bindgen(method)]
    pub fn find(this: &Simulation, x: f64, y: f64, radius: f64) -> JsValue;
    #[wasm_bindgen(method, js_name = velocityDecay)]
    pub fn velocity_decay(this: &Simulation, decay: f64) -> Simulation;

    /// A simulation node (`x y vx vy fx fy`, plus the view's own `i r depth`).
    #[derive(Clone)]
    pub type SimNode;
    #[wasm_bindgen(method, getter)]
    pub fn x(this: &SimNode) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn y(this: &SimNode) -> f64;
    #[wasm_bindgen(method, setter)]
    pub fn set_x(this: &SimNode, v: f64);
    #[wasm_bindgen(method, setter)]
    pub fn set_y(this: &SimNode, v: f64);
    #[wasm_bindgen(method, setter)]
    pub fn set_fx(this: &SimNode, v: Option<f64>);
    #[wasm_bindgen(method, setter)]
    pub fn set_fy(this: &SimNode, v: Option<f64>);
    #[wasm_bindgen(method, getter)]
    pub fn r(this: &SimNode) -> f64;
    /// The collision radius (the dot and its label).
    #[wasm_bindgen(method, getter)]
    pub fn c(this: &SimNode) -> f64;
    /// The node's target height (its level towards the root).
    #[wasm_bindgen(method, getter)]
    pub fn ty(this: &SimNode) -> f64;

    /// A link as the view builds it: `source`, `target` (node numbers), `d` (its length).
    pub type LinkDatum;
    #[wasm_bindgen(method, getter)]
    pub fn d(this: &LinkDatum) -> f64;

    #[wasm_bindgen(js_namespace = d3, js_name = forceLink)]
    pub fn force_link(links: &js_sys::Array) -> ForceLink;
    pub type ForceLink;
    #[wasm_bindgen(method)]
    pub fn distance(this: &ForceLink, distance: &JsValue) -> ForceLink;
    #[wasm_bindgen(method)]
    pub fn strength(this: &ForceLink, strength: &JsValue) -> ForceLink;

    #[wasm_bindgen(js_namespace = d3, js_name = forceManyBody)]
    pub fn force_many_body() -> ForceManyBody;
    pub type ForceManyBody;
    #[wasm_bindgen(method)]
    pub fn strength(this: &ForceManyBody, strength: &JsValue) -> ForceManyBody;
    #[wasm_bindgen(method, js_name = distanceMax)]
    pub fn distance_max(this: &ForceManyBody, distance: f64) -> ForceManyBody;

    #[wasm_bindgen(js_namespace = d3, js_name = forceCenter)]
    pub fn force_center(x: f64, y: f64) -> JsValue;

    #[wasm_bindgen(js_namespace = d3, js_name = forceCollide)]
    pub fn force_collide(radius: &JsValue) -> JsValue;

    #[wasm_bindgen(js_namespace = d3, js_name = forceY)]
    pub fn force_y(y: &JsValue) -> ForceY;
    pub type ForceY;
    #[wasm_bindgen(method)]
    pub fn strength(this: &ForceY, strength: &JsValue) -> ForceY;

    #[wasm_bindgen(js_namespace = d3, js_name = forceX)]
    pub fn force_x(x: &JsValue) -> ForceX;
    pub type ForceX;
    #[wasm_bindgen(method)]
    pub fn strength(this: &ForceX, strength: &JsValue) -> ForceX;

    // ---- d3-selection, d3-zoom, d3-drag ------------------------------------------------

    pub type Selection;
    #[wasm_bindgen(js_namespace = d3)]
    pub fn select(node: &web_sys::Element) -> Selection;
    #[wasm_bindgen(js_namespace = d3, js_name = selectAll)]
    pub fn select_all(nodes: &js_sys::Array) -> Selection;
    /// `selection.call(behaviour)`.
    #[wasm_bindgen(method, js_name = call)]
    pub fn apply(this: &Selection, behaviour: &JsValue) -> Selection;
    /// `selection.on(".zoom", null)` removes a behaviour's listeners.
    #[wasm_bindgen(method, js_name = on)]
    pub fn on(this: &Selection, typenames: &str, listener: &JsValue) -> Selection;

    #[wasm_bindgen(extends = js_sys::Function)]
    pub type ZoomBehavior;
    #[wasm_bindgen(js_namespace = d3)]
    pub fn zoom() -> ZoomBehavior;
    #[wasm_bindgen(method, js_name = scaleExtent)]
    pub fn scale_extent(this: &ZoomBehavior, extent: &js_sys::Array) -> ZoomBehavior;
    #[wasm_bindgen(method)]
    pub fn on(this: &ZoomBehavior, typenames: &str, listener: &JsValue) -> ZoomBehavior;
    /// `zoom.transform(selection, transform)`: jump to a transform.
    #[wasm_bindgen(method, js_name = transform)]
    pub fn set_transform(this: &ZoomBehavior, selection: &Selection, transform: &JsValue);

    /// The `event` of a zoom listener.
    pub type ZoomEvent;
    #[wasm_bindgen(method, getter)]
    pub fn transform(this: &ZoomEvent) -> ZoomTransform;

    pub type ZoomTransform;
    #[wasm_bindgen(method, getter)]
    pub fn k(this: &ZoomTransform) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn x(this: &ZoomTransform) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn y(this: &ZoomTransform) -> f64;
    #[wasm_bindgen(method)]
    pub fn translate(this: &ZoomTransform, x: f64, y: f64) -> ZoomTransform;
    #[wasm_bindgen(method)]
    pub fn scale(this: &ZoomTransform, k: f64) -> ZoomTransform;

    #[wasm_bindgen(thread_local_v2, js_namespace = d3, js_name = zoomIdentity)]
    pub static ZOOM_IDENTITY: ZoomTransform;

    #[wasm_bindgen(extends = js_sys::Function)]
    pub type DragBehavior;
    #[wasm_bindgen(js_namespace = d3)]
    pub fn drag() -> DragBehavior;
    #[wasm_bindgen(method)]
    pub fn subject(this: &DragBehavior, subject: &JsValue) -> DragBehavior;
    #[wasm_bindgen(method)]
    pub fn on(this: &DragBehavior, typenames: &str, listener: &JsValue) -> DragBehavior;

    /// The `event` of a drag listener (or of the subject accessor).
    pub type DragEvent;
    #[wasm_bindgen(method, getter)]
    pub fn x(this: &DragEvent) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn y(this: &DragEvent) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn active(this: &DragEvent) -> u32;
    #[wasm_bindgen(method, getter)]
    pub fn subject(this: &DragEvent) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = sourceEvent)]
    pub fn source_event(this: &DragEvent) -> web_sys::MouseEvent;

    // ---- browser bits without a web-sys feature here -----------------------------------

    #[wasm_bindgen(js_namespace = performance)]
    pub fn now() -> f64;
    #[wasm_bindgen(js_namespace = performance, js_name = mark)]
    pub fn perf_mark(name: &str);
    /// `performance.measure(name, {start, end, detail})`.
    #[wasm_bindgen(catch, js_namespace = performance, js_name = measure)]
    pub fn perf_measure(name: &str, options: &JsValue) -> Result<JsValue, JsValue>;

    /// Any element, for the calls below (cast with `unchecked_ref`).
    pub type Bounded;
    #[wasm_bindgen(method, js_name = getBoundingClientRect)]
    pub fn bounds(this: &Bounded) -> Rect;

    pub type Rect;
    #[wasm_bindgen(method, getter)]
    pub fn left(this: &Rect) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn top(this: &Rect) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn width(this: &Rect) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn height(this: &Rect) -> f64;
}

/// The element's box in the viewport (`getBoundingClientRect`).
pub fn bounds(el: &web_sys::Element) -> Rect {
    use wasm_bindgen::JsCast;
    el.unchecked_ref::<Bounded>().bounds()
}

/// Whether the d3 script loaded (the views show an error instead of failing when not).
pub fn available() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("d3")).map(|v| v.is_object()).unwrap_or(false)
}

/// A plain JS object `{name: value, ...}` of numbers.
pub fn numbers(fields: &[(&str, f64)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_f64(*v));
    }
    o.into()
}

/// Records `performance.measure(name)` from `start` to `end` (`performance.now()` times)
/// with `detail` (numbers), so tests and the browser's profiler can read it.
pub fn measure(name: &str, start: f64, end: f64, detail: &[(&str, f64)]) {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"start".into(), &JsValue::from_f64(start));
    let _ = js_sys::Reflect::set(&o, &"end".into(), &JsValue::from_f64(end.max(start)));
    let _ = js_sys::Reflect::set(&o, &"detail".into(), &numbers(detail));
    let _ = perf_measure(name, &o);
}
