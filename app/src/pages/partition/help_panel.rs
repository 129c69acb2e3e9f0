//! Help one click away (like heapy's `.doc`): what the current relation and view mean,
//! the keys, and every relation's explanation (from `/api/relations`).

use heaplens_wire::RelationInfo;
use leptos::prelude::*;

use crate::route::partition::PartitionRoute;
use crate::views;

#[component]
pub fn HelpPanel(route: Memo<PartitionRoute>, relations: Signal<Option<Vec<RelationInfo>>>) -> impl IntoView {
    let open = RwSignal::new(false);
    let keys = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || keys.remove());

    let current = move || {
        let name = route.read().relation.clone();
        let info = relations.get().and_then(|l| l.into_iter().find(|r| r.name == name));
        let (header, doc) = match info {
            Some(r) => (r.header, r.doc),
            None => (String::new(), "The server did not describe this relation.".to_owned()),
        };
        view! {
            <h3 class="help-title">
                "Partition "<code>{format!(".by{name}")}</code>
                {(!header.is_empty()).then(|| view! { <span class="dim">{format!(" — {header}")}</span> })}
            </h3>
            <p data-test="help-relation">{doc}</p>
        }
    };
    let view_help = move || {
        let kind = views::shown(route.read().view);
        view! {
            <h3 class="help-title">{format!("{} view", kind.title())}</h3>
            <p data-test="help-view">{kind.doc()}</p>
        }
    };
    let all = move || {
        let current = route.read().relation.clone();
        relations.get().unwrap_or_default().into_iter().map(|r| {
            let is_current = r.name == current;
            view! {
                <dt class:current=is_current><code>{format!(".by{}", r.name)}</code>" "<span class="dim">{r.header}</span></dt>
                <dd>{r.doc}</dd>
            }
        }).collect_view()
    };
    view! {
        <div class="help">
            <button
                class="btn help-toggle"
                class:on=move || open.get()
                type="button"
                data-test="help-toggle"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="help-panel"
                title="What this relation and view mean"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "? Help"
            </button>
            <Show when=move || open.get()>
                <aside id="help-panel" class="popover help-panel" data-test="help" role="dialog" aria-label="Help">
                    <button class="help-close" type="button" aria-label="Close help" on:click=move |_| open.set(false)>"×"</button>
                    {current}
                    {view_help}
                    <h3 class="help-title">"Keys"</h3>
                    <dl class="help-keys">
                        <dt><kbd>"/"</kbd></dt><dd>"filter the rows by label ("<kbd>"Esc"</kbd>" leaves the field)"</dd>
                        <dt><kbd>"↑"</kbd>" "<kbd>"↓"</kbd></dt><dd>"select a row ("<kbd>"PgUp"</kbd>" "<kbd>"PgDn"</kbd>" "<kbd>"Home"</kbd>" "<kbd>"End"</kbd>")"</dd>
                        <dt><kbd>"Enter"</kbd></dt><dd>"make the selected row's objects the set"</dd>
                        <dt><kbd>"Backspace"</kbd></dt><dd>"back up one step of the path"</dd>
                    </dl>
                    <details class="help-all">
                        <summary>"All relations"</summary>
                        <dl>{all}</dl>
                    </details>
                </aside>
            </Show>
        </div>
    }
}
