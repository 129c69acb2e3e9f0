//! The start page: every snapshot the server has loaded, one row each (click opens it),
//! the files it could not load, and the zone to upload another.

pub mod diff_pick;
pub mod series_section;
pub mod snapshot_meta;
pub mod upload_zone;

use heaplens_wire::{FailedSnapshot, SnapshotInfo};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::pages::snapshots::upload_zone::UploadZone;
use crate::route::partition::{is_plain_row_click, set_document_title, PartitionRoute};
use crate::ui::error_box::ErrorBox;
use crate::ui::format;

/// `/`: the table of snapshots.
#[component]
pub fn SnapshotList() -> impl IntoView {
    set_document_title("heaplens — snapshots");
    let list = LocalResource::new(api::snapshots);
    view! {
        <section class="page">
            <div class="page-head">
                <h1 class="page-title">"Snapshots"</h1>
                <span class="page-note">
                    {move || match list.get() {
                        Some(Ok(l)) => format!("{} loaded", l.snapshots.len()),
                        _ => String::new(),
                    }}
                </span>
            </div>
            {move || match list.get() {
                None => view! { <div class="placeholder">"Loading snapshots…"</div> }.into_any(),
                Some(Err(error)) => view! { <ErrorBox error/> }.into_any(),
                Some(Ok(l)) if l.snapshots.is_empty() => view! {
                    <div class="placeholder">
                        "No snapshots loaded. Start the server with one or more "
                        <code>".hls"</code>" files: "<code>"heaplens serve SNAPSHOT.hls"</code>
                    </div>
                }.into_any(),
                Some(Ok(l)) => view! { <SnapshotTable snapshots=l.snapshots on_change=Callback::new(move |()| list.refetch())/> }.into_any(),
            }}
            {move || match list.get() {
                Some(Ok(l)) if !l.failed.is_empty() => Some(view! { <FailedFiles failed=l.failed/> }),
                _ => None,
            }}
            <crate::pages::snapshots::series_section::SeriesSection/>
            <UploadZone/>
        </section>
    }
}

/// Files the server found but could not read, with its reason.
#[component]
fn FailedFiles(failed: Vec<FailedSnapshot>) -> impl IntoView {
    let items = failed
        .into_iter()
        .map(|f| view! { <li><code>{f.file}</code>": "<span class="failed-msg">{f.message}</span></li> })
        .collect_view();
    view! {
        <div class="failed-files" data-test="failed-snapshots">
            <div class="failed-head">"Not loaded:"</div>
            <ul>{items}</ul>
        </div>
    }
}

#[component]
fn SnapshotTable(snapshots: Vec<SnapshotInfo>, on_change: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    // the snapshots picked for heapy's A.diff(B)
    let pick_a = RwSignal::new(None::<String>);
    let pick_b = RwSignal::new(None::<String>);
    let rows = snapshots
        .into_iter()
        .map(|s| {
            let href = PartitionRoute::root(&s.id).href();
            let navigate = navigate.clone();
            let row_href = href.clone();
            let python_short = s.python.split_whitespace().next().unwrap_or("").to_owned();
            let argv = s.argv.join(" ");
            let argv_title = argv.clone();
            let python_title = s.python.clone();
            let file_title = s.file.clone();
            let size_title = format!("{} bytes", format::grouped(s.total_size));
            let meta = view! { <crate::pages::snapshots::snapshot_meta::SnapshotMeta info=s.clone() on_change/> };
            // heapy's heapu: what the GC tracked but the root did not reach, by type as heapy shows it
            let heapu = (s.unreachable > 0).then(|| {
                let route = PartitionRoute::root(&s.id).with_query("heapu").with_relation("type");
                let title = "Objects the GC tracked that the root does not reach (heapy's heapu), by type";
                view! {
                    <a data-test="heapu-link" href=route.href() title=title on:click=|ev| ev.stop_propagation()>
                        {format::grouped(s.unreachable)}
                    </a>
                }
                .into_any()
            });
            view! {
                <tr
                    class="clickable"
                    data-test="snapshot-row"
                    data-id=s.id.clone()
                    on:click=move |ev| {
                        if is_plain_row_click(&ev) {
                            navigate(&row_href, Default::default());
                        }
                    }
                >
                    <td class="name">
                        <a data-test="snapshot-link" href=href title=file_title>{s.name}</a>
                        <crate::ui::setref_toggle::RefBadge id=s.id.clone() reference=s.reference.clone()/>
                        {meta}
                    </td>
                    <td class="mono">{format::utc_time(s.time)}</td>
                    <td class="mono" title=python_title>{python_short}</td>
                    <td class="num">{s.pid}</td>
                    <td class="argv mono" title=argv_title>{argv}</td>
                    <td class="num">{format::grouped(s.objects)}</td>
                    <td class="num">{heapu.unwrap_or_else(|| view! { <span class="dim">"0"</span> }.into_any())}</td>
                    <td class="num" title=size_title>
                        {format::bytes(s.total_size)}
                    </td>
                    <td class="num dim">{format::duration(s.duration_s)}</td>
                    {crate::pages::snapshots::diff_pick::pick_cells(&s.id, pick_a, pick_b)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <crate::pages::snapshots::diff_pick::DiffBar pick_a pick_b/>
        <div class="table-wrap">
            <table class="grid snapshots" data-test="snapshot-table">
                <thead>
                    <tr>
                        <th class="name">"Name"</th>
                        <th>"Taken"</th>
                        <th>"Python"</th>
                        <th class="num">"PID"</th>
                        <th>"Command line"</th>
                        <th class="num">"Objects"</th>
                        <th class="num" title="heapy's heapu: GC-tracked objects the root does not reach">"Unreachable"</th>
                        <th class="num">"Total size"</th>
                        <th class="num">"Capture"</th>
                        {crate::pages::snapshots::diff_pick::pick_headers()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
