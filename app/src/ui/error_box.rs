//! How errors look: the server's message in a clear box, and the not-found page.

use leptos::prelude::*;

use crate::api::ApiError;

fn headline(code: &str) -> &'static str {
    match code {
        "not_found" => "Not found",
        "bad_query" => "Invalid query",
        "bad_request" => "Bad request",
        "bad_snapshot" => "Unreadable snapshot",
        "bad_dump" => "Unreadable heapy dump",
        "too_large" => "Snapshot too large",
        "network" => "Server unreachable",
        "internal" => "Server error",
        "unauthorized" => "Access token needed",
        "forbidden" => "Not shared with you",
        _ => "Error",
    }
}

/// An error from the server (or the network), shown as text only.
///
/// For query errors with a position, `query` is shown with a caret under that byte;
/// `no_home` leaves out the link to the start page (for errors shown on it).
#[component]
pub fn ErrorBox(
    error: ApiError,
    #[prop(optional, into)] query: Option<String>,
    #[prop(optional)] no_home: bool,
) -> impl IntoView {
    let caret = match (error.position, query) {
        (Some(pos), Some(q)) => {
            let pos = (pos as usize).min(q.len());
            let before = q.get(..pos).map(|s| s.chars().count()).unwrap_or(pos);
            Some(view! {
                <pre class="error-query">{q}"\n"{" ".repeat(before)}"^"</pre>
            })
        }
        _ => None,
    };
    view! {
        <div class="error" role="alert" data-test="error" data-code=error.code.clone()>
            <div class="error-headline">
                {headline(&error.code)}
                {error.status.map(|s| view! { <span class="error-status">{format!("HTTP {s}")}</span> })}
            </div>
            <div class="error-message" data-test="error-message">{error.message}</div>
            {caret}
            {(error.code == "unauthorized").then(|| view! { <crate::ui::login_form::LoginForm/> })}
            {(!no_home).then(|| view! { <a class="error-home" href="/" data-test="error-home">"← All snapshots"</a> })}
        </div>
    }
}

/// Any URL the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let error = ApiError {
        status: None,
        code: "not_found".into(),
        message: "There is no page at this address.".into(),
        position: None,
    };
    view! { <section class="page"><ErrorBox error/></section> }
}
