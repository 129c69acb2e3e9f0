//! The table's exports: heapy's text of the whole partition to the clipboard, and the whole
//! partition as a CSV or JSON file (built here from the rows, loaded in chunks).

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::route::partition::PartitionRoute;
use crate::ui::clipboard;
use crate::ui::flash::Flash;
use crate::ui::format::grouped;
use crate::ui::text_copy::ManualCopy;
use crate::views::data::PartitionData;
use crate::views::partition::export;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Text,
    Csv,
    Json,
}

/// "Copy as text", "CSV" and "JSON" buttons, with one status line for what they did.
#[component]
pub fn ExportButtons(route: Memo<PartitionRoute>, data: PartitionData) -> impl IntoView {
    let busy = RwSignal::new(None::<Action>);
    // (done well, message) of the last action
    let status = Flash::<(bool, String)>::new(std::time::Duration::from_secs(6));
    // heapy's text, shown selected when the clipboard refused it
    let manual = RwSignal::new(None::<String>);
    let manual_field = NodeRef::<html::Textarea>::new();
    let say = move |ok: bool, msg: String| status.show((ok, msg));

    let copy_text = move |_| {
        if busy.get_untracked().is_some() {
            return;
        }
        let r = route.get_untracked();
        busy.set(Some(Action::Text));
        manual.set(None);
        spawn_local(async move {
            match api::table_text(&r.snapshot, &r.query, &r.relation).await {
                Ok(text) => {
                    let lines = text.lines().count();
                    let done = move || say(true, format!("Copied heapy's table ({} lines)", grouped(lines as u64)));
                    clipboard::copy_or_show(text, manual, manual_field, done).await;
                }
                Err(e) => say(false, e.message),
            }
            busy.set(None);
        });
    };

    let download = move |action: Action| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(action));
        spawn_local(async move {
            let result = async {
                data.load_all().await.map_err(|e| e.message)?;
                let rows = data.store.with_untracked(|s| s.all_rows()).ok_or("the rows changed while loading")?;
                let head = data.view().ok_or("nothing loaded")?;
                let n = rows.len();
                let (ext, mime, text) = match action {
                    Action::Csv => ("csv", "text/csv;charset=utf-8", export::csv(&rows)),
                    _ => ("json", "application/json", export::json(&head, rows)),
                };
                let name = export::file_name(&head.snapshot, &head.query, &head.relation, ext);
                clipboard::download(&name, mime, &text)?;
                Ok::<_, String>(format!("Saved {} rows as {name}", grouped(n as u64)))
            }
            .await;
            match result {
                Ok(msg) => say(true, msg),
                Err(msg) => say(false, msg),
            }
            busy.try_set(None);
        });
    };

    let progress = move || {
        let action = busy.get()?;
        if action == Action::Text {
            return Some("Fetching heapy's text…".to_owned());
        }
        let (loaded, total) = data.store.with(|s| (s.loaded, s.total));
        Some(format!("Loading rows {} of {}…", grouped(loaded as u64), grouped(total as u64)))
    };

    view! {
        <div class="exports">
            <span class="export-status" role="status" aria-live="polite" data-test="export-status"
                class:bad=move || matches!(status.get(), Some((false, _)))>
                {move || progress().or_else(|| status.get().map(|(_, m)| m))}
            </span>
            <button class="btn" type="button" data-test="copy-text" on:click=copy_text
                disabled=move || busy.get().is_some()
                title="Copy the whole partition as heapy prints it (all rows)">
                "Copy as text"
            </button>
            <button class="btn" type="button" data-test="download-csv" on:click=move |_| download(Action::Csv)
                disabled=move || busy.get().is_some()
                title="Download every row of the partition (not only the filtered ones) as CSV">
                "CSV"
            </button>
            <button class="btn" type="button" data-test="download-json" on:click=move |_| download(Action::Json)
                disabled=move || busy.get().is_some()
                title="Download the whole partition as JSON (the API's shape, every row)">
                "JSON"
            </button>
            <ManualCopy manual field=manual_field label="Copy the table" test="copy-text-manual"/>
        </div>
    }
}
