//! "Copy as heapy text" for text the page already has: to the clipboard, or shown selected
//! in a field where the clipboard is unavailable.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ui::clipboard;

#[component]
pub fn CopyText(text: String, what: &'static str) -> impl IntoView {
    let status = RwSignal::new(None::<String>);
    let manual = RwSignal::new(None::<String>);
    let field = NodeRef::<html::Textarea>::new();
    let lines = text.lines().count();
    let done = move || status.set(Some(format!("Copied {what} ({lines} lines)")));
    let on_click = {
        let text = text.clone();
        move |_| {
            spawn_local(clipboard::copy_or_show(text.clone(), manual, field, done));
        }
    };
    view! {
        <div class="exports">
            <span class="export-status" role="status" aria-live="polite" data-test="copy-text-status">
                {move || status.get()}
            </span>
            <button class="btn" type="button" data-test="copy-diff-text" on:click=on_click
                title="Copy the diff as heapy prints str(A.diff(B))">
                "Copy as heapy text"
            </button>
            <ManualCopy manual field label="Copy the text" test="copy-diff-text-manual"/>
        </div>
    }
}

/// Where the clipboard is unavailable: the text in a field, selected, for Ctrl+C.
#[component]
pub fn ManualCopy(
    manual: RwSignal<Option<String>>,
    field: NodeRef<html::Textarea>,
    label: &'static str,
    test: &'static str,
) -> impl IntoView {
    move || {
        manual.get().map(|text| {
            view! {
                <div class="popover manual-copy" data-test=test role="dialog" aria-label=label>
                    <div class="popover-head">
                        "The clipboard is not available here: press Ctrl+C (⌘C) to copy the selected text."
                        <button class="btn btn-small" type="button" on:click=move |_| manual.set(None)>"Close"</button>
                    </div>
                    <textarea node_ref=field readonly spellcheck="false" prop:value=text></textarea>
                </div>
            }
        })
    }
}
