//! The diff page's URL is its state: `/diff?v=1&a=ID&b=ID&by=REL[&qa=Q][&qb=Q][&view=table|treemap]`.
//!
//! | parameter | meaning | when absent |
//! |---|---|---|
//! | `v` | version of the URL scheme (the partition page's [`URL_VERSION`]) | 1 |
//! | `a`, `b` | the snapshots: heapy's `A.diff(B)` is A's set minus B's | none (the page says so) |
//! | `by` | the relation both sets are partitioned by | `clodo` |
//! | `qa`, `qb` | the sets, as queries | `heap`; `qb` defaults to `qa` |
//! | `view` | `table` or `treemap` (the growth) | `table` |
//!
//! Parsing never fails; an unknown `view` shows the table.

use crate::route::partition::{DEFAULT_QUERY, DEFAULT_RELATION, URL_VERSION};
use crate::route::urlcode::{encode, parse_query};

/// How the diff is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffViewKind {
    #[default]
    Table,
    /// The rows that grew, as rectangles sized by their growth in bytes.
    Treemap,
}

impl DiffViewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DiffViewKind::Table => "table",
            DiffViewKind::Treemap => "treemap",
        }
    }
}

/// Everything the diff page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRoute {
    pub a: String,
    pub b: String,
    pub relation: String,
    pub qa: String,
    /// B's query; `None`: the same as A's.
    pub qb: Option<String>,
    pub view: DiffViewKind,
}

impl DiffRoute {
    /// The whole heaps of `a` and `b` by heapy's default kind, in the table.
    pub fn new(a: &str, b: &str) -> Self {
        DiffRoute {
            a: a.to_owned(),
            b: b.to_owned(),
            relation: DEFAULT_RELATION.to_owned(),
            qa: DEFAULT_QUERY.to_owned(),
            qb: None,
            view: DiffViewKind::Table,
        }
    }

    /// Reads the state from the query string (with or without its `?`).
    pub fn from_url(search: &str) -> Self {
        let params = parse_query(search);
        let get = |key: &str| {
            params.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty())
        };
        DiffRoute {
            a: get("a").unwrap_or_default(),
            b: get("b").unwrap_or_default(),
            relation: get("by").unwrap_or_else(|| DEFAULT_RELATION.to_owned()),
            qa: get("qa").unwrap_or_else(|| DEFAULT_QUERY.to_owned()),
            qb: get("qb"),
            view: match get("view").as_deref() {
                Some("treemap") => DiffViewKind::Treemap,
                _ => DiffViewKind::Table,
            },
        }
    }

    /// B's query.
    pub fn qb(&self) -> &str {
        self.qb.as_deref().unwrap_or(&self.qa)
    }

    pub fn with_relation(&self, relation: &str) -> Self {
        DiffRoute { relation: relation.to_owned(), ..self.clone() }
    }

    pub fn with_view(&self, view: DiffViewKind) -> Self {
        DiffRoute { view, ..self.clone() }
    }

    /// A and B swapped (heapy's `B.diff(A)`).
    pub fn swapped(&self) -> Self {
        DiffRoute {
            a: self.b.clone(),
            b: self.a.clone(),
            qa: self.qb().to_owned(),
            qb: (self.qb() != self.qa).then(|| self.qa.clone()),
            ..self.clone()
        }
    }

    /// The app URL of this state.
    pub fn href(&self) -> String {
        let mut out =
            format!("/diff?v={URL_VERSION}&a={}&b={}&by={}", encode(&self.a), encode(&self.b), encode(&self.relation));
        if self.qa != DEFAULT_QUERY || self.qb.is_some() {
            out.push_str(&format!("&qa={}", encode(&self.qa)));
        }
        if let Some(qb) = &self.qb {
            out.push_str(&format!("&qb={}", encode(qb)));
        }
        out.push_str(&format!("&view={}", self.view.as_str()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_round_trip() {
        let mut r = DiffRoute::new("after", "before").with_relation("size");
        assert_eq!(r.href(), "/diff?v=1&a=after&b=before&by=size&view=table");
        assert_eq!(DiffRoute::from_url(&r.href()[6..]), r);
        r.qa = "heap.bytype[\"dict\"]".into();
        r.qb = Some("heap & x".into());
        r.view = DiffViewKind::Treemap;
        assert_eq!(DiffRoute::from_url(r.href().split_once('?').unwrap().1), r);
        let s = r.swapped();
        assert_eq!(
            (s.a.as_str(), s.qa.as_str(), s.qb.as_deref()),
            ("before", "heap & x", Some("heap.bytype[\"dict\"]"))
        );
    }

    #[test]
    fn missing_or_odd_parameters_fall_back() {
        let r = DiffRoute::from_url("a=x&view=graph&qa=");
        assert_eq!(
            (r.b.as_str(), r.relation.as_str(), r.qa.as_str(), r.view),
            ("", "clodo", "heap", DiffViewKind::Table)
        );
    }
}
