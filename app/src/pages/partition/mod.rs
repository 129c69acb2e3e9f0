//! `/s/:id?v=1&q=QUERY&by=REL&view=VIEW…`: one set of a snapshot, partitioned like heapy
//! prints it, in one of the views (see `route/partition.rs` for the URL, `views/mod.rs` for views).
//!
//! The page owns the data every view shares ([`PartitionData`]) and the frame around the
//! view: snapshot summary, breadcrumbs, relation picker, help, "copy link", heapy's title
//! line and the view tabs.

mod help_panel;
pub mod view_tabs;

use heaplens_wire::Breadcrumb;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api;
use crate::pages::partition::help_panel::HelpPanel;
use crate::pages::partition::view_tabs::ViewTabs;
use crate::route::partition::{set_document_title, use_partition_route, PartitionRoute, DEFAULT_QUERY};
use crate::ui::breadcrumbs::Breadcrumbs;
use crate::ui::copy_link::CopyLink;
use crate::ui::error_box::ErrorBox;
use crate::ui::format;
use crate::ui::relation_picker::RelationPicker;
use crate::views::data::{PartitionData, Status};
use crate::views::{self, ViewCtx};

#[component]
pub fn PartitionPage() -> impl IntoView {
    let route = use_partition_route();
    let location = use_location();
    let navigate = use_navigate();
    // A link from before `v=` (or an older version): show it under its current-version URL.
    Effect::new(move |_| {
        let search = location.search.get();
        if PartitionRoute::needs_canonical_rewrite(&search) {
            let href = route.get_untracked().href();
            navigate(&href, NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    });

    let snapshot_id = Memo::new(move |_| route.read().snapshot.clone());
    let key = Memo::new(move |_| route.read().data_key());
    let data = PartitionData::new(key);
    let status = data.status();
    let info = LocalResource::new(move || {
        let id = snapshot_id.get();
        async move { api::snapshot(&id).await }
    });
    let relations = LocalResource::new(api::relations);
    let relation_list = Signal::derive(move || relations.get().and_then(|r| r.ok()).map(|l| l.relations));
    let ctx = ViewCtx { route, data };

    Effect::new(move |_| {
        let name = info.get().and_then(|r| r.ok()).map(|i| i.name).unwrap_or_else(|| snapshot_id.get());
        let query = route.read().query.clone();
        set_document_title(&format!("{query} · {name} — heaplens"));
    });

    let snapshot_head = move || {
        let id = snapshot_id.get();
        match info.get() {
            Some(Ok(i)) => {
                let python = i.python.split_whitespace().next().unwrap_or("").to_owned();
                let meta = format!(
                    "Python {python} · pid {} · {} · {} objects · {}",
                    i.pid,
                    format::utc_time(i.time),
                    format::grouped(i.objects),
                    format::bytes(i.total_size),
                );
                let meta_title = format!("{} · {}", i.argv.join(" "), format::exact_bytes(i.total_size));
                view! {
                    <span class="snap-name" data-test="snapshot-name">{i.name}</span>
                    <span class="snap-meta" title=meta_title>{meta}</span>
                }
                .into_any()
            }
            _ => view! { <span class="snap-name" data-test="snapshot-name">{id}</span> }.into_any(),
        }
    };

    // Breadcrumb links do not depend on the filter: typing does not rebuild them.
    let link_base = Memo::new(move |_| route.with(|r| r.with_filter("")));
    let crumbs = move || {
        let r = link_base.get();
        match (status.get(), data.view()) {
            (Status::Ready, Some(v)) => view! { <Breadcrumbs route=r crumbs=v.breadcrumbs.clone()/> }.into_any(),
            // nothing shown yet (or an error): offer the way back to the whole heap
            (s, _) => {
                let root = vec![Breadcrumb { query: DEFAULT_QUERY.into(), label: "heap".into(), relation: None }];
                let all_links = matches!(s, Status::Failed { .. });
                view! { <Breadcrumbs route=r crumbs=root all_links/> }.into_any()
            }
        }
    };

    let title = move || match status.get() {
        Status::Ready => {
            let t = data.view().map(|v| v.title.clone()).unwrap_or_default();
            view! { <h2 class="partition-title" data-test="partition-title">{t}</h2> }.into_any()
        }
        Status::Loading => {
            view! { <h2 class="partition-title placeholder-text" aria-busy="true">"Loading partition…"</h2> }.into_any()
        }
        Status::Failed { .. } => ().into_any(),
    };

    // A link asking for a view this build does not have shows the table, and says so.
    let missing_view = move || {
        let asked = route.read().view;
        (!views::has(asked)).then(|| {
            view! {
                <span class="view-note" data-test="view-missing">
                    {format!("This heaplens has no {} view yet; showing the table.", asked.title().to_lowercase())}
                </span>
            }
        })
    };

    let shown_view = Memo::new(move |_| views::shown(route.read().view));
    let body = move || match status.get() {
        Status::Loading => view! { <div class="view-skeleton" aria-busy="true"></div> }.into_any(),
        Status::Failed { error, query } => view! { <ErrorBox error query/> }.into_any(),
        Status::Ready => views::render(shown_view.get(), ctx),
    };

    view! {
        <section class="page partition-page" class:is-loading=move || data.loading.get()>
            <div class="snap-head">{snapshot_head}</div>
            <div class="toolbar">
                {crumbs}
                <div class="toolbar-end">
                    <crate::ui::setref_toggle::SetrefToggle route/>
                    <RelationPicker route relations=relation_list/>
                    <HelpPanel route relations=relation_list/>
                    <CopyLink route/>
                    <crate::ui::share_link::ShareButton snapshot=Signal::derive(move || route.with(|r| r.snapshot.clone()))/>
                </div>
            </div>
            <div class="progress" class:active=move || data.loading.get() aria-hidden="true"></div>
            {title}
            <Show when=move || !matches!(status.get(), Status::Failed { .. })>
                <div class="view-bar">
                    <ViewTabs route/>
                    {missing_view}
                </div>
            </Show>
            <div class="partition-body">{body}</div>
        </section>
    }
}
