//! heapy's `setref` in the page: on a snapshot captured after `heaplens.setref()`, a
//! switch "new since reference point" next to the query (it links to the same view with
//! `heap` made `heapnew`, or back: the URL's `q` changes, so copied links keep it), and the
//! snapshot list's "ref" badge with the count of new objects.

use heaplens_wire::ReferenceInfo;
use leptos::prelude::*;

use crate::api;
use crate::route::partition::PartitionRoute;
use crate::ui::format;

/// The switch; nothing when the snapshot has no reference point.
#[component]
pub fn SetrefToggle(route: Memo<PartitionRoute>) -> impl IntoView {
    let snapshot_id = Memo::new(move |_| route.read().snapshot.clone());
    let info = LocalResource::new(move || {
        let id = snapshot_id.get();
        async move { api::snapshot(&id).await.ok() }
    });
    let query = Memo::new(move |_| route.read().query.clone());
    let other = LocalResource::new(move || {
        let (id, q) = (snapshot_id.get(), query.get());
        async move { api::rebase(&id, &q).await.ok() }
    });
    move || {
        let info = info.get().flatten()?;
        let reference = info.reference.filter(|_| info.has_reference_point)?;
        let rebased = other.get().flatten();
        // a set named without `heap` (one object, `@0x…`) has no other side to switch to
        if rebased.as_ref().is_some_and(|r| r.query == route.read().query) {
            return None;
        }
        // the rebased query goes to heapnew exactly when this one does not use it
        let on = rebased.as_ref().map(|r| !r.heapnew);
        let href = rebased.map(|r| route.read().with_query(&r.query).href());
        let title = format!(
            "Only the objects created since heaplens.setref() ({} objects, {}), like heapy's hp.heap() after \
             hp.setref(): switches the query between heap and heapnew",
            format::grouped(reference.new_objects),
            format::bytes(reference.new_size),
        );
        Some(view! {
            <a
                class="btn setref-toggle"
                class:on=on == Some(true)
                role="switch"
                aria-checked=if on == Some(true) { "true" } else { "false" }
                aria-disabled=if href.is_none() { "true" } else { "false" }
                data-test="setref-toggle"
                href=href
                title=title
            >
                <span class="setref-box" aria-hidden="true">{if on == Some(true) { "☑" } else { "☐" }}</span>
                " new since reference point"
            </a>
        })
    }
}

/// The snapshot list's badge: "ref +N" linking to the new objects by kind; nothing for a
/// snapshot without a reference point.
#[component]
pub fn RefBadge(id: String, reference: Option<ReferenceInfo>) -> impl IntoView {
    let reference = reference?;
    let href = PartitionRoute::root(&id).with_query("heapnew").href();
    let title = format!(
        "Captured after heaplens.setref(): {} objects ({}) are new since the reference point (heapnew)",
        format::grouped(reference.new_objects),
        format::bytes(reference.new_size),
    );
    // heapy's diff of the heap now against the reference point: A = heap, B = heapref
    let id_q = crate::route::urlcode::encode(&id);
    let diff = format!("/diff?v=1&a={id_q}&b={id_q}&by=clodo&qa=heap&qb=heapref");
    Some(view! {
        <a class="ref-badge" data-test="ref-badge" href=href title=title on:click=|ev| ev.stop_propagation()>
            "ref +"{format::grouped(reference.new_objects)}
        </a>
        " "
        <a class="ref-badge" data-test="ref-diff" href=diff on:click=|ev| ev.stop_propagation()
            title="heapy's diff of the heap against the reference point (heap − heapref), by kind">"diff"</a>
    })
}
