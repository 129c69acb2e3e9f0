//! The table's label filter: a text field whose value lives in the URL (`filter=`).

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::route::partition::PartitionRoute;

/// Narrows the table to rows whose label contains the text (any case). Typing replaces the
/// URL (no history entry per key); Escape leaves the field (`on_leave`), keeping the filter.
#[component]
pub fn FilterBox(route: Memo<PartitionRoute>, input: NodeRef<html::Input>, on_leave: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let text = RwSignal::new(route.get_untracked().filter);
    // Follow the URL when it changes by itself (back/forward, drilling in clears the filter),
    // but never under the user's fingers.
    Effect::new(move |_| {
        let f = route.read().filter.clone();
        let focused = input.get_untracked().is_some_and(|el| {
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            active.is_some_and(|a| {
                let el: &web_sys::Element = &el;
                a == *el
            })
        });
        if !focused && f != text.get_untracked() {
            text.set(f);
        }
    });
    let set_filter = move |value: String| {
        text.set(value.clone());
        let next = route.get_untracked().with_filter(&value);
        navigate(&next.href(), NavigateOptions { replace: true, scroll: false, ..Default::default() });
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            if let Some(el) = input.get_untracked() {
                let _ = el.blur();
            }
            on_leave.run(());
        }
    };
    let clear = {
        let set_filter = set_filter.clone();
        move |_| {
            set_filter(String::new());
            if let Some(el) = input.get_untracked() {
                let _ = el.focus();
            }
        }
    };
    view! {
        <label class="filter">
            <span class="filter-label">"Filter"</span>
            <span class="filter-field">
                <input
                    type="text"
                    node_ref=input
                    data-test="filter"
                    placeholder="label contains…"
                    aria-label="Filter rows by label"
                    aria-keyshortcuts="/"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || text.get()
                    on:input=move |ev| set_filter(event_target_value(&ev))
                    on:keydown=on_keydown
                />
                <kbd class="filter-key" aria-hidden="true" class:hidden=move || !text.read().is_empty()>"/"</kbd>
                <button
                    type="button"
                    class="filter-clear"
                    data-test="filter-clear"
                    title="Clear the filter"
                    aria-label="Clear the filter"
                    class:hidden=move || text.read().is_empty()
                    on:click=clear
                >
                    "×"
                </button>
            </span>
        </label>
    }
}
