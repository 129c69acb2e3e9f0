//! The few Canvas 2D and style calls the graph draws with (this crate's web-sys features do
//! not include the canvas API; these externs are the same calls, typed for what we use).
//!
//! Text drawn with `fill_text` is text by construction: heap strings never become markup.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// A `<canvas>` element.
    pub type Canvas;
    #[wasm_bindgen(method, js_name = getContext)]
    pub fn get_context(this: &Canvas, kind: &str) -> Option<Ctx>;

    /// `CanvasRenderingContext2D`.
    #[derive(Clone)]
    pub type Ctx;
    #[wasm_bindgen(method, js_name = setTransform)]
    pub fn set_transform(this: &Ctx, a: f64, b: f64, c: f64, d: f64, e: f64, f: f64);
    #[wasm_bindgen(method, js_name = clearRect)]
    pub fn clear_rect(this: &Ctx, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = beginPath)]
    pub fn begin_path(this: &Ctx);
    #[wasm_bindgen(method, js_name = closePath)]
    pub fn close_path(this: &Ctx);
    #[wasm_bindgen(method, js_name = moveTo)]
    pub fn move_to(this: &Ctx, x: f64, y: f64);
    #[wasm_bindgen(method, js_name = lineTo)]
    pub fn line_to(this: &Ctx, x: f64, y: f64);
    #[wasm_bindgen(method)]
    pub fn arc(this: &Ctx, x: f64, y: f64, r: f64, start: f64, end: f64);
    #[wasm_bindgen(method)]
    pub fn fill(this: &Ctx);
    #[wasm_bindgen(method)]
    pub fn save(this: &Ctx);
    #[wasm_bindgen(method)]
    pub fn restore(this: &Ctx);
    #[wasm_bindgen(method)]
    pub fn rect(this: &Ctx, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method)]
    pub fn clip(this: &Ctx);
    #[wasm_bindgen(method, js_name = fillRect)]
    pub fn fill_rect(this: &Ctx, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method)]
    pub fn stroke(this: &Ctx);
    #[wasm_bindgen(method, js_name = fillText)]
    pub fn fill_text(this: &Ctx, text: &str, x: f64, y: f64);
    #[wasm_bindgen(method, js_name = strokeText)]
    pub fn stroke_text(this: &Ctx, text: &str, x: f64, y: f64);
    #[wasm_bindgen(method, setter, js_name = fillStyle)]
    pub fn set_fill_style(this: &Ctx, style: &str);
    #[wasm_bindgen(method, setter, js_name = strokeStyle)]
    pub fn set_stroke_style(this: &Ctx, style: &str);
    #[wasm_bindgen(method, setter, js_name = lineWidth)]
    pub fn set_line_width(this: &Ctx, width: f64);
    #[wasm_bindgen(method, setter, js_name = lineJoin)]
    pub fn set_line_join(this: &Ctx, join: &str);
    #[wasm_bindgen(method, setter)]
    pub fn set_font(this: &Ctx, font: &str);
    #[wasm_bindgen(method, setter, js_name = textAlign)]
    pub fn set_text_align(this: &Ctx, align: &str);
    #[wasm_bindgen(method, setter, js_name = textBaseline)]
    pub fn set_text_baseline(this: &Ctx, baseline: &str);
    #[wasm_bindgen(method, setter, js_name = globalAlpha)]
    pub fn set_global_alpha(this: &Ctx, alpha: f64);

    type Computed;
    #[wasm_bindgen(js_namespace = window, js_name = getComputedStyle)]
    fn computed_style(el: &web_sys::Element) -> Computed;
    #[wasm_bindgen(method, js_name = getPropertyValue)]
    fn property(this: &Computed, name: &str) -> String;

}

/// The 2D context of a `<canvas>` element.
pub fn context(canvas: &web_sys::Element) -> Option<Ctx> {
    canvas.unchecked_ref::<Canvas>().get_context("2d")
}

/// The computed value of CSS custom property `name` (e.g. `--text`) on `el`, trimmed.
pub fn css_var(el: &web_sys::Element, name: &str) -> String {
    computed_style(el).property(name).trim().to_owned()
}

/// The screen's device pixels per CSS pixel (at least 1).
pub fn pixel_ratio() -> f64 {
    let r = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("devicePixelRatio"))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(1.0);
    if r.is_finite() && r >= 1.0 {
        r
    } else {
        1.0
    }
}
