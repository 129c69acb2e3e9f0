//! The referrer graph's tooltip: what is under the pointer, and the text shown for it.

use leptos::prelude::*;

use crate::ui::format::{bytes, exact_bytes, grouped};

use super::model::{short, Edge, Model, NodeKind};

/// Where the pointer is and what is under it (for the tooltip).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Hover {
    Node(usize),
    Edge(usize),
}

/// The tooltip's text for a node or an edge.
pub(super) fn tip_body(model: &Model, what: Hover) -> Option<AnyView> {
    let via_text = |e: &Edge| {
        e.via
            .iter()
            .map(|(n, c)| match c {
                Some(c) => format!("{n} ×{}", grouped(*c)),
                None => n.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(match what {
        Hover::Node(i) => {
            let n = model.nodes.get(i)?.clone();
            let nums = match (n.count, n.size) {
                (Some(c), Some(s)) => Some(format!("{} objects · {} · {}", grouped(c), exact_bytes(s), bytes(s))),
                (_, Some(s)) => Some(format!("{} · {}", exact_bytes(s), bytes(s))),
                _ => None,
            };
            let holds: Vec<String> = model
                .edges
                .iter()
                .filter(|e| e.from == i)
                .take(4)
                .map(|e| format!("holds {} by {}", short(&model.nodes[e.to].label, 40), via_text(e)))
                .collect();
            let held: Vec<String> = model
                .edges
                .iter()
                .filter(|e| e.to == i)
                .take(4)
                .map(|e| format!("held by {} by {}", short(&model.nodes[e.from].label, 40), via_text(e)))
                .collect();
            let hint = match (&n.kind, n.current) {
                (NodeKind::Root, _) => "hp.Root: where every path starts",
                (NodeKind::Group { .. }, true) => "the current set",
                (NodeKind::Group { .. }, false) if n.expanded => "click: make it the set · −: fold its referrers",
                (NodeKind::Group { .. }, false) => "click: make it the set · +: unfold its referrers",
                (NodeKind::Object { .. }, true) => "the object · i: inspect it",
                (NodeKind::Object { .. }, false) => "click: its own paths · i: inspect it",
            };
            let query = match &n.kind {
                NodeKind::Group { query } => query.clone(),
                NodeKind::Object { addr } => format!("@{addr}"),
                NodeKind::Root => "hp.Root".into(),
            };
            view! {
                <div class="viz-tip-label" data-test="graph-tip-label">{n.label}</div>
                {nums.map(|t| view! { <div class="viz-tip-num" data-test="graph-tip-size">{t}</div> })}
                <div class="viz-tip-query mono">{query}</div>
                {holds.into_iter().chain(held).map(|l| view! { <div class="viz-tip-via">{l}</div> }).collect_view()}
                <div class="viz-tip-hint dim">{hint}</div>
            }
            .into_any()
        }
        Hover::Edge(e) => {
            let e = model.edges.get(e)?.clone();
            let from = model.nodes[e.from].label.clone();
            let to = model.nodes[e.to].label.clone();
            let count = e.count.map(|c| format!("{} references", grouped(c)));
            let names = e
                .via
                .iter()
                .map(|(n, c)| {
                    let c = c.map(|c| format!(" ×{}", grouped(c))).unwrap_or_default();
                    view! { <div class="viz-tip-via"><span class="mono">{n.clone()}</span>{c}</div> }
                })
                .collect_view();
            view! {
                <div class="viz-tip-label">{from}" → "{to}</div>
                {count.map(|c| view! { <div class="viz-tip-num">{c}</div> })}
                <div class="dim">"by the names"</div>
                {names}
                <div class="viz-tip-hint dim">"click: go to the holders"</div>
            }
            .into_any()
        }
    })
}
