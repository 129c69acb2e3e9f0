//! The path from `heap` to the shown set (from the server's `breadcrumbs`); each step links back.

use heaplens_wire::Breadcrumb;
use leptos::prelude::*;

use crate::route::partition::PartitionRoute;

/// `heap › .byclodo dict of Foo › .bytype str`; the last step is the current set, unless
/// `all_links` (nothing is shown, e.g. after an error: every step is a way out).
#[component]
pub fn Breadcrumbs(route: PartitionRoute, crumbs: Vec<Breadcrumb>, #[prop(optional)] all_links: bool) -> impl IntoView {
    let last = if all_links { usize::MAX } else { crumbs.len().saturating_sub(1) };
    let items = crumbs
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let relation = c.relation.map(|r| view! { <span class="crumb-rel">{format!(".by{r}")}</span> });
            let text = view! { {relation}<span class="crumb-label">{c.label}</span> };
            let inner = if i == last {
                view! {
                    <span class="crumb current" data-test="breadcrumb" aria-current="page" title=c.query>
                        {text}
                    </span>
                }
                .into_any()
            } else {
                view! {
                    <a class="crumb" data-test="breadcrumb" href=route.with_query(&c.query).href() title=c.query>
                        {text}
                    </a>
                }
                .into_any()
            };
            view! { <li>{inner}</li> }
        })
        .collect_view();
    view! {
        <nav class="breadcrumbs" aria-label="Path to this set">
            <ol>{items}</ol>
        </nav>
    }
}
