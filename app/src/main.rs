//! heaplens browser app: entry point, top bar and routes (Leptos, client-side rendered).

mod api;
mod pages;
mod route;
mod ui;
mod views;
mod viz;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::partition::PartitionPage;
use crate::pages::snapshots::SnapshotList;
use crate::ui::error_box::NotFound;

fn main() {
    console_error_panic_hook::set_once();
    // browser performance marks for row clicks (read by e2e/tests/perf.spec.ts and devtools)
    ui::perf::install();
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
                    <Route path=path!("/diff") view=crate::pages::diff::DiffPage/>
                    <Route path=path!("/timeline") view=crate::pages::timeline::TimelinePage/>
                </Routes>
            </main>
        </Router>
    }
}
