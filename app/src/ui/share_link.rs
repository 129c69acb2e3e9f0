//! "Share": signed read-only links to this snapshot (`POST /api/snapshots/{id}/share`), for a
//! teammate without the access token. A link opens only this snapshot and expires (a day to
//! a year; 30 days by default on the server). The dialog lists the snapshot's working links
//! with when each expires, and revokes one (`DELETE /api/shares/{id}`: it stops working at
//! once). Offered only when the server has a token and this browser has full access.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::ui::format::utc_time;

/// Lifetimes offered, in seconds.
const LIFETIMES: [(u64, &str); 4] =
    [(86_400, "1 day"), (7 * 86_400, "7 days"), (30 * 86_400, "30 days"), (365 * 86_400, "1 year")];

/// The page's origin, to turn a link's path into a URL to hand out.
fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

#[component]
pub fn ShareButton(snapshot: Signal<String>) -> impl IntoView {
    let session = LocalResource::new(api::session);
    let can_share = move || session.get().and_then(|r| r.ok()).is_some_and(|s| s.token_required && s.access == "full");
    let open = RwSignal::new(false);
    let lifetime = RwSignal::new(7 * 86_400u64);
    // share the snapshot as captured, or a redacted copy made on the server first
    let values = RwSignal::new("all".to_owned());
    let link = RwSignal::new(None::<Result<String, String>>);
    // the links already made, read again after each change
    let changed = RwSignal::new(0u32);
    let listed = LocalResource::new(move || {
        changed.track();
        let (id, shown) = (snapshot.get(), open.get());
        async move {
            if shown {
                Some(api::shares(&id).await)
            } else {
                None
            }
        }
    });
    let make = move |_| {
        let id = snapshot.get_untracked();
        let secs = lifetime.get_untracked();
        let mode = values.get_untracked();
        spawn_local(async move {
            let target = if mode == "all" { Ok(id) } else { api::redact(&id, &mode).await.map(|copy| copy.id) };
            let res = match target {
                Ok(target) => api::share(&target, Some(secs)).await,
                Err(e) => Err(e),
            };
            link.set(Some(res.map(|l| format!("{}{}", origin(), l.url)).map_err(|e| e.message)));
            changed.update(|n| *n += 1);
        });
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            if let Err(e) = api::revoke_share(&id).await {
                link.set(Some(Err(e.message)));
            }
            changed.update(|n| *n += 1);
        });
    };
    let links_view = move || {
        listed.get().flatten().map(|r| match r {
            Err(e) => view! { <div class="error-message" data-test="share-list-error">{e.message}</div> }.into_any(),
            Ok(list) if list.links.is_empty() => {
                view! { <p class="share-none" data-test="share-none">"No working links to this snapshot."</p> }
                    .into_any()
            }
            Ok(list) => view! {
                <table class="share-links" data-test="share-links">
                    <thead><tr><th>"Made"</th><th>"Expires"</th><th>"Link"</th><th></th></tr></thead>
                    <tbody>
                        {list.links.into_iter().map(|l| {
                            let id = l.id.clone();
                            let url = format!("{}{}", origin(), l.url);
                            view! {
                                <tr data-test="share-link-row">
                                    <td>{utc_time(l.created as f64)}</td>
                                    <td>{l.expires.map(|e| utc_time(e as f64)).unwrap_or_default()}</td>
                                    <td><input class="link-field" readonly prop:value=url/></td>
                                    <td><button class="btn btn-small" type="button" data-test="share-revoke"
                                        title="The link stops working at once"
                                        on:click=move |_| revoke(id.clone())>"Revoke"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
        })
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
                                    lifetime.set(event_target_value(&ev).parse().unwrap_or(7 * 86_400));
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
                            <h4 class="share-links-head">"Links to this snapshot"</h4>
                            {links_view}
                        </div>
                    </Show>
                </div>
            }
        })
    }
}
