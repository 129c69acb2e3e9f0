//! heaplens browser app: entry point, top bar and routes (Leptos, client-side rendered).

mod api;
mod breadcrumbs;
mod error_box;
mod format;
mod partition_page;
mod partition_table;
mod relation_picker;
mod route_state;
mod snapshot_list;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::error_box::NotFound;
use crate::partition_page::PartitionPage;
use crate::snapshot_list::SnapshotList;

fn main() {
    console_error_panic_hook::set_once();
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
                </Routes>
            </main>
        </Router>
    }
}
