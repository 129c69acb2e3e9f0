//! Picking two snapshots on the snapshot list for heapy's `A.diff(B)`: an "A" and a "B"
//! radio button per row, and a bar with the "Diff" link to the diff page.

use leptos::prelude::*;

use crate::route::diff::DiffRoute;

pub fn pick_headers() -> impl IntoView {
    view! {
        <th class="pick" title="Diff: the snapshot A (usually the later one)">"A"</th>
        <th class="pick" title="Diff: the snapshot B that A is compared with">"B"</th>
    }
}

/// The two radio cells of one snapshot's row (clicks stay in the cell: the row opens the
/// snapshot).
pub fn pick_cells(id: &str, pick_a: RwSignal<Option<String>>, pick_b: RwSignal<Option<String>>) -> impl IntoView {
    let cell = move |which: &'static str, pick: RwSignal<Option<String>>| {
        let id = id.to_owned();
        let id2 = id.clone();
        let checked = move || pick.read().as_deref() == Some(id.as_str());
        view! {
            <td class="pick" on:click=|ev| ev.stop_propagation()>
                <input type="radio" name=format!("diff-{which}") data-test=format!("pick-{which}")
                    aria-label=format!("Diff: use as {}", which.to_uppercase())
                    prop:checked=checked on:change=move |_| pick.set(Some(id2.clone()))/>
            </td>
        }
    };
    view! { {cell("a", pick_a)}{cell("b", pick_b)} }
}

/// "Diff A − B": a link to the diff page once both are picked.
#[component]
pub fn DiffBar(pick_a: RwSignal<Option<String>>, pick_b: RwSignal<Option<String>>) -> impl IntoView {
    let href = move || match (pick_a.get(), pick_b.get()) {
        (Some(a), Some(b)) => Some(DiffRoute::new(&a, &b).href()),
        _ => None,
    };
    let note = move || match (pick_a.get(), pick_b.get()) {
        (Some(a), Some(b)) => format!("heapy's A.diff(B): {a} minus {b}"),
        (Some(_), None) => "Now pick B, the snapshot to compare A with.".to_owned(),
        _ => "Compare two snapshots: pick A (the later one, usually) and B in the last columns.".to_owned(),
    };
    view! {
        <div class="diff-bar">
            <a class="btn" class:disabled=move || href().is_none() data-test="diff-link"
                href=href aria-disabled=move || if href().is_none() { "true" } else { "false" }>"Diff A − B"</a>
            <span class="dim" data-test="diff-pick-note">{note}</span>
        </div>
    }
}
