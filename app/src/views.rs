//! The partition page's views, and the one list of those this build has ([`VIEWS`]).
//!
//! A view is a function from a [`ViewCtx`] (the route and the page's shared data) to its
//! DOM. Adding one (see `route_state.rs`, "Adding a view"): a component in its own file with
//! `pub fn render(ctx: ViewCtx) -> AnyView`, its `mod` line in `main.rs`, and one line in
//! [`VIEWS`]. The tabs, the help panel and the page's `match` follow from the list.

use leptos::prelude::*;

use crate::partition_data::PartitionData;
use crate::route_state::{PartitionRoute, ViewKind};
use crate::table_view;

/// What every view gets: the URL state (read it; change it by navigating to an href of
/// `PartitionRoute`) and the page's data (first page, shared row cache).
#[derive(Clone, Copy)]
pub struct ViewCtx {
    pub route: Memo<PartitionRoute>,
    pub data: PartitionData,
}

/// Builds a view's DOM.
pub type RenderView = fn(ViewCtx) -> AnyView;

/// Every view this build can show, in tab order. One line per view.
pub const VIEWS: &[(ViewKind, RenderView)] = &[
    (ViewKind::Table, table_view::render),
    (ViewKind::Treemap, crate::treemap_view::render),
    (ViewKind::Graph, crate::graph_view::render),
    (ViewKind::DomTree, crate::domtree_view::render),
    (ViewKind::Inspector, crate::inspector_view::render),
];

/// Whether this build has `kind`.
pub fn has(kind: ViewKind) -> bool {
    VIEWS.iter().any(|(k, _)| *k == kind)
}

/// The view shown for a link asking for `kind`: itself, or the table when this build does
/// not have it.
pub fn shown(kind: ViewKind) -> ViewKind {
    if has(kind) {
        kind
    } else {
        ViewKind::Table
    }
}

/// The page's `match` over views: renders the view shown for `kind`.
pub fn render(kind: ViewKind, ctx: ViewCtx) -> AnyView {
    let kind = shown(kind);
    match VIEWS.iter().find(|(k, _)| *k == kind) {
        Some((_, render)) => render(ctx),
        None => table_view::render(ctx),
    }
}
