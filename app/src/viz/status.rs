//! The load state and status boxes shared by the drawn views (treemap, graph): the data's
//! [`Load`] state, errors over the drawing, the view's `data-state`, and the progress of
//! finding an object's address.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::ui::error_box::ErrorBox;

/// A drawn view's data: loading, failed with the API's error, or ready to draw.
#[derive(Clone)]
pub enum Load<T> {
    Loading,
    Failed(ApiError),
    Ready(T),
}

impl<T> Load<T> {
    /// The state an answer leaves: its data, or its error.
    pub fn from_result(answer: Result<T, ApiError>) -> Self {
        match answer {
            Ok(data) => Load::Ready(data),
            Err(error) => Load::Failed(error),
        }
    }

    /// The box over the drawing: the API's error if loading failed, else `draw_error`.
    pub fn overlay(&self, draw_error: Option<String>) -> Option<AnyView> {
        let failed = match self {
            Load::Failed(error) => Some(error.clone()),
            _ => None,
        };
        error_overlay(failed, draw_error)
    }

    /// The view's `data-state` ([`state`]): ready once the data is `drawn` (asked only when
    /// the data is there).
    pub fn state(&self, busy: bool, drawn: impl FnOnce() -> bool) -> &'static str {
        let (failed, ready) = match self {
            Load::Failed(..) => (true, false),
            Load::Ready(..) => (false, drawn()),
            Load::Loading => (false, false),
        };
        state(failed, busy, ready)
    }
}

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
