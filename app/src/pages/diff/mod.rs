//! `/diff?v=1&a=ID&b=ID&by=REL…`: heapy's `A.diff(B)` of two snapshots (see `route/diff.rs`
//! for the URL): heapy's summary block, the relation picker, swap, "copy as heapy text",
//! and the rows as a table (growth and shrinkage coloured, each row drilling into its
//! objects in A and in B) or as a treemap of the growth.

pub mod table;
pub mod treemap;

use heaplens_wire::DiffView;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::{self, ApiError};
use crate::pages::diff::table::DiffTable;
use crate::pages::diff::treemap::DiffTreemap;
use crate::route::diff::{DiffRoute, DiffViewKind};
use crate::route::partition::{set_document_title, PartitionRoute};
use crate::ui::error_box::ErrorBox;
use crate::ui::text_copy::CopyText;

/// Rows asked for (heapy's text always has every row's totals; the table shows these).
pub const DIFF_ROWS: u64 = 5000;

/// What the server is asked for (the view does not change it).
#[derive(Debug, Clone, PartialEq, Eq)]
struct DiffKey {
    a: String,
    b: String,
    relation: String,
    qa: String,
    qb: String,
}

#[component]
pub fn DiffPage() -> impl IntoView {
    let location = use_location();
    let route = Memo::new(move |_| location.search.with(|s| DiffRoute::from_url(s)));
    let key = Memo::new(move |_| {
        let r = route.read();
        DiffKey {
            a: r.a.clone(),
            b: r.b.clone(),
            relation: r.relation.clone(),
            qa: r.qa.clone(),
            qb: r.qb().to_owned(),
        }
    });
    let diff = LocalResource::new(move || {
        let k = key.get();
        async move {
            if k.a.is_empty() || k.b.is_empty() {
                return Err(ApiError {
                    status: None,
                    code: "bad_request".into(),
                    message: "Pick two snapshots to diff: the link needs a=ID and b=ID (or choose A and B on the \
                              snapshot list)."
                        .into(),
                    position: None,
                });
            }
            api::diff(&k.a, &k.b, &k.relation, &k.qa, &k.qb, DIFF_ROWS).await
        }
    });
    Effect::new(move |_| {
        let r = route.read();
        set_document_title(&format!("{} − {} · diff — heaplens", r.a, r.b));
    });

    let heads = move || {
        let r = route.get();
        let side = |id: String, q: String, which: &'static str| {
            let href = PartitionRoute::root(&id).with_query(&q).href();
            view! {
                <span class="diff-side">
                    <span class="diff-side-tag">{which}</span>
                    <a data-test=format!("diff-{}", which.to_lowercase()) href=href>{id}</a>
                    <code class="dim">{q}</code>
                </span>
            }
        };
        let qb = r.qb().to_owned();
        view! {
            {side(r.a.clone(), r.qa.clone(), "A")}
            <span class="dim">"minus"</span>
            {side(r.b.clone(), qb, "B")}
        }
    };

    let body = move || match diff.get() {
        None => view! { <div class="view-skeleton" aria-busy="true"></div> }.into_any(),
        Some(Err(error)) => {
            let query = route.with(|r| match error.message.starts_with("in qb") {
                true => r.qb().to_owned(),
                false => r.qa.clone(),
            });
            view! { <ErrorBox error query/> }.into_any()
        }
        Some(Ok(v)) => view! { <DiffBody route view=v/> }.into_any(),
    };

    view! {
        <section class="page diff-page">
            <div class="page-head">
                <h1 class="page-title">"Diff"</h1>
                {heads}
            </div>
            <div class="toolbar">
                <div class="diff-tools">
                    <DiffRelationPicker route/>
                    <a class="btn" data-test="diff-swap" href=move || route.read().swapped().href()
                        title="heapy's B.diff(A): the other way round">"Swap A and B"</a>
                </div>
                <div class="toolbar-end">
                    {move || match diff.get() {
                        Some(Ok(v)) => Some(view! { <CopyText text=v.text.clone() what="heapy's diff"/> }),
                        _ => None,
                    }}
                </div>
            </div>
            <div class="diff-body">{body}</div>
        </section>
    }
}

/// heapy's summary block, the view tabs and the shown view.
#[component]
fn DiffBody(route: Memo<DiffRoute>, view: DiffView) -> impl IntoView {
    // heapy's title block: the text up to the row header
    let summary: String = view
        .text
        .lines()
        .take_while(|l| !l.starts_with(" Index  Count"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned();
    let tab = move |kind: DiffViewKind, title: &'static str, doc: &'static str| {
        let active = move || route.read().view == kind;
        view! {
            <a class="view-tab" class:active=active role="tab" data-test=format!("diff-tab-{}", kind.as_str())
                aria-selected=move || if active() { "true" } else { "false" }
                href=move || route.read().with_view(kind).href() title=doc>{title}</a>
        }
    };
    let shown = {
        let view = view.clone();
        move || match route.read().view {
            DiffViewKind::Table => view! { <DiffTable route view=view.clone()/> }.into_any(),
            DiffViewKind::Treemap => view! { <DiffTreemap view=view.clone()/> }.into_any(),
        }
    };
    view! {
        <pre class="diff-summary" data-test="diff-summary">{summary}</pre>
        <div class="view-bar">
            <nav class="view-tabs" role="tablist" aria-label="Views">
                {tab(DiffViewKind::Table, "Table", "heapy's rows: A minus B per label, largest absolute size difference first")}
                {tab(DiffViewKind::Treemap, "Growth", "The rows that grew, as rectangles sized by their growth in bytes")}
            </nav>
        </div>
        <div class="partition-body">{shown}</div>
    }
}

/// The relation both sets are partitioned by; picking one navigates.
#[component]
fn DiffRelationPicker(route: Memo<DiffRoute>) -> impl IntoView {
    let navigate = use_navigate();
    let relations = LocalResource::new(api::relations);
    let on_change = move |ev| {
        let name = event_target_value(&ev);
        navigate(&route.get_untracked().with_relation(&name).href(), Default::default());
    };
    let options = move || {
        let current = route.read().relation.clone();
        let mut names: Vec<(String, String)> = relations
            .get()
            .and_then(|r| r.ok())
            .map(|l| l.relations.into_iter().map(|r| (r.name, r.header)).collect())
            .unwrap_or_default();
        if !names.iter().any(|(n, _)| *n == current) {
            names.push((current.clone(), String::new()));
        }
        names
            .into_iter()
            .map(|(name, header)| {
                let selected = name == current;
                let text = if header.is_empty() { format!(".by{name}") } else { format!(".by{name} — {header}") };
                view! { <option value=name selected=selected prop:selected=selected>{text}</option> }
            })
            .collect_view()
    };
    view! {
        <label class="picker">
            <span class="picker-label">"Diff by"</span>
            <select data-test="diff-relation" on:change=on_change prop:value=move || route.read().relation.clone()>
                {options}
            </select>
        </label>
    }
}
