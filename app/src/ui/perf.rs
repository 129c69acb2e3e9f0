//! Timings the browser tests read: `performance.measure` entries named `heaplens:…`.
//!
//! * `heaplens:row-click`: a click on a table row → the new set's table painted (installed by
//!   [`install`], which watches the page from outside the table: the click, the address, the
//!   page's `is-loading` class and its title line).
//! * `heaplens:treemap`, `heaplens:treemap-draw`: see `views/treemap`.
//! * `heaplens:graph-frames` (detail `fps`, `frames`, `nodes`): see `views/graph`.
//!
//! "Painted" is measured at the first task after the next animation frame: the frame that
//! shows the new DOM has been produced by then.

use std::cell::Cell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::viz::d3;

/// Most time a row click is followed before it is dropped (ms).
const GIVE_UP_MS: f64 = 15_000.0;

thread_local! {
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` once the next frame has been painted (a `requestAnimationFrame`, then a task).
pub fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || {
        set_timeout(f, std::time::Duration::ZERO);
    });
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn title_text(doc: &web_sys::Document) -> Option<String> {
    doc.query_selector("[data-test=\"partition-title\"]").ok().flatten().and_then(|e| e.text_content())
}

fn page_loading(doc: &web_sys::Document) -> bool {
    doc.query_selector(".partition-page.is-loading").ok().flatten().is_some()
}

fn href() -> String {
    web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default()
}

/// Starts timing row clicks (idempotent). The app's views call it; tests may call it before
/// the first view through `window.wasmBindings.heaplensPerfInstall()`.
#[wasm_bindgen(js_name = heaplensPerfInstall)]
pub fn install() {
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let Some(doc) = document() else { return };
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        let on_row = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-test=\"row\"]").ok().flatten())
            .is_some();
        if !on_row {
            return;
        }
        let Some(doc) = document() else { return };
        follow_row_click(d3::now(), href(), title_text(&doc), false);
    });
    // capture: before the row's own handler navigates
    let _ = doc.add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    on_click.forget(); // one listener for the page's lifetime
}

/// Watches, frame by frame, for the page after a row click: the address changed, the new set
/// loaded (the title changed or the page was seen loading), then measures after the paint.
fn follow_row_click(start: f64, old_href: String, old_title: Option<String>, seen_loading: bool) {
    request_animation_frame(move || {
        let Some(doc) = document() else { return };
        if d3::now() - start > GIVE_UP_MS {
            return;
        }
        let loading = page_loading(&doc);
        let seen_loading = seen_loading || loading;
        let moved = href() != old_href;
        let title = title_text(&doc);
        let rows = doc.query_selector("[data-test=\"row\"]").ok().flatten().is_some();
        if moved && !loading && rows && (seen_loading || (title.is_some() && title != old_title)) {
            after_paint(move || {
                d3::measure("heaplens:row-click", start, d3::now(), &[]);
            });
        } else {
            follow_row_click(start, old_href, old_title, seen_loading);
        }
    });
}
