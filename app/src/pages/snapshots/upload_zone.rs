//! Uploading a snapshot: drop a `.hls` file on the zone or pick one; a progress bar while
//! it is sent, the server's message when it refuses it, its view when it is loaded.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::route::partition::PartitionRoute;
use crate::ui::error_box::ErrorBox;
use crate::ui::format;

#[derive(Debug, Clone, PartialEq)]
enum Upload {
    Idle,
    /// Bytes sent so far of the file's size.
    Sending {
        name: String,
        sent: f64,
        total: f64,
    },
    /// Everything sent; the server validates and indexes it.
    Reading {
        name: String,
    },
    Failed {
        name: String,
        error: ApiError,
    },
}

/// The zone on the start page (`data-test="upload-zone"`).
#[component]
pub fn UploadZone() -> impl IntoView {
    let state = RwSignal::new(Upload::Idle);
    let over = RwSignal::new(false);
    let picker = NodeRef::<html::Input>::new();
    let navigate = use_navigate();
    let busy = move || matches!(state.get_untracked(), Upload::Sending { .. } | Upload::Reading { .. });

    let start = move |file: web_sys::File| {
        if busy() {
            return;
        }
        let name = file.name();
        state.set(Upload::Sending { name: name.clone(), sent: 0.0, total: file.size() });
        let navigate = navigate.clone();
        spawn_local(async move {
            let progress_name = name.clone();
            let on_progress = move |sent: f64, total: f64| {
                let name = progress_name.clone();
                state.try_set(if sent >= total {
                    Upload::Reading { name }
                } else {
                    Upload::Sending { name, sent, total }
                });
            };
            match api::upload(&file, on_progress).await {
                Ok(api::Uploaded::Snapshot(info)) => {
                    // the bar stays full until the page changes
                    navigate(&PartitionRoute::root(&info.id).href(), Default::default());
                }
                Ok(api::Uploaded::Series(series)) => {
                    navigate(&crate::route::timeline::TimelineRoute::of(&series.id).href(), Default::default());
                }
                Err(error) => state.set(Upload::Failed { name, error }),
            }
        });
    };

    let on_drop = {
        let start = start.clone();
        move |ev: web_sys::DragEvent| {
            ev.prevent_default();
            over.set(false);
            if let Some(file) = ev.data_transfer().and_then(|dt| dt.files()).and_then(|f| f.get(0)) {
                start(file);
            }
        }
    };
    // A file dropped anywhere else on the page is taken too, instead of the browser leaving
    // the app to show it.
    let page_drop = {
        let start = start.clone();
        window_event_listener(leptos::ev::drop, move |ev: web_sys::DragEvent| {
            if ev.default_prevented() {
                return;
            }
            ev.prevent_default();
            over.set(false);
            if let Some(file) = ev.data_transfer().and_then(|dt| dt.files()).and_then(|f| f.get(0)) {
                start(file);
            }
        })
    };
    let page_over = window_event_listener(leptos::ev::dragover, move |ev: web_sys::DragEvent| ev.prevent_default());
    on_cleanup(move || {
        page_drop.remove();
        page_over.remove();
    });
    let on_pick = move |_| {
        let Some(input) = picker.get_untracked() else { return };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            start(file);
        }
        input.set_value(""); // picking the same file again starts again
    };

    let percent = move || match state.get() {
        Upload::Sending { sent, total, .. } if total > 0.0 => (sent * 100.0 / total).clamp(0.0, 100.0),
        Upload::Reading { .. } => 100.0,
        _ => 0.0,
    };
    let message = move || match state.get() {
        Upload::Idle | Upload::Failed { .. } => String::new(),
        Upload::Sending { name, sent, total } => format!(
            "Sending {name}: {} of {} ({:.0}%)",
            format::bytes(sent as u64),
            format::bytes(total as u64),
            if total > 0.0 { sent * 100.0 / total } else { 0.0 }
        ),
        Upload::Reading { name } => format!("{name} sent; the server is checking and indexing it…"),
    };
    let error = move || match state.get() {
        Upload::Failed { name, error } => Some(view! {
            <div class="upload-error" data-test="upload-error">
                <div class="upload-error-file">{format!("Could not add {name}:")}</div>
                <ErrorBox error no_home=true/>
            </div>
        }),
        _ => None,
    };

    view! {
        <section
            class="upload-zone"
            class:over=move || over.get()
            class:busy=move || matches!(state.get(), Upload::Sending { .. } | Upload::Reading { .. })
            class:failed=move || matches!(state.get(), Upload::Failed { .. })
            data-test="upload-zone"
            aria-label="Upload a snapshot"
            on:dragenter=move |ev: web_sys::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <div class="upload-text">
                <strong>"Add a snapshot: "</strong>
                "drop a "<code>".hls"</code>" file here, or "
                <label class="upload-pick">
                    "choose one"
                    <input
                        type="file"
                        class="sr-only"
                        accept=".hls,application/octet-stream"
                        data-test="upload-input"
                        node_ref=picker
                        on:change=on_pick
                    />
                </label>
                <span class="dim">" (made with "<code>"heaplens.dump(…)"</code>")"</span>
            </div>
            <div class="upload-progress-row" class:active=move || matches!(state.get(), Upload::Sending { .. } | Upload::Reading { .. })>
                <div
                    class="upload-progress"
                    data-test="upload-progress"
                    role="progressbar"
                    aria-label="Upload progress"
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=move || format!("{:.0}", percent())
                >
                    <div class="upload-progress-fill" style:width=move || format!("{:.1}%", percent())></div>
                </div>
                <span class="upload-message dim" data-test="upload-message">{message}</span>
            </div>
            {error}
        </section>
    }
}
