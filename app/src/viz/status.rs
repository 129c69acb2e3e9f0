//! Status boxes shared by the visual views (treemap, graph): errors over the drawing, and the
//! progress of finding an object's address.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::ui::error_box::ErrorBox;

/// The box over a view's drawing: the API's error if loading failed, else a drawing error.
/// (The set's query is fine: the page checked it; an API error here is about the view's own
/// parameters.)
pub fn error_overlay(failed: Option<ApiError>, draw_error: Option<String>) -> Option<AnyView> {
    match failed {
        Some(error) => Some(view! { <div class="viz-overlay viz-error"><ErrorBox error/></div> }.into_any()),
        None => draw_error.map(|m| {
            view! { <div class="viz-overlay viz-error"><div class="error" role="alert" data-test="error">{m}</div></div> }
                .into_any()
        }),
    }
}

/// While an object's address is looked up: its progress, or why it failed.
pub fn resolving_box(resolving: Option<Result<String, ApiError>>) -> Option<AnyView> {
    match resolving {
        Some(Ok(msg)) => Some(view! { <div class="viz-status" role="status">{msg}</div> }.into_any()),
        Some(Err(error)) => Some(view! { <div class="viz-overlay viz-error"><ErrorBox error/></div> }.into_any()),
        None => None,
    }
}

/// A view's `data-state` for tests and styles: `error`, `loading` (also while busy), or `ready`
/// once its data is drawn.
pub fn state(failed: bool, busy: bool, ready: bool) -> &'static str {
    match (failed, busy, ready) {
        (true, _, _) => "error",
        (false, false, true) => "ready",
        _ => "loading",
    }
}
