//! The access token form, shown where the server answered 401: the token is traded for a
//! session cookie (`POST /api/login`) and the page reloads with access. The token itself is
//! never stored by the page.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

#[component]
pub fn LoginForm() -> impl IntoView {
    let token = RwSignal::new(String::new());
    let failed = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let t = token.get_untracked();
        busy.set(true);
        spawn_local(async move {
            match api::login(&t).await {
                Ok(()) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                }
                Err(e) => failed.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="login-form" data-test="login-form" on:submit=submit>
            <label>
                "Access token "
                <input type="password" autocomplete="current-password" data-test="login-token" required
                    prop:value=move || token.get() on:input=move |ev| token.set(event_target_value(&ev))/>
            </label>
            <button class="btn" type="submit" data-test="login-submit" disabled=move || busy.get()>"Log in"</button>
            {move || failed.get().map(|m| view! { <div class="error-message" data-test="login-error">{m}</div> })}
        </form>
    }
}
