//! The referrer graph by kind (`/api/snapshots/{id}/graph`): `q`'s set and its referrers,
//! with the nodes the page unfolded (`expand`, repeated).

pub mod view;

use crate::http::blocking::blocking;
use crate::http::error::ApiError;
use crate::http::params::{bad_parameters, parse_query, parse_set_query, Snap};
use crate::state::{GRAPH_K, GRAPH_K_MAX};
use axum::extract::RawQuery;
use axum::Json;
use heaplens_wire::GraphView;

/// The parameters of `/graph`: `q`, `k`, and `expand` once per unfolded node.
struct GraphParams {
    q: Option<String>,
    expand: Vec<String>,
    k: Option<usize>,
}

/// Reads `/graph`'s parameters from the raw query string with `form_urlencoded`, because
/// `expand` repeats (`expand=Q1&expand=Q2`), which axum's `Query` (serde_urlencoded) cannot
/// gather into a list. Unknown parameters are ignored, as `Query` does.
fn graph_params(raw: Option<&str>) -> Result<GraphParams, ApiError> {
    let mut p = GraphParams { q: None, expand: Vec::new(), k: None };
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match &*key {
            "q" => p.q = Some(value.into_owned()),
            "expand" => p.expand.push(value.into_owned()),
            "k" => {
                p.k = Some(value.parse().map_err(|_| bad_parameters(format!("k: expected a number, not {value:?}")))?)
            }
            _ => {}
        }
    }
    Ok(p)
}

/// The referrer graph of `q`'s set (default `heap`), with every `expand` node unfolded
/// (`expand` repeats; see [`graph_params`]); `k` groups per node (default 12, at most 100).
pub async fn get_graph(RawQuery(raw): RawQuery, snap: Result<Snap, ApiError>) -> Result<Json<GraphView>, ApiError> {
    let p = graph_params(raw.as_deref())?;
    let Snap { id, snap } = snap?;
    let query = parse_set_query(p.q.as_deref())?;
    let expand = p
        .expand
        .iter()
        .enumerate()
        .map(|(i, text)| {
            parse_query(text).map_err(|mut err| {
                err.message = format!("in expand parameter {} ({text:?}): {}", i + 1, err.message);
                err
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let k = p.k.unwrap_or(GRAPH_K).min(GRAPH_K_MAX);
    let view = blocking("graph", move || view::graph_view(&id, &snap.heap, &query, &expand, k)).await?;
    Ok(Json(view))
}
