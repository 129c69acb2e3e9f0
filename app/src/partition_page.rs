//! `/s/:id?q=QUERY&by=REL`: one set of a snapshot, partitioned like heapy prints it.
//!
//! Holds the page's data: the first page of rows (refetched whenever the URL changes),
//! rows added by "show more", the relation list and the snapshot's summary.

use heaplens_wire::{Breadcrumb, PartitionRow, PartitionView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, PAGE_ROWS};
use crate::breadcrumbs::Breadcrumbs;
use crate::error_box::ErrorBox;
use crate::format;
use crate::partition_table::{PartitionHead, PartitionTable, PartitionTitle};
use crate::relation_picker::RelationPicker;
use crate::route_state::{set_document_title, use_partition_route, PartitionRoute, DEFAULT_QUERY};

type Loaded = (PartitionRoute, Result<PartitionView, ApiError>);

#[component]
pub fn PartitionPage() -> impl IntoView {
    let route = use_partition_route();
    let snapshot_id = Memo::new(move |_| route.read().snapshot.clone());

    let info = LocalResource::new(move || {
        let id = snapshot_id.get();
        async move { api::snapshot(&id).await }
    });
    let relations = LocalResource::new(api::relations);
    let loading = RwSignal::new(false);
    // The shown view: kept while the next one loads, so nothing jumps.
    let part: LocalResource<Loaded> = LocalResource::new(move || {
        let r = route.get();
        async move {
            loading.set(true);
            let res = api::partition(&r.snapshot, &r.query, &r.relation, 0, PAGE_ROWS).await;
            loading.set(false);
            (r, res)
        }
    });

    // Rows loaded by "show more", for the route they belong to.
    let more = RwSignal::new((PartitionRoute::root(""), Vec::<PartitionRow>::new()));
    let more_loading = RwSignal::new(false);
    let more_error = RwSignal::new(None::<ApiError>);
    let extra = Signal::derive(move || {
        let shown = part.with(|p| p.as_ref().map(|(r, _)| r.clone()));
        more.with(|(k, rows)| if Some(k) == shown.as_ref() { rows.clone() } else { Vec::new() })
    });
    let load_more = move |_| {
        let Some((r, Ok(v))) = part.get_untracked() else { return };
        if more_loading.get_untracked() {
            return;
        }
        let have = more.with_untracked(|(k, rows)| if *k == r { rows.len() as u64 } else { 0 });
        let offset = v.offset + v.rows.len() as u64 + have;
        more_loading.set(true);
        more_error.set(None);
        spawn_local(async move {
            let res = api::partition(&r.snapshot, &r.query, &r.relation, offset, PAGE_ROWS).await;
            more_loading.set(false);
            match res {
                Ok(page) => more.update(|(k, rows)| {
                    if *k != r {
                        *k = r.clone();
                        rows.clear();
                    }
                    if rows.len() as u64 + v.offset + v.rows.len() as u64 == page.offset {
                        rows.extend(page.rows);
                    }
                }),
                Err(e) => more_error.set(Some(e)),
            }
        });
    };

    Effect::new(move |_| {
        let name = info.get().and_then(|r| r.ok()).map(|i| i.name).unwrap_or_else(|| snapshot_id.get());
        let r = route.get();
        set_document_title(&format!("{} · {} — heaplens", r.query, name));
    });

    let relation_list = Signal::derive(move || relations.get().and_then(|r| r.ok()).map(|l| l.relations));

    let snapshot_head = move || {
        let id = snapshot_id.get();
        match info.get() {
            Some(Ok(i)) => {
                let python = i.python.split_whitespace().next().unwrap_or("").to_owned();
                view! {
                    <span class="snap-name" data-test="snapshot-name">{i.name}</span>
                    <span class="snap-meta">
                        {format!(
                            "Python {python} · pid {} · {} · {} objects · {}",
                            i.pid,
                            format::utc_time(i.time),
                            format::grouped(i.objects),
                            format::bytes(i.total_size),
                        )}
                    </span>
                }
                .into_any()
            }
            _ => view! { <span class="snap-name" data-test="snapshot-name">{id}</span> }.into_any(),
        }
    };

    let crumbs = move || {
        let r = route.get();
        match part.get() {
            Some((_, Ok(v))) => view! { <Breadcrumbs route=r crumbs=v.breadcrumbs/> }.into_any(),
            // nothing shown yet (or an error): offer the way back to the whole heap
            loaded => {
                let root = vec![Breadcrumb { query: DEFAULT_QUERY.into(), label: "heap".into(), relation: None }];
                let all_links = matches!(loaded, Some((_, Err(_))));
                view! { <Breadcrumbs route=r crumbs=root all_links/> }.into_any()
            }
        }
    };

    let body = move || match part.get() {
        None => view! { <PartitionSkeleton/> }.into_any(),
        Some((r, Err(error))) => view! { <ErrorBox error query=r.query/> }.into_any(),
        Some((r, Ok(v))) => {
            let total_rows = v.total_rows;
            let first = v.offset + v.rows.len() as u64;
            let shown = move || first + extra.with(|e| e.len() as u64);
            let footer = view! {
                <div class="table-foot">
                    <span class="dim" data-test="row-count">
                        {move || {
                            let n = shown();
                            if n >= total_rows {
                                let unit = if total_rows == 1 { "row" } else { "rows" };
                                format!("{} {unit}", format::grouped(total_rows))
                            } else {
                                format!("{} of {} rows", format::grouped(n), format::grouped(total_rows))
                            }
                        }}
                    </span>
                    <Show when=move || { shown() < total_rows }>
                        <button
                            class="btn"
                            data-test="more-rows"
                            on:click=load_more
                            disabled=move || more_loading.get()
                        >
                            {move || {
                                if more_loading.get() {
                                    "Loading…".to_owned()
                                } else {
                                    let next = (total_rows - shown()).min(PAGE_ROWS);
                                    format!("Show {} more", format::grouped(next))
                                }
                            }}
                        </button>
                    </Show>
                    {move || more_error.get().map(|error| view! { <ErrorBox error/> })}
                </div>
            };
            view! {
                <PartitionTitle title=v.title.clone()/>
                <PartitionTable view=v route=r extra/>
                {footer}
            }
            .into_any()
        }
    };

    view! {
        <section class="page partition-page" class:is-loading=move || loading.get()>
            <div class="snap-head">{snapshot_head}</div>
            <div class="toolbar">
                {crumbs}
                <RelationPicker route relations=relation_list/>
            </div>
            <div class="progress" class:active=move || loading.get() aria-hidden="true"></div>
            <div class="partition-body">{body}</div>
        </section>
    }
}

/// Space held for the title and table while the first answer loads.
#[component]
fn PartitionSkeleton() -> impl IntoView {
    view! {
        <h2 class="partition-title placeholder-text" aria-busy="true">"Loading partition…"</h2>
        <div class="table-wrap">
            <table class="grid partition">
                <PartitionHead header=String::new()/>
                <tbody><tr class="skeleton-row"><td colspan="9"></td></tr></tbody>
            </table>
        </div>
    }
}
