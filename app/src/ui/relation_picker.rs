//! The "Partition by" control: one option per relation the server offers (`/api/relations`).

use heaplens_wire::RelationInfo;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::route::partition::PartitionRoute;

/// A select of relations; picking one re-partitions the current set by it (via the URL).
///
/// `relations` is `None` while the list is loading or when it failed; the current
/// relation is always offered, so the control never jumps or shows an empty box.
#[component]
pub fn RelationPicker(route: Memo<PartitionRoute>, relations: Signal<Option<Vec<RelationInfo>>>) -> impl IntoView {
    let navigate = use_navigate();
    let on_change = move |ev| {
        let name = event_target_value(&ev);
        let next = route.get_untracked().with_relation(&name);
        navigate(&next.href(), Default::default());
    };
    let options = move || {
        let current = route.read().relation.clone();
        let mut list = relations.get().unwrap_or_default();
        if !list.iter().any(|r| r.name == current) {
            list.push(RelationInfo { name: current.clone(), header: String::new(), doc: String::new() });
        }
        list.into_iter()
            .map(|r| {
                let selected = r.name == current;
                let text = if r.header.is_empty() {
                    format!(".by{}", r.name)
                } else {
                    format!(".by{} — {}", r.name, r.header)
                };
                view! {
                    <option value=r.name title=r.doc selected=selected prop:selected=selected>{text}</option>
                }
            })
            .collect_view()
    };
    view! {
        <label class="picker">
            <span class="picker-label">"Partition by"</span>
            <select
                data-test="relation-picker"
                on:change=on_change
                prop:value=move || route.read().relation.clone()
            >
                {options}
            </select>
        </label>
    }
}
