//! The dominator tree view (`view=domtree[&open=ADDR]*`), like Eclipse MAT's: the set's
//! members that no other member dominates (for the whole heap, what the root holds), biggest
//! retained size first; ▸ opens an object's immediately dominated objects. Opened nodes are
//! in the URL, so a link shows the same tree.
//!
//! Levels are fetched one by one ([`api::domtree`]) and kept for the set shown; the tree is
//! flattened with an explicit stack into indented lines (dominator trees are deep).

use std::collections::HashMap;
use std::sync::Arc;

use heaplens_wire::{DomNodeView, DomTreeView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::route::partition::{PartitionRoute, ViewKind};
use crate::ui::error_box::ErrorBox;
use crate::ui::format::{bytes, exact_bytes, grouped};
use crate::views::object::link::inspector_route;
use crate::views::ViewCtx;

/// Nodes fetched per level, and added by each "more".
const PAGE: u64 = 100;

pub fn render(ctx: ViewCtx) -> AnyView {
    view! { <DomTree ctx/> }.into_any()
}

/// A level's state: the top level has key `""`, an object's children its address.
#[derive(Clone)]
enum Level {
    Loading,
    Failed(ApiError),
    Loaded(Arc<DomTreeView>),
}

/// One line of the flattened tree.
#[derive(Clone, PartialEq)]
enum Line {
    Node { depth: usize, node: DomNodeView, open: bool },
    Loading { depth: usize },
    Failed { depth: usize, error: ApiError },
    More { depth: usize, key: String, shown: u64, rest_count: u64, rest_retained: u64 },
}

/// The tree's lines: top level, then each open node's children under it (explicit stack).
fn flatten(levels: &HashMap<String, Level>, open: &[String]) -> Vec<Line> {
    let mut out = Vec::new();
    // (level key, depth, next node position); a level's lines come before its parent's next sibling
    let mut stack: Vec<(String, usize, usize)> = vec![(String::new(), 0, 0)];
    while let Some((key, depth, at)) = stack.pop() {
        match levels.get(&key) {
            None | Some(Level::Loading) => out.push(Line::Loading { depth }),
            Some(Level::Failed(error)) => out.push(Line::Failed { depth, error: error.clone() }),
            Some(Level::Loaded(v)) => {
                if let Some(node) = v.nodes.get(at) {
                    let is_open = node.children > 0 && open.contains(&node.addr);
                    out.push(Line::Node { depth, node: node.clone(), open: is_open });
                    stack.push((key.clone(), depth, at + 1));
                    if is_open {
                        stack.push((node.addr.clone(), depth + 1, 0));
                    }
                } else if v.rest_count > 0 {
                    out.push(Line::More {
                        depth,
                        key,
                        shown: v.nodes.len() as u64,
                        rest_count: v.rest_count,
                        rest_retained: v.rest_retained,
                    });
                }
            }
        }
    }
    out
}

#[component]
fn DomTree(ctx: ViewCtx) -> impl IntoView {
    let route = ctx.route;
    let set_key = Memo::new(move |_| route.with(|r| (r.snapshot.clone(), r.query.clone())));
    let levels: RwSignal<HashMap<String, Level>> = RwSignal::new(HashMap::new());
    let limits: RwSignal<HashMap<String, u64>> = RwSignal::new(HashMap::new());
    let heap_size = RwSignal::new(0u64);

    let fetch = move |key: String, limit: u64| {
        let (snapshot, query) = set_key.get_untracked();
        levels.update(|l| {
            l.entry(key.clone()).or_insert(Level::Loading);
        });
        spawn_local(async move {
            let addr = (!key.is_empty()).then_some(key.as_str());
            let res = api::domtree(&snapshot, &query, addr, 0, limit).await;
            if set_key.try_get_untracked() != Some((snapshot, query)) {
                return; // another set meanwhile
            }
            let level = match res {
                Ok(v) => {
                    heap_size.set(v.heap_size);
                    Level::Loaded(Arc::new(v))
                }
                Err(e) => Level::Failed(e),
            };
            levels.update(|l| {
                l.insert(key, level);
            });
        });
    };
    // a new set: start over
    Effect::new(move |_| {
        set_key.track();
        levels.set(HashMap::new());
        limits.set(HashMap::new());
    });
    // every level on screen that is not there yet: the top one and each open node's
    Effect::new(move |_| {
        set_key.track();
        let wanted: Vec<String> = std::iter::once(String::new()).chain(route.with(|r| r.open.clone())).collect();
        let missing: Vec<String> = levels.with(|l| wanted.into_iter().filter(|k| !l.contains_key(k)).collect());
        for key in missing {
            fetch(key, PAGE);
        }
    });

    let lines = Memo::new(move |_| {
        let open = route.with(|r| r.open.clone());
        levels.with(|l| flatten(l, &open))
    });
    let navigate = use_navigate();
    let toggle = move |addr: String| {
        let r = route.get_untracked();
        let mut open = r.open.clone();
        if let Some(i) = open.iter().position(|a| *a == addr) {
            open.remove(i);
        } else {
            open.push(addr);
        }
        navigate(&PartitionRoute { open, ..r }.href(), Default::default());
    };
    let more = move |key: String| {
        let limit = limits.with_untracked(|l| l.get(&key).copied().unwrap_or(PAGE)) + PAGE;
        limits.update(|l| {
            l.insert(key.clone(), limit);
        });
        levels.update(|l| {
            l.remove(&key);
        });
        fetch(key, limit);
    };
    let title = move || {
        let q = route.with(|r| r.query.clone());
        if q == "heap" {
            "What the root holds: objects no other object dominates".to_owned()
        } else {
            format!("{q}: its objects that no other of its objects dominates")
        }
    };

    let items = move || -> Vec<(usize, Line)> { lines.get().into_iter().enumerate().collect() };
    let item_key = |item: &(usize, Line)| (item.0, line_key(&item.1));
    view! {
        <section class="domtree" data-test="domtree">
            <p class="domtree-title" data-test="domtree-title">{title}</p>
            <div class="dt-row dt-head" role="row">
                <div role="columnheader" class="label">"Object"</div>
                <div role="columnheader" class="num" title="What freeing it frees (heapy's domisize)">"Retained"</div>
                <div role="columnheader" class="num pct">"% heap"</div>
                <div role="columnheader" class="num" title="Its own size">"Size"</div>
                <div role="columnheader" class="num" title="Objects it immediately dominates">"Dominates"</div>
                <div role="columnheader" class="acts"></div>
            </div>
            <div class="dt-body" role="tree" aria-label="Dominator tree">
                <For each=items key=item_key children=move |(_, l)| line_view(l, route, heap_size, toggle.clone(), more)/>
            </div>
        </section>
    }
}

fn line_key(l: &Line) -> String {
    match l {
        Line::Node { node, open, depth } => format!("n{depth}:{}:{open}", node.addr),
        Line::Loading { depth } => format!("l{depth}"),
        Line::Failed { depth, .. } => format!("f{depth}"),
        Line::More { key, shown, .. } => format!("m{key}:{shown}"),
    }
}

fn indent(depth: usize) -> String {
    format!("{}ch", depth as f64 * 2.0)
}

fn line_view(
    line: Line,
    route: Memo<PartitionRoute>,
    heap_size: RwSignal<u64>,
    toggle: impl Fn(String) + Clone + 'static,
    more: impl Fn(String) + Copy + 'static,
) -> AnyView {
    match line {
        Line::Loading { depth } => view! {
            <div class="dt-row dt-note" data-test="domtree-loading" aria-busy="true">
                <div class="label" style:padding-left=indent(depth)>"Loading…"</div>
            </div>
        }
        .into_any(),
        Line::Failed { depth, error } => view! {
            <div class="dt-row dt-note" style:padding-left=indent(depth)><ErrorBox error no_home=true/></div>
        }
        .into_any(),
        Line::More { depth, key, shown, rest_count, rest_retained } => view! {
            <div class="dt-row dt-note" data-test="domtree-more-row">
                <div class="label" style:padding-left=indent(depth + 1)>
                    <button class="linkish" data-test="domtree-more" on:click=move |_| more(key.clone())>
                        {format!("{} more", grouped(rest_count.min(PAGE)))}
                    </button>
                    {format!(" of {} not shown ({} retained); {} shown", grouped(rest_count), bytes(rest_retained), grouped(shown))}
                </div>
            </div>
        }
        .into_any(),
        Line::Node { depth, node, open } => {
            let total = heap_size.get_untracked().max(1);
            let pct = node.retained as f64 * 100.0 / total as f64;
            let addr = node.addr.clone();
            let base = route.get_untracked();
            let inspect = inspector_route(&base, &addr).href();
            let retained_set = PartitionRoute {
                view: ViewKind::Table,
                sel: None,
                open: Vec::new(),
                ..base.with_query(&format!("@{addr}.dominos"))
            }
            .href();
            let toggler = (node.children > 0).then(|| {
                let addr = addr.clone();
                let toggle = toggle.clone();
                view! {
                    <button class="dt-toggle" data-test="domtree-toggle" aria-expanded=open.to_string()
                        title=if open { "Close" } else { "Show what it dominates" }
                        on:click=move |_| toggle(addr.clone())>{if open { "▾" } else { "▸" }}</button>
                }
            });
            view! {
                <div class="dt-row" role="treeitem" data-test="domtree-node" data-addr=addr.clone()
                    data-retained=node.retained data-depth=depth>
                    <div class="label" style:padding-left=indent(depth)>
                        <span class="dt-toggle-slot">{toggler}</span>
                        <span class="dt-kind">{node.kind.clone()}</span>" "
                        <span class="dt-brief" title=node.brief.clone()>{node.brief.clone()}</span>
                    </div>
                    <div class="num" data-test="domtree-retained" title=format!("{} ({})", bytes(node.retained), exact_bytes(node.retained))>
                        {grouped(node.retained)}
                    </div>
                    <div class="num pct">
                        <div class="bar"><div class="bar-fill" style:width=format!("{:.2}%", pct.min(100.0))></div></div>
                        {format!("{pct:.1}")}
                    </div>
                    <div class="num">{grouped(node.size)}</div>
                    <div class="num">{grouped(node.children)}</div>
                    <div class="acts">
                        <a href=inspect data-test="domtree-inspect">"inspect"</a>" "
                        <a href=retained_set data-test="domtree-retained-set">"retained set"</a>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(addr: &str, children: u64) -> DomNodeView {
        DomNodeView { addr: addr.into(), kind: "k".into(), brief: "b".into(), size: 1, retained: 10, children }
    }

    fn level(nodes: Vec<DomNodeView>, rest: u64) -> Level {
        Level::Loaded(Arc::new(DomTreeView {
            snapshot: "s".into(),
            query: "heap".into(),
            parent: None,
            heap_size: 100,
            total: nodes.len() as u64 + rest,
            offset: 0,
            nodes,
            rest_count: rest,
            rest_retained: 5,
        }))
    }

    fn shape(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| match l {
                Line::Node { depth, node, open } => format!("{depth}{}{}", node.addr, if *open { "-" } else { "" }),
                Line::Loading { depth } => format!("{depth}…"),
                Line::Failed { depth, .. } => format!("{depth}!"),
                Line::More { depth, rest_count, .. } => format!("{depth}+{rest_count}"),
            })
            .collect()
    }

    #[test]
    fn open_nodes_list_their_children_under_them_in_order() {
        let mut levels = HashMap::new();
        levels.insert(String::new(), level(vec![node("a", 2), node("b", 1), node("c", 0)], 7));
        levels.insert("a".into(), level(vec![node("a1", 1), node("a2", 0)], 0));
        levels.insert("a1".into(), level(vec![node("a11", 0)], 3));
        let open = vec!["a".to_owned(), "a1".to_owned(), "b".to_owned(), "c".to_owned()];
        // b is open but its level is not loaded yet; c has no children, so it is not "open"
        assert_eq!(
            shape(&flatten(&levels, &open)),
            vec!["0a-", "1a1-", "2a11", "2+3", "1a2", "0b-", "1…", "0c", "0+7"]
        );
        assert_eq!(shape(&flatten(&levels, &[])), vec!["0a", "0b", "0c", "0+7"]);
        assert_eq!(shape(&flatten(&HashMap::new(), &[])), vec!["0…"]);
    }
}
