//! heapy's reference pattern of one object (`GET /api/snapshots/{id}/rp`) as a collapsible
//! tree in the inspector: one row per heapy line (number, name, marker, count, kind,
//! members). A kind opens that line's set in the table; `[^ N]` jumps to line N; the
//! triangle folds a line's referrers away. heapy's own text follows, folded.

use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use heaplens_wire::RpView;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::route::partition::{PartitionRoute, ViewKind};
use crate::ui::error_box::ErrorBox;
use crate::ui::format::grouped;

/// heapy's default depth.
const DEPTH: u32 = 7;

/// What each marker means, for its tooltip.
fn marker_title(marker: &str) -> &'static str {
    match marker {
        "[R]" => "nothing refers to this set",
        "[S]" => "a stop kind (module, type, their dicts, code, frame): not followed further",
        "[-]" => "expanded: its referrers follow",
        "[+]" => "the depth limit: not followed further",
        _ => "",
    }
}

/// The reference pattern of the object at `addr`.
#[component]
pub fn RpTree(route: Memo<PartitionRoute>, addr: String) -> impl IntoView {
    let base = route.get_untracked();
    let load = RwSignal::new_local(None::<Result<Rc<RpView>, ApiError>>);
    let (snapshot, query) = (base.snapshot.clone(), format!("@{addr}"));
    spawn_local(async move {
        let res = api::rp(&snapshot, &query, DEPTH).await.map(Rc::new);
        let _ = load.try_set(Some(res));
    });
    let body = move || match load.get() {
        None => view! { <p class="dim" aria-busy="true" data-test="rp-loading">"Finding the reference pattern…"</p> }
            .into_any(),
        Some(Err(error)) => view! { <ErrorBox error/> }.into_any(),
        Some(Ok(rp)) => view! { <Tree base=base.clone() rp/> }.into_any(),
    };
    view! {
        <section class="ix-rp" data-test="rp">
            <h4 class="ix-h" title="heapy's rp: who refers to it, by kind, and who refers to those, to depth 7">
                "Reference pattern"
            </h4>
            {body}
        </section>
    }
}

#[component]
fn Tree(base: PartitionRoute, rp: Rc<RpView>) -> impl IntoView {
    let n = rp.lines.len();
    let mut has_children = vec![false; n];
    for l in &rp.lines {
        if let Some(p) = l.parent {
            has_children[p as usize] = true;
        }
    }
    let collapsed = RwSignal::new(HashSet::<u32>::new());
    let focus = RwSignal::new(None::<u32>);
    let parents: Arc<Vec<Option<u32>>> = Arc::new(rp.lines.iter().map(|l| l.parent).collect());
    // line i is shown when no line above it on its branch is folded
    let shown = {
        let parents = parents.clone();
        Memo::new(move |_| {
            let c = collapsed.read();
            let mut shown = vec![true; parents.len()];
            for (i, p) in parents.iter().enumerate() {
                if let Some(p) = *p {
                    shown[i] = shown[p as usize] && !c.contains(&p);
                }
            }
            shown
        })
    };
    let jump = {
        let parents = parents.clone();
        Callback::new(move |target: u32| {
            collapsed.update(|c| {
                let mut at = parents[target as usize];
                while let Some(p) = at {
                    c.remove(&p);
                    at = parents[p as usize];
                }
            });
            focus.set(Some(target));
            request_animation_frame(move || {
                if let Some(el) = document().get_element_by_id(&format!("rp-line-{target}")) {
                    el.scroll_into_view();
                    if let Ok(h) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = h.focus();
                    }
                }
            });
        })
    };
    let rows = rp
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let i = i as u32;
            let toggle = has_children[i as usize].then(|| {
                let open = move || !collapsed.read().contains(&i);
                let flip = move |_| {
                    collapsed.update(|c| {
                        if !c.remove(&i) {
                            c.insert(i);
                        }
                    })
                };
                view! {
                    <button class="rp-toggle" type="button" data-test="rp-toggle" aria-expanded=move || open().to_string()
                        title="Fold or unfold its referrers" on:click=flip>
                        {move || if open() { "▾" } else { "▸" }}
                    </button>
                }
            });
            let marker = match l.seen {
                Some(target) => view! {
                    <button class="rp-marker rp-seen mono" type="button" data-test="rp-seen" data-target=target.to_string()
                        title=format!("the same set as line {target}: go there") on:click=move |_| jump.run(target)>
                        {l.marker.clone()}
                    </button>
                }
                .into_any(),
                None => view! {
                    <span class="rp-marker mono" data-test="rp-marker" title=marker_title(&l.marker)>{l.marker.clone()}</span>
                }
                .into_any(),
            };
            let kind = match &l.set_query {
                Some(q) => {
                    let href = PartitionRoute { view: ViewKind::Table, sel: None, ..base.with_query(q) }.href();
                    view! {
                        <a class="rp-kind mono" href=href data-test="rp-kind" data-query=q.clone()
                            title="Make this set the current query">{l.kind.clone()}</a>
                    }
                    .into_any()
                }
                None => view! { <span class="rp-kind mono" data-test="rp-kind">{l.kind.clone()}</span> }.into_any(),
            };
            let (members, members_title) = (l.members.clone(), l.members.clone());
            view! {
                <li class="rp-row" id=format!("rp-line-{i}") tabindex="-1" data-test="rp-row" data-line=i.to_string()
                    data-name=l.name.clone() class:rp-focus=move || focus.get() == Some(i)
                    style:display=move || if shown.read()[i as usize] { "" } else { "none" }>
                    <span class="rp-n mono dim">{format!("{i}:")}</span>
                    <span class="rp-indent" style:width=format!("{}em", 1.2 * l.depth as f64)></span>
                    <span class="rp-toggle-slot">{toggle}</span>
                    <span class="rp-name mono" data-test="rp-name">{l.name.clone()}</span>
                    {marker}
                    <span class="rp-count num" data-test="rp-count">{grouped(l.count)}</span>
                    {kind}
                    <span class="rp-members mono dim" title=members_title>{members}</span>
                </li>
            }
        })
        .collect_view();
    let note = (!rp.complete).then(|| {
        view! { <p class="dim" data-test="rp-cut">{format!("The first {} lines.", grouped(n as u64))}</p> }
    });
    view! {
        <ol class="rp-tree" data-test="rp-tree">{rows}</ol>
        {note}
        <details class="rp-text-box">
            <summary class="dim">"heapy's text"</summary>
            <pre class="ix-shpaths" data-test="rp-text">{rp.text.clone()}</pre>
        </details>
    }
}
