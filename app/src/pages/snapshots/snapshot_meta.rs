//! A stored snapshot's tags and note on the start page, and the form that renames, retags,
//! annotates or deletes it (`PATCH` / `DELETE /api/snapshots/{id}`). Files served from the
//! server's command line are not in the store: they show no "Edit".

use heaplens_wire::{SnapshotInfo, SnapshotPatch};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

/// Tags as the form shows them: comma-separated.
fn tags_text(tags: &[String]) -> String {
    tags.join(", ")
}

/// The form's tags field back into tags: trimmed, empty ones dropped.
pub fn parse_tags(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

#[component]
pub fn SnapshotMeta(info: SnapshotInfo, on_change: Callback<()>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let name = RwSignal::new(info.name.clone());
    let tags = RwSignal::new(tags_text(&info.store.tags));
    let note = RwSignal::new(info.store.note.clone());
    let error = RwSignal::new(None::<String>);
    let id = info.id.clone();
    let chips = info
        .store
        .tags
        .iter()
        .map(|t| view! { <span class="tag" data-test="snapshot-tag">{t.clone()}</span> })
        .collect_view();
    let note_line = (!info.store.note.is_empty())
        .then(|| view! { <div class="snap-note dim" data-test="snapshot-note">{info.store.note.clone()}</div> });
    let save = {
        let id = id.clone();
        move |ev: web_sys::SubmitEvent| {
            ev.prevent_default();
            let id = id.clone();
            let patch = SnapshotPatch {
                name: Some(name.get_untracked()),
                tags: Some(parse_tags(&tags.get_untracked())),
                note: Some(note.get_untracked()),
            };
            spawn_local(async move {
                match api::patch_snapshot(&id, &patch).await {
                    Ok(_) => {
                        editing.set(false);
                        on_change.run(());
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    let delete = {
        let id = id.clone();
        move |_| {
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message("Delete this snapshot from the server's store?").ok())
                .unwrap_or(false);
            if !ok {
                return;
            }
            let id = id.clone();
            spawn_local(async move {
                match api::delete_snapshot(&id).await {
                    Ok(()) => on_change.run(()),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    let stored = info.store.stored;
    view! {
        <span class="snap-meta" on:click=|ev| ev.stop_propagation()>
            {chips}
            {stored.then(|| view! {
                <button class="btn btn-small snap-edit" type="button" data-test="snapshot-edit"
                    title="Rename, tag, annotate or delete" on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
            })}
            {note_line}
            <Show when=move || editing.get()>
                <form class="snap-form" data-test="snapshot-form" on:submit=save.clone()>
                    <label>"Name "<input data-test="snapshot-name" required maxlength="200"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                    <label>"Tags "<input data-test="snapshot-tags" placeholder="prod, leak"
                        prop:value=move || tags.get() on:input=move |ev| tags.set(event_target_value(&ev))/></label>
                    <label>"Note "<textarea data-test="snapshot-note-input" maxlength="10000"
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea></label>
                    <div class="snap-form-buttons">
                        <button class="btn" type="submit" data-test="snapshot-save">"Save"</button>
                        <button class="btn" type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                        <button class="btn danger" type="button" data-test="snapshot-delete" on:click=delete.clone()>"Delete…"</button>
                    </div>
                    {move || error.get().map(|m| view! { <div class="error-message" data-test="snapshot-error">{m}</div> })}
                </form>
            </Show>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_through_the_field() {
        assert_eq!(parse_tags(" prod, leak ,, v2 "), vec!["prod", "leak", "v2"]);
        assert_eq!(parse_tags(&tags_text(&["a".into(), "b c".into()])), vec!["a", "b c"]);
        assert!(parse_tags(" , ").is_empty());
    }
}
