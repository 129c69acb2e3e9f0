//! "Share": a signed read-only link to this snapshot (`POST /api/snapshots/{id}/share`), for a
//! teammate without the access token. It opens only this snapshot. Offered only when the
//! server has a token and this browser has full access.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

/// Lifetimes offered, in seconds (0: no expiry).
const LIFETIMES: [(u64, &str); 4] =
    [(86_400, "1 day"), (7 * 86_400, "7 days"), (30 * 86_400, "30 days"), (0, "no expiry")];

#[component]
pub fn ShareButton(snapshot: Signal<String>) -> impl IntoView {
    let session = LocalResource::new(api::session);
    let can_share = move || session.get().and_then(|r| r.ok()).is_some_and(|s| s.token_required && s.access == "full");
    let open = RwSignal::new(false);
    let lifetime = RwSignal::new(7 * 86_400u64);
    // share the snapshot as captured, or a redacted copy made on the server first
    let values = RwSignal::new("all".to_owned());
    let link = RwSignal::new(None::<Result<String, String>>);
    let make = move |_| {
        let id = snapshot.get_untracked();
        let secs = lifetime.get_untracked();
        let mode = values.get_untracked();
        spawn_local(async move {
            let target = if mode == "all" { Ok(id) } else { api::redact(&id, &mode).await.map(|copy| copy.id) };
            let res = match target {
                Ok(target) => api::share(&target, (secs != 0).then_some(secs)).await,
                Err(e) => Err(e),
            };
            let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
            link.set(Some(res.map(|l| format!("{origin}{}", l.url)).map_err(|e| e.message)));
        });
    };
    move || {
        can_share().then(|| {
            view! {
                <div class="copy-link">
                    <button class="btn" type="button" data-test="share-open" on:click=move |_| open.update(|o| *o = !*o)
                        title="A read-only link to this snapshot for someone without the access token">"Share…"</button>
                    <Show when=move || open.get()>
                        <div class="popover link-popover" role="dialog" aria-label="Share this snapshot" data-test="share-dialog">
                            <div class="popover-head">
                                "Read-only link to this snapshot, valid for "
                                <select data-test="share-lifetime" on:change=move |ev| {
                                    lifetime.set(event_target_value(&ev).parse().unwrap_or(0));
                                    link.set(None);
                                }>
                                    {LIFETIMES.iter().map(|&(s, label)| view! {
                                        <option value=s.to_string() selected=move || lifetime.get() == s>{label}</option>
                                    }).collect_view()}
                                </select>
                                " of "
                                <select data-test="share-values" title="A redacted copy hides the heap's strings (docs/redaction.md)"
                                    on:change=move |ev| { values.set(event_target_value(&ev)); link.set(None); }>
                                    <option value="all" selected=true>"the snapshot as captured"</option>
                                    <option value="redact">"a copy with strings redacted"</option>
                                    <option value="none">"a copy without values"</option>
                                </select>
                                <button class="btn btn-small" type="button" data-test="share-make" on:click=make>"Make link"</button>
                                <button class="btn btn-small" type="button" on:click=move |_| open.set(false)>"Close"</button>
                            </div>
                            {move || link.get().map(|r| match r {
                                Ok(url) => view! { <input class="link-field" readonly data-test="share-url" prop:value=url/> }.into_any(),
                                Err(m) => view! { <div class="error-message" data-test="share-error">{m}</div> }.into_any(),
                            })}
                        </div>
                    </Show>
                </div>
            }
        })
    }
}
