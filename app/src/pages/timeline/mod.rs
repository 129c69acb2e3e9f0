//! `/timeline?v=1&series=ID&by=REL&measure=size|count[&a=I&b=J]`: a series over time as a
//! stacked area chart of its top kinds (heapy's `pb()` in the browser), the table of a
//! sample, and the difference between the samples under the A and B markers.
//! The URL is the state (`route/timeline.rs`).

pub mod chart;
pub mod panels;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::pages::snapshots::series_section::SeriesSection;
use crate::pages::timeline::chart::TimelineChart;
use crate::pages::timeline::panels::{DiffPanel, SamplePanel};
use crate::route::partition::set_document_title;
use crate::route::timeline::{use_timeline_route, TimelineRoute, SERIES_RELATIONS};
use crate::ui::error_box::ErrorBox;

#[component]
pub fn TimelinePage() -> impl IntoView {
    let route = use_timeline_route();
    let key = Memo::new(move |_| {
        let r = route.read();
        (r.series.clone(), r.by.clone(), r.measure.clone())
    });
    let data = LocalResource::new(move || {
        let (series, by, measure) = key.get();
        async move {
            match series {
                Some(id) => api::series(&id, &by, &measure).await.map(Some),
                None => Ok(None),
            }
        }
    });
    Effect::new(move |_| {
        let name = data.get().and_then(|r| r.ok()).flatten().map(|v| v.info.name);
        set_document_title(&format!("{} — heaplens timeline", name.unwrap_or_else(|| "series".into())));
    });
    let navigate = use_navigate();
    let go = move |r: TimelineRoute| navigate(&r.href(), Default::default());
    let measure_link = move |m: &'static str| {
        let r = TimelineRoute { measure: m.to_owned(), ..route.get() };
        view! {
            <a class="tl-switch" class:active=move || route.read().measure == m data-test=format!("measure-{m}") href=r.href()>{m}</a>
        }
    };
    let is_snapshots = move || matches!(data.get(), Some(Ok(Some(v))) if v.info.source == "snapshots");
    let by_picker = move || {
        is_snapshots().then(|| {
            let go = go.clone();
            let options = SERIES_RELATIONS
                .iter()
                .map(|r| view! { <option value=*r selected=move || route.read().by == *r>{*r}</option> })
                .collect_view();
            view! {
                <label class="picker">
                    <span class="dim">"by"</span>
                    <select data-test="timeline-by" on:change=move |ev| go(TimelineRoute { by: event_target_value(&ev), a: route.get().a, ..route.get() })>
                        {options}
                    </select>
                </label>
            }
        })
    };
    view! {
        <section class="page timeline-page">
            <div class="page-head">
                <h1 class="page-title">"Timeline"</h1>
                <span class="page-note" data-test="timeline-name">
                    {move || match data.get() {
                        Some(Ok(Some(v))) => format!(
                            "{} · {} samples · {}",
                            v.info.name,
                            v.samples.len(),
                            if v.info.source == "dump" { "heapy dump file" } else { "snapshots of one process" }
                        ),
                        _ => String::new(),
                    }}
                </span>
            </div>
            {move || route.read().series.is_some().then(|| { let by_picker = by_picker.clone(); view! {
                <div class="tl-tools">
                    <span class="dim">"stack"</span>
                    {measure_link("size")}
                    {measure_link("count")}
                    {by_picker}
                    <span class="dim">"top kinds across the samples; the rest in <Other>"</span>
                </div>
            }})}
            {move || match data.get() {
                None => view! { <div class="placeholder">"Loading the series…"</div> }.into_any(),
                Some(Err(error)) => view! { <ErrorBox error/> }.into_any(),
                Some(Ok(None)) => view! { <SeriesSection always=true/> }.into_any(),
                Some(Ok(Some(v))) => view! {
                    <TimelineChart view=v.clone() route/>
                    <DiffPanel view=v.clone() route/>
                    <SamplePanel view=v route/>
                }.into_any(),
            }}
        </section>
    }
}
