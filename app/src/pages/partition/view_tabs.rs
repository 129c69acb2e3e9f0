//! The view tabs of the partition page: one per view this build has (`views::VIEWS`).

use leptos::prelude::*;

use crate::route::partition::PartitionRoute;
use crate::views;

/// Links to the same data in each view; the shown one is marked.
#[component]
pub fn ViewTabs(route: Memo<PartitionRoute>) -> impl IntoView {
    let shown = Memo::new(move |_| views::shown(route.read().view));
    let tabs = views::VIEWS
        .iter()
        .map(|&(kind, _)| {
            let active = move || shown.get() == kind;
            view! {
                <a
                    class="view-tab"
                    class:active=active
                    role="tab"
                    aria-selected=move || if active() { "true" } else { "false" }
                    data-test=format!("view-tab-{}", kind.as_str())
                    href=move || route.read().with_view(kind).href()
                    title=kind.doc()
                >
                    {kind.title()}
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="view-tabs" role="tablist" aria-label="Views">
            {tabs}
        </nav>
    }
}
