//! The object inspector (`view=inspector&sel=0x…`): one object up close.
//!
//! Address, type, kind, size, brief and the value the capture recorded; the objects it
//! refers to and those that refer to it (edge name, brief, kind, size; each row opens that
//! object here); heapy's shortest paths from the root as chains whose steps open their
//! objects, and heapy's own text lines; heapy's reference pattern as a collapsible tree
//! (`views/rp`). Without `sel`, a set of one object is shown directly
//! and a larger set lists its first objects to choose from.

use std::rc::Rc;

use heaplens_wire::{ObjectEdges, ObjectView, PartitionRow};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::route::partition::{is_plain_row_click, PartitionRoute, ViewKind};
use crate::ui::error_box::ErrorBox;
use crate::ui::format::{bytes, exact_bytes, grouped};
use crate::ui::perf;
use crate::views::object::link::{self, atom_address, inspector_route, object_graph_route};
use crate::views::rp::tree::RpTree;
use crate::views::ViewCtx;

/// Edges listed per direction at first, and after "show more" (the server's most).
const EDGES: u64 = 200;
const EDGES_MORE: u64 = 5000;
/// Objects offered when the set has more than one.
const PICK: u64 = 50;

pub fn render(ctx: ViewCtx) -> AnyView {
    view! { <Inspector ctx/> }.into_any()
}

/// What the inspector shows: an object by address, or the set's first objects to pick from.
#[derive(Clone)]
enum Load {
    Loading(String),
    Failed(ApiError, Option<String>),
    Object(Rc<ObjectView>),
    Pick { query: String, count: u64, rows: Vec<PartitionRow> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    snapshot: String,
    query: String,
    sel: Option<String>,
    limit: u64,
}

async fn fetch(req: &Request) -> Load {
    let addr = match req.sel.clone().or_else(|| atom_address(&req.query)) {
        Some(a) => a,
        None => {
            // no object chosen: the set's one object, or a list to choose from
            let first = match api::partition(&req.snapshot, &req.query, "id", 0, PICK).await {
                Ok(p) => p,
                Err(e) => return Load::Failed(e, Some(req.query.clone())),
            };
            if first.count != 1 {
                return Load::Pick { query: req.query.clone(), count: first.count, rows: first.rows };
            }
            match api::object_address(&req.snapshot, &req.query).await {
                Ok(a) => a,
                Err(e) => return Load::Failed(e, None),
            }
        }
    };
    match api::object(&req.snapshot, &addr, req.limit).await {
        Ok(o) => Load::Object(Rc::new(o)),
        Err(e) => Load::Failed(e, None),
    }
}

#[component]
fn Inspector(ctx: ViewCtx) -> impl IntoView {
    perf::install();
    let route = ctx.route;
    // "show more" is for the object it was asked on: another object starts short again
    let more_for = RwSignal::new(None::<(String, Option<String>)>);
    let request = Memo::new(move |_| {
        let r = route.read();
        let more = more_for.read().as_ref() == Some(&(r.query.clone(), r.sel.clone()));
        Request {
            snapshot: r.snapshot.clone(),
            query: r.query.clone(),
            sel: r.sel.clone(),
            limit: if more { EDGES_MORE } else { EDGES },
        }
    });
    let more = Callback::new(move |_: ()| {
        let r = route.get_untracked();
        more_for.set(Some((r.query, r.sel)));
    });
    let load = RwSignal::new_local(Load::Loading("Loading the object…".into()));
    Effect::new(move |prev: Option<Request>| {
        let req = request.get();
        let only_longer = prev.as_ref().is_some_and(|p| Request { limit: req.limit, ..p.clone() } == req);
        // a longer list of the same object keeps the object on screen while it loads
        if !only_longer {
            load.set(Load::Loading("Loading the object…".into()));
        }
        let r2 = req.clone();
        spawn_local(async move {
            let res = fetch(&r2).await;
            if request.try_get_untracked().as_ref() == Some(&r2) {
                load.set(res);
            }
        });
        req
    });

    let body = move || match load.get() {
        Load::Loading(msg) => view! {
            <div class="ix-loading" aria-busy="true" data-test="inspector-loading">
                <div class="ix-skeleton"></div>
                <span class="dim">{msg}</span>
            </div>
        }
        .into_any(),
        Load::Failed(error, query) => match query {
            Some(q) => view! { <ErrorBox error query=q/> }.into_any(),
            None => view! { <ErrorBox error/> }.into_any(),
        },
        Load::Pick { query, count, rows } => view! { <PickList route query count rows/> }.into_any(),
        Load::Object(o) => view! { <ObjectCard route o more/> }.into_any(),
    };
    view! { <div class="viz-view ix-view" data-test="inspector">{body}</div> }
}

/// The set's first objects, each opening in the inspector.
#[component]
fn PickList(route: Memo<PartitionRoute>, query: String, count: u64, rows: Vec<PartitionRow>) -> impl IntoView {
    let navigate = use_navigate();
    let status = RwSignal::new(None::<Result<String, ApiError>>);
    let shown = rows.len() as u64;
    let items = rows
        .into_iter()
        .map(|row| {
            let navigate = navigate.clone();
            let q = row.query.clone();
            let on_click = move |_| {
                let navigate = navigate.clone();
                link::open(route, q.clone(), status, Rc::new(move |href: String| navigate(&href, Default::default())));
            };
            view! {
                <li>
                    <button class="ix-pick" type="button" data-test="inspect-pick" data-query=row.query.clone() on:click=on_click>
                        <span class="ix-pick-label">{row.label}</span>
                        <span class="dim ix-pick-size">{exact_bytes(row.size)}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    let status_view = move || match status.get() {
        Some(Ok(m)) => Some(view! { <p class="dim" role="status">{m}</p> }.into_any()),
        Some(Err(error)) => Some(view! { <ErrorBox error/> }.into_any()),
        None => None,
    };
    let table_href = move || PartitionRoute { view: ViewKind::Table, ..route.get().with_relation("id") }.href();
    view! {
        <div class="ix-pick-view">
            <h3 class="ix-h">"Choose an object"</h3>
            <p class="dim">
                {format!("The set {query} has {} objects; the first {} by size:", grouped(count), grouped(shown))}
                " "<a href=table_href data-test="inspect-table-link">"all of them in the table (.byid)"</a>
            </p>
            {status_view}
            <ol class="ix-pick-list">{items}</ol>
        </div>
    }
}

/// One object: its facts, paths and edges.
#[component]
fn ObjectCard(route: Memo<PartitionRoute>, o: Rc<ObjectView>, more: Callback<()>) -> impl IntoView {
    let base = route.get_untracked();
    let addr = o.addr.clone();
    let graph_href = object_graph_route(&base, &addr).href();
    let referents_href =
        PartitionRoute { view: ViewKind::Table, sel: None, ..base.with_query(&format!("@{addr}.referents")) }.href();
    let referrers_href =
        PartitionRoute { view: ViewKind::Table, sel: None, ..base.with_query(&format!("@{addr}.referrers")) }.href();
    let dominos_href =
        PartitionRoute { view: ViewKind::Table, sel: None, ..base.with_query(&format!("@{addr}.dominos")) }.href();
    let is_root = addr == "0x0";
    let facts = view! {
        <dl class="ix-facts">
            <dt>"Address"</dt><dd class="mono" data-test="inspector-addr">{o.addr.clone()}</dd>
            <dt>"Type"</dt><dd class="mono" data-test="inspector-type">{o.type_name.clone()}</dd>
            <dt>"Kind"</dt><dd class="mono" data-test="inspector-kind">{o.kind.clone()}</dd>
            <dt>"Size"</dt><dd data-test="inspector-size">{format!("{} ({})", exact_bytes(o.size), bytes(o.size))}</dd>
            <dt title="What deleting the references to it would free, itself included (heapy's domisize)">"Retained"</dt>
            <dd data-test="inspector-retained">{format!("{} ({})", exact_bytes(o.retained), bytes(o.retained))}</dd>
            <dt>"Brief"</dt><dd class="mono" data-test="inspector-brief">{o.brief.clone()}</dd>
            {o.preview.clone().map(|p| view! { <dt>"Value"</dt><dd><pre class="ix-preview" data-test="inspector-preview">{p}</pre></dd> })}
            {(!o.reachable).then(|| view! {
                <dt>"Reachable"</dt><dd class="ix-warn">"no: the root does not reach it (it is in heapu)"</dd>
            })}
        </dl>
    };
    let actions = (!is_root).then(|| {
        view! {
            <div class="ix-actions">
                <a class="btn btn-link" href=graph_href data-test="inspector-graph-link">"Referrer chains in the graph"</a>
                <a class="btn btn-link" href=referents_href>"Referents as a set"</a>
                <a class="btn btn-link" href=referrers_href>"Referrers as a set"</a>
                <a class="btn btn-link" href=dominos_href data-test="inspector-dominos-link"
                    title="What deleting the references to it would free (heapy's dominos)">"Retained set"</a>
            </div>
        }
    });
    let paths = paths_view(&base, &o);
    let rp = (!is_root).then(|| view! { <RpTree route addr=addr.clone()/> });
    let cut = |e: &ObjectEdges| e.total > e.items.len() as u64 && (e.items.len() as u64) < EDGES_MORE;
    let needs_more = cut(&o.referents) || cut(&o.referrers);
    view! {
        <div class="ix-card">
            <div class="ix-head">
                <h3 class="ix-h ix-title">{o.brief.clone()}</h3>
                {actions}
            </div>
            {facts}
            {paths}
            {rp}
            <div class="ix-edges">
                <EdgeTable route title="Referents" what="what it refers to" test="referent" edges=o.referents.clone()/>
                <EdgeTable route title="Referrers" what="what refers to it" test="referrer" edges=o.referrers.clone()/>
            </div>
            {needs_more.then(|| view! {
                <button class="btn" type="button" data-test="inspector-more" on:click=move |_| more.run(())>
                    {format!("Show up to {} edges each way", grouped(EDGES_MORE))}
                </button>
            })}
        </div>
    }
}

/// heapy's shortest paths: chains of links (each step opens its object), then heapy's text.
fn paths_view(base: &PartitionRoute, o: &ObjectView) -> impl IntoView {
    let chains = o
        .shpaths
        .paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let steps = path
                .iter()
                .map(|s| {
                    let href = inspector_route(base, &s.addr).href();
                    view! {
                        <a class="ix-step mono" href=href data-test="path-step" data-addr=s.addr.clone() title=s.brief.clone()>
                            {s.name.clone()}
                        </a>
                    }
                })
                .collect_view();
            view! {
                <li class="ix-path" data-test="path">
                    <span class="dim ix-path-n">{format!("{i}:")}</span>
                    <span class="mono">"hp.Root"</span>
                    {steps}
                </li>
            }
        })
        .collect_view();
    let total = o.shpaths.total;
    let head = if o.shpaths.paths.is_empty() {
        "No path from the root".to_owned()
    } else if total == 1 {
        "The shortest path from the root".to_owned()
    } else {
        format!("Shortest paths from the root ({} in all)", grouped(total))
    };
    let text = o.shpaths.text.join("\n");
    view! {
        <section class="ix-paths">
            <h4 class="ix-h">{head}</h4>
            <ol class="ix-path-list">{chains}</ol>
            <pre class="ix-shpaths" data-test="shpaths-text">{text}</pre>
        </section>
    }
}

/// Referents or referrers: name, brief, kind, size; a row opens its object.
#[component]
fn EdgeTable(
    route: Memo<PartitionRoute>,
    title: &'static str,
    what: &'static str,
    test: &'static str,
    edges: ObjectEdges,
) -> impl IntoView {
    let navigate = use_navigate();
    let base = route.get_untracked();
    let shown = edges.items.len() as u64;
    let note = if edges.total > shown {
        format!("{} of {}", grouped(shown), grouped(edges.total))
    } else {
        grouped(edges.total)
    };
    let rows = edges
        .items
        .into_iter()
        .map(|e| {
            let href = inspector_route(&base, &e.addr).href();
            let navigate = navigate.clone();
            let row_href = href.clone();
            let (name_title, brief_title, kind_title) = (e.name.clone(), e.brief.clone(), e.kind.clone());
            let on_click = move |ev: web_sys::MouseEvent| {
                if is_plain_row_click(&ev) {
                    navigate(&row_href, Default::default());
                }
            };
            view! {
                <tr class="ix-row" data-test=format!("{test}-row") data-addr=e.addr.clone() on:click=on_click>
                    <td class="mono ix-name" title=name_title>{e.name}</td>
                    <td class="mono ix-brief" title=brief_title><a href=href data-test=format!("{test}-link")>{e.brief}</a></td>
                    <td class="mono ix-kind" title=kind_title>{e.kind}</td>
                    <td class="num">{grouped(e.size)}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = (edges.total == 0).then(|| view! { <tr><td colspan="4" class="dim">"none"</td></tr> });
    view! {
        <section class="ix-edge-table" data-test=format!("{test}s")>
            <h4 class="ix-h">{title}" "<span class="dim">{format!("({note}) — {what}")}</span></h4>
            <div class="ix-table-wrap">
                <table class="ix-table">
                    <thead>
                        <tr><th>"Edge"</th><th>"Object"</th><th>"Kind"</th><th class="num">"Size"</th></tr>
                    </thead>
                    <tbody>{rows}{empty}</tbody>
                </table>
            </div>
        </section>
    }
}
