//! The series the server holds (heapy dump files, snapshots of one process), each a link to
//! its timeline: a section of the start page and the timeline page's chooser.

use leptos::prelude::*;

use crate::api;
use crate::route::timeline::TimelineRoute;
use crate::ui::error_box::ErrorBox;
use crate::ui::format;

#[component]
pub fn SeriesSection(#[prop(optional)] always: bool) -> impl IntoView {
    let list = LocalResource::new(api::series_list);
    move || match list.get() {
        None => None,
        // on the start page the snapshot list already shows why the server refused (401/403)
        Some(Err(_)) if !always => None,
        Some(Err(error)) => Some(view! { <ErrorBox error no_home=true/> }.into_any()),
        Some(Ok(l)) if l.series.is_empty() && !always => None,
        Some(Ok(l)) if l.series.is_empty() => Some(
            view! {
                <div class="placeholder">
                    "No series: load a heapy dump file ("<code>"heaplens serve prof.dump"</code>", or upload one), "
                    "or several snapshots of one process ("<code>"python -m heaplens run --every 10s app.py"</code>")."
                </div>
            }
            .into_any(),
        ),
        Some(Ok(l)) => {
            let rows = l
                .series
                .into_iter()
                .map(|s| {
                    let href = TimelineRoute::of(&s.id).href();
                    let source = if s.source == "dump" { "heapy dump file" } else { "snapshots of one process" };
                    let span = format::duration((s.last_time - s.first_time).max(0.0));
                    view! {
                        <tr data-test="series-row" data-id=s.id.clone()>
                            <td class="name"><a data-test="series-link" href=href>{s.name}</a></td>
                            <td>{source}</td>
                            <td class="num">{s.samples}</td>
                            <td class="mono">{format::utc_time(s.first_time)}</td>
                            <td class="num">{span}</td>
                        </tr>
                    }
                })
                .collect_view();
            Some(
                view! {
                    <div class="series-section" data-test="series-section">
                        <h2 class="page-subtitle">"Series (timelines)"</h2>
                        <div class="table-wrap">
                            <table class="grid" data-test="series-table">
                                <thead>
                                    <tr>
                                        <th class="name">"Series"</th>
                                        <th>"Source"</th>
                                        <th class="num">"Samples"</th>
                                        <th>"First"</th>
                                        <th class="num">"Span"</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    </div>
                }
                .into_any(),
            )
        }
    }
}
