//! The timeline page's URL is its state:
//! `/timeline?v=1&series=ID&by=RELATION&measure=size|count[&a=I][&b=J]`.
//!
//! | parameter | meaning | when absent |
//! |---|---|---|
//! | `v` | version of the URL scheme (`route::partition::URL_VERSION`) | version 1 |
//! | `series` | the series id (`/api/series`) | the page lists the series |
//! | `by` | the relation each snapshot is partitioned by (snapshot series) | `clodo` |
//! | `measure` | what the areas stack: `size` (bytes) or `count` (objects) | `size` |
//! | `a`, `b` | the samples under the A and B markers (0-based indices) | no marker |
//!
//! Parsing never fails: a value that makes no sense falls back to its default.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::route::partition::{DEFAULT_RELATION, URL_VERSION};
use crate::route::urlcode::{encode, parse_query};

/// Relations a series can be partitioned by (those with kinds: not `id`/`idset`).
pub const SERIES_RELATIONS: [&str; 8] = ["clodo", "type", "rcs", "via", "size", "module", "unity", "prod"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRoute {
    pub series: Option<String>,
    pub by: String,
    /// `size` or `count`.
    pub measure: String,
    pub a: Option<u32>,
    pub b: Option<u32>,
}

impl TimelineRoute {
    /// A series shown by size, heapy's default kinds, no markers.
    pub fn of(series: &str) -> Self {
        TimelineRoute {
            series: Some(series.to_owned()),
            by: DEFAULT_RELATION.to_owned(),
            measure: "size".to_owned(),
            a: None,
            b: None,
        }
    }

    pub fn from_url(search: &str) -> Self {
        let mut r = TimelineRoute { series: None, ..TimelineRoute::of("") };
        for (k, v) in parse_query(search) {
            match k.as_str() {
                "series" if !v.is_empty() => r.series = Some(v),
                "by" if SERIES_RELATIONS.contains(&v.as_str()) => r.by = v,
                "measure" if v == "size" || v == "count" => r.measure = v,
                "a" => r.a = v.parse().ok(),
                "b" => r.b = v.parse().ok(),
                _ => {}
            }
        }
        r
    }

    pub fn href(&self) -> String {
        let mut h = format!("/timeline?v={URL_VERSION}");
        if let Some(s) = &self.series {
            h.push_str(&format!("&series={}", encode(s)));
        }
        h.push_str(&format!("&by={}&measure={}", encode(&self.by), encode(&self.measure)));
        for (k, v) in [("a", self.a), ("b", self.b)] {
            if let Some(v) = v {
                h.push_str(&format!("&{k}={v}"));
            }
        }
        h
    }

    /// The markers after a click on sample `i`: A first, then B, then A again (B cleared).
    pub fn clicked(&self, i: u32) -> Self {
        let (a, b) = match (self.a, self.b) {
            (Some(a), None) if a != i => (Some(a), Some(i)),
            (Some(a), None) => (Some(a), None),
            _ => (Some(i), None),
        };
        TimelineRoute { a, b, ..self.clone() }
    }
}

pub fn use_timeline_route() -> Memo<TimelineRoute> {
    let location = use_location();
    Memo::new(move |_| location.search.with(|s| TimelineRoute::from_url(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_falls_back() {
        let r = TimelineRoute { a: Some(1), b: Some(4), measure: "count".into(), ..TimelineRoute::of("p1-x y") };
        assert_eq!(TimelineRoute::from_url(&r.href()), r);
        let bad = TimelineRoute::from_url("?series=s&by=id&measure=weight&a=x");
        assert_eq!(bad, TimelineRoute::of("s"));
    }

    #[test]
    fn clicks_place_a_then_b_then_start_over() {
        let r = TimelineRoute::of("s").clicked(2);
        assert_eq!((r.a, r.b), (Some(2), None));
        let r = r.clicked(5);
        assert_eq!((r.a, r.b), (Some(2), Some(5)));
        let r = r.clicked(1);
        assert_eq!((r.a, r.b), (Some(1), None));
    }
}
