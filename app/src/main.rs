//! heaplens browser app: entry point, top bar and routes (Leptos, client-side rendered).

mod api;
mod breadcrumbs;
mod canvas;
mod clipboard;
mod copy_link;
mod d3;
mod diff_page;
mod diff_pick;
mod diff_route;
mod diff_table;
mod diff_treemap;
mod domtree_view;
mod error_box;
mod export;
mod export_buttons;
mod filter_box;
mod format;
mod graph_view;
mod help_panel;
mod inspect_link;
mod inspector_view;
mod js_future;
mod login_form;
mod partition_data;
mod partition_page;
mod partition_table;
mod perf;
mod relation_picker;
mod retained_data;
mod route_state;
mod rp_tree;
mod series_section;
mod setref_toggle;
mod share_link;
mod snapshot_list;
mod snapshot_meta;
mod table_view;
mod text_copy;
mod timeline_chart;
mod timeline_page;
mod timeline_panels;
mod timeline_route;
mod treemap_view;
mod upload_zone;
mod urlcode;
mod view_tabs;
mod views;
mod viz_status;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::error_box::NotFound;
use crate::partition_page::PartitionPage;
use crate::snapshot_list::SnapshotList;

fn main() {
    console_error_panic_hook::set_once();
    // browser performance marks for row clicks (read by e2e/tests/perf.spec.ts and devtools)
    perf::install();
    leptos::mount::mount_to_body(App);
}

/// The whole app: a top bar and one page per route.
#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <header class="topbar">
                <a class="brand" href="/" data-test="home-link">
                    <img class="brand-icon" src="/favicon.svg" alt="" width="16" height="16"/>
                    <span>"heaplens"</span>
                </a>
                <span class="topbar-sub">"Python heap browser"</span>
            </header>
            <main class="main">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=SnapshotList/>
                    <Route path=path!("/s/:id") view=PartitionPage/>
                    <Route path=path!("/diff") view=crate::diff_page::DiffPage/>
                    <Route path=path!("/timeline") view=crate::timeline_page::TimelinePage/>
                </Routes>
            </main>
        </Router>
    }
}
