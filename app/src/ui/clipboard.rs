//! Putting text on the clipboard, and saving text as a downloaded file (browser helpers).

use leptos::prelude::*;
use leptos::tachys::html::element::ElementType;
use wasm_bindgen::{JsCast, JsValue};

use crate::ui::js_future::await_promise;

/// Copies `text` for the user: to the clipboard, or where that is unavailable, shown in a
/// field (`manual` holds the text the page shows in `field`), selected and copied the older
/// way. `done` runs once the text is copied; a refused older copy leaves it selected for
/// Ctrl+C. (The one copy routine of "Copy link", "Copy as text" and "Copy as heapy text".)
pub async fn copy_or_show<E>(
    text: String,
    manual: RwSignal<Option<String>>,
    field: NodeRef<E>,
    done: impl Fn() + 'static,
) where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
{
    if write_text(&text).await {
        manual.set(None);
        done();
    } else {
        manual.set(Some(text));
        request_animation_frame(move || {
            if let Some(el) = field.get_untracked() {
                select_field(el.unchecked_ref());
                if copy_selection() {
                    done();
                }
            }
        });
    }
}

/// Writes `text` with `navigator.clipboard`; `false` when the clipboard is unavailable
/// (not a secure context, permission refused): the caller then shows the text selected in
/// a field, for the user to copy.
pub async fn write_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let navigator = window.navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has_clipboard {
        return false;
    }
    await_promise(&navigator.clipboard().write_text(text)).await.is_ok()
}

/// Selects all text of an `<input>` or `<textarea>` (after focusing it).
pub fn select_field(el: &web_sys::HtmlElement) {
    let _ = el.focus();
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.select();
    } else if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.select();
    }
}

/// The older way: copies the selection (of a field selected with [`select_field`]).
pub fn copy_selection() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false)
}

/// Offers `text` as a file download named `name` (a Blob URL on a temporary link).
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |e: JsValue| format!("could not save the file: {e:?}");
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(fail)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.set_hidden(true);
    if let Some(body) = document.body() {
        let _ = body.append_child(&a);
    }
    a.click();
    a.remove();
    // the download has started; the URL may go after the click has been handled
    if let Some(w) = web_sys::window() {
        let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        });
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}
