//! "Copy link": the full URL of exactly this view to the clipboard, with a visible
//! confirmation; where the clipboard is unavailable, the link is shown selected in a field.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::route::partition::PartitionRoute;
use crate::ui::clipboard;
use crate::ui::flash::Flash;

/// The absolute URL of a route (this page's origin + its current-version href).
pub fn absolute_url(route: &PartitionRoute) -> String {
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    format!("{origin}{}", route.href())
}

#[component]
pub fn CopyLink(route: Memo<PartitionRoute>) -> impl IntoView {
    let flash = Flash::new(std::time::Duration::from_millis(2500));
    let copied = move || flash.get().is_some();
    let manual = RwSignal::new(None::<String>);
    let field = NodeRef::<html::Input>::new();
    let on_click = move |_| {
        let url = absolute_url(&route.get_untracked());
        spawn_local(clipboard::copy_or_show(url, manual, field, move || flash.show(())));
    };
    view! {
        <div class="copy-link">
            <button
                class="btn copy-link-btn"
                class:done=move || copied()
                type="button"
                data-test="copy-link"
                title="Copy a link to exactly this view (set, relation, view and filter)"
                on:click=on_click
            >
                {move || if copied() { "✓ Link copied" } else { "Copy link" }}
            </button>
            <span class="sr-only" role="status" aria-live="polite">{move || copied().then_some("Link copied")}</span>
            {move || manual.get().map(|url| view! {
                <div class="popover link-popover" role="dialog" aria-label="Link to this view">
                    <div class="popover-head">
                        "Press Ctrl+C (⌘C) to copy the link."
                        <button class="btn btn-small" type="button" on:click=move |_| manual.set(None)>"Close"</button>
                    </div>
                    <input
                        class="link-field"
                        node_ref=field
                        readonly
                        data-test="copy-link-field"
                        prop:value=url
                        on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Escape" { manual.set(None) }
                    />
                </div>
            })}
        </div>
    }
}
