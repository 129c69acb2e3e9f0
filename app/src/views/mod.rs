//! The partition page's views, and the one list of those this build has ([`VIEWS`]).
//!
//! A view is a function from a [`ViewCtx`] (the route and the page's shared data) to its
//! DOM. Adding one (see `route/partition.rs`, "Adding a view"): a component in its own folder
//! with `pub fn render(ctx: ViewCtx) -> AnyView`, its `mod` line here, and one line in
//! [`VIEWS`]. The tabs, the help panel and the page's `match` follow from the list.

pub mod data;
pub mod graph;
pub mod object;
pub mod partition;
pub mod retained;
pub mod rp;
pub mod treemap;

use leptos::prelude::*;

use crate::route::partition::{PartitionRoute, ViewKind};
use crate::views::data::PartitionData;
use crate::views::partition::table;

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
    (ViewKind::Table, table::render),
    (ViewKind::Treemap, crate::views::treemap::component::render),
    (ViewKind::Graph, crate::views::graph::component::render),
    (ViewKind::DomTree, crate::views::retained::domtree::render),
    (ViewKind::Inspector, crate::views::object::inspector::render),
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
        None => table::render(ctx),
    }
}
