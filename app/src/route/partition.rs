//! The URL is the state: everything that defines what the partition page shows.
//!
//! `/s/SNAPSHOT?v=1&q=QUERY&by=RELATION&view=VIEW[&then=RELATION][&measure=retained][&sel=ADDR][&expand=QUERY]*[&open=ADDR]*[&graph=rp][&filter=TEXT]`
//! ↔ [`PartitionRoute`]. Views read the route through [`use_partition_route`] and change it
//! only by navigating to [`PartitionRoute::href`], so reload, pasted links, "copy link" and
//! back/forward all show the same view.
//!
//! | parameter | meaning | when absent |
//! |---|---|---|
//! | `v` | version of this URL scheme ([`URL_VERSION`]) | version 1 (links older than `v`) |
//! | `q` | the set: a query path, e.g. `heap.byclodo[2].referrers` | `heap` |
//! | `by` | the relation the set is partitioned by (`clodo`, `type`, `via`, ...) | `clodo` |
//! | `view` | `table`, `treemap`, `graph`, `inspector` or `domtree` ([`ViewKind`]) | `table` |
//! | `then` | the treemap's second relation: each row split again by it | one level |
//! | `measure` | `retained`: the treemap's areas are retained sizes | sizes in bytes |
//! | `sel` | the selected object's address, `0x` + hex digits (inspector) | nothing selected |
//! | `expand` | repeated: queries of expanded graph nodes, in expansion order | none expanded |
//! | `open` | repeated: addresses of opened dominator tree nodes | none opened |
//! | `filter` | the table's label filter (case-insensitive substring) | no filter |
//! | `graph` | `rp`: the graph draws heapy's reference pattern of the set | referrers by kind |
//!
//! [`PartitionRoute::href`] always writes `v`, `q`, `by` and `view`, and the others only
//! when they are set (`then`, `measure` and `open` came later within version 1: a link
//! without them means what it always meant). Parsing never fails: a value that makes no sense (an unknown view,
//! a `sel` that is not an address) falls back to its default, so any link opens something.
//!
//! # Versions and migration
//!
//! Links live in chat logs and bug reports for years, so the meaning of a link must never
//! change under it. `v` says which scheme a link was written with. Version 1 is the scheme
//! above, and a link without `v` (written before `v` existed) is read as version 1.
//! When the scheme changes incompatibly (a parameter renamed, a default changed, ...):
//! 1. bump [`URL_VERSION`];
//! 2. add a step to [`migrate`] that rewrites version N-1's parameters into version N's
//!    (e.g. `if version < 2 { rename "by" to "rel" }`); steps run in order, so a version-1
//!    link passes through every step up to the current version;
//! 3. parse only the current version's parameters in [`PartitionRoute::from_url`].
//!
//! A link from a *newer* heaplens (`v` above [`URL_VERSION`]) is read as well as the current
//! scheme allows (unknown parameters are ignored). The page rewrites a migrated link in the
//! address bar to the current version ([`PartitionRoute::needs_canonical_rewrite`]), without a
//! new history entry.
//!
//! # Adding a view
//!
//! [`ViewKind`] names every view a link may ask for, implemented or not, so links made by a
//! later version still parse. Which views the page can show is decided by one list,
//! `views::VIEWS`: a new view (e.g. the treemap) is a component in its own folder
//! (`views/treemap/` with `pub fn render(ctx: ViewCtx) -> AnyView`), its `mod` line in
//! `views/mod.rs`, and one line `(ViewKind::Treemap, …::render)` in `views::VIEWS`; the
//! tab, the help text ([`ViewKind::doc`]) and the URL handling follow from that.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

use crate::route::urlcode::{encode, parse_query};

/// The version of the URL scheme this app writes (see the module docs).
pub const URL_VERSION: u32 = 1;
/// Query selecting the whole heap (heapy's `hp.heap()`).
pub const DEFAULT_QUERY: &str = "heap";
/// heapy's default partition: Kind (class / dict of class).
pub const DEFAULT_RELATION: &str = "clodo";
/// Longest filter text kept from a URL (a link is not a place for a novel).
const MAX_FILTER_CHARS: usize = 1000;
/// Most expanded graph nodes kept from a URL.
const MAX_EXPAND: usize = 200;

/// The ways the page can show a set. Every kind a link may name is here (so that links from
/// later versions parse); which ones exist in this build is `views::VIEWS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ViewKind {
    /// heapy's partition table.
    #[default]
    Table,
    /// Rows as nested rectangles sized by bytes.
    Treemap,
    /// The objects and their references as a node-link graph.
    Graph,
    /// One object: its fields, referrers and referents.
    Inspector,
    /// The dominator tree: who retains what, biggest first.
    DomTree,
}

impl ViewKind {
    /// Every kind, in tab order.
    pub const ALL: [ViewKind; 5] =
        [ViewKind::Table, ViewKind::Treemap, ViewKind::Graph, ViewKind::DomTree, ViewKind::Inspector];

    /// The name in URLs and `data-test` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewKind::Table => "table",
            ViewKind::Treemap => "treemap",
            ViewKind::Graph => "graph",
            ViewKind::Inspector => "inspector",
            ViewKind::DomTree => "domtree",
        }
    }

    /// The kind named `s` (exact, lower case), if there is one.
    pub fn parse(s: &str) -> Option<ViewKind> {
        ViewKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The tab's text.
    pub fn title(self) -> &'static str {
        match self {
            ViewKind::Table => "Table",
            ViewKind::Treemap => "Treemap",
            ViewKind::Graph => "Graph",
            ViewKind::Inspector => "Inspector",
            ViewKind::DomTree => "Dominators",
        }
    }

    /// A short explanation for the help panel (like heapy's `.doc`).
    pub fn doc(self) -> &'static str {
        match self {
            ViewKind::Table => {
                "heapy's partition table: one row per class of the relation, biggest first, with \
                 the count and size of its objects, their share of the set and the running total. \
                 Click a row (or select it with the arrow keys and press Enter) to make its \
                 objects the new set; Backspace goes back up one step."
            }
            ViewKind::Treemap => {
                "The rows as rectangles whose areas are their sizes in bytes (d3's squarified \
                 treemap), optionally each split again by a second relation (\"then\"). Hover a \
                 cell for its label, count and size; click it to make its objects the set (a cell \
                 of one object, under .byid, opens the inspector); the path above zooms back out. \
                 The smallest rows are drawn together as one grey cell. \"Retained\" sizes \
                 the rows by what they keep alive (heapy's domisize) instead: those areas overlap \
                 (a dict retains its values), so they do not add up to the set."
            }
            ViewKind::Graph => {
                "Who holds the set: its referrers grouped by kind (heapy's .referrers.byclodo), \
                 each node sized by bytes, each arrow labelled with the commonest edge names \
                 (heapy's via). + on a node unfolds its own referrers, one level nearer the root; \
                 a click on a node (or on an arrow's name, for its holders) makes that set current. \
                 Drag nodes; wheel or pinch to zoom, drag the background to pan. For a set of one \
                 object the graph shows its shortest referrer chains from the root (heapy's shpaths)."
            }
            ViewKind::Inspector => {
                "One object: its address, type, kind, size, brief and recorded value; the objects \
                 it refers to and those referring to it (click a row to inspect that object); and \
                 heapy's shortest paths from the root, each step a link to its object. Without a \
                 selected object, pick one of the set's objects."
            }
            ViewKind::DomTree => {
                "The dominator tree (like Eclipse MAT's): an object dominates another when every \
                 path from the root to it passes through the first, so freeing the first frees \
                 both. The top level lists the set's objects that no other member dominates (for \
                 the whole heap: what the root holds); ▸ opens an object's dominated objects. Each \
                 line shows its retained size (what freeing it frees, heapy's domisize) and share \
                 of the heap, biggest first; \"retained set\" shows those objects as a set."
            }
        }
    }
}

/// What the server computes for a view: the snapshot, the set and the relation. Views that
/// show the same data share one [`DataKey`] (filter, view, selection do not change it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataKey {
    pub snapshot: String,
    pub query: String,
    pub relation: String,
}

/// Everything the partition page shows (see the module docs for the URL form).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartitionRoute {
    pub snapshot: String,
    /// The set, as a query path.
    pub query: String,
    /// The relation it is partitioned by.
    pub relation: String,
    pub view: ViewKind,
    /// The treemap's second relation (each row split again by it), if any.
    pub then: Option<String>,
    /// The treemap's areas are retained sizes (`measure=retained`) instead of sizes.
    pub by_retained: bool,
    /// The selected object's address, normalised to lower-case `0x…`.
    pub sel: Option<String>,
    /// Queries of expanded graph nodes, in expansion order, without duplicates.
    pub expand: Vec<String>,
    /// Addresses of opened dominator tree nodes (normalised `0x…`), without duplicates.
    pub open: Vec<String>,
    /// The table's label filter; empty for none.
    pub filter: String,
    /// The graph draws heapy's reference pattern (`graph=rp`) instead of the kinds of referrers.
    pub pattern: bool,
}

/// Rewrites a link's parameters from `version` to [`URL_VERSION`], one step per version.
///
/// Version 1 is the first versioned scheme (and links without `v` are version 1), so there
/// is no step yet. The next incompatible change adds `if version < 2 { ... }` here.
pub fn migrate(version: u32, params: Vec<(String, String)>) -> Vec<(String, String)> {
    let _ = version;
    params
}

/// The version a link was written with: its `v` (a number), else 1.
pub fn link_version(params: &[(String, String)]) -> u32 {
    params.iter().find(|(k, _)| k == "v").and_then(|(_, v)| v.trim().parse().ok()).filter(|&v| v >= 1).unwrap_or(1)
}

fn first<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn non_empty(v: Option<&str>, default: &str) -> String {
    match v {
        Some(s) if !s.trim().is_empty() => s.to_owned(),
        _ => default.to_owned(),
    }
}

/// `0x7F00AB` → `Some("0x7f00ab")`; anything that is not `0x` and 1 to 16 hex digits → `None`.
pub fn normalise_address(s: &str) -> Option<String> {
    let s = s.trim();
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!("0x{}", digits.to_ascii_lowercase()))
}

impl PartitionRoute {
    /// The whole heap of a snapshot, partitioned the default way, in the table.
    pub fn root(snapshot: &str) -> Self {
        Self {
            snapshot: snapshot.to_owned(),
            query: DEFAULT_QUERY.to_owned(),
            relation: DEFAULT_RELATION.to_owned(),
            view: ViewKind::Table,
            then: None,
            by_retained: false,
            sel: None,
            expand: Vec::new(),
            open: Vec::new(),
            filter: String::new(),
            pattern: false,
        }
    }

    /// Reads the page's state from the snapshot id (the path) and the query string (with or
    /// without its `?`). Never fails: see the module docs.
    pub fn from_url(snapshot: &str, search: &str) -> Self {
        let raw = parse_query(search);
        let params = migrate(link_version(&raw), raw);
        let mut expand: Vec<String> = Vec::new();
        let mut open: Vec<String> = Vec::new();
        for (k, v) in &params {
            if k == "expand" && !v.trim().is_empty() && !expand.contains(v) && expand.len() < MAX_EXPAND {
                expand.push(v.clone());
            }
            if let Some(a) = (k == "open").then(|| normalise_address(v)).flatten() {
                if !open.contains(&a) && open.len() < MAX_EXPAND {
                    open.push(a);
                }
            }
        }
        Self {
            snapshot: snapshot.to_owned(),
            query: non_empty(first(&params, "q"), DEFAULT_QUERY),
            relation: non_empty(first(&params, "by"), DEFAULT_RELATION),
            view: first(&params, "view").and_then(ViewKind::parse).unwrap_or_default(),
            then: first(&params, "then").map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned),
            by_retained: first(&params, "measure") == Some("retained"),
            sel: first(&params, "sel").and_then(normalise_address),
            expand,
            open,
            filter: first(&params, "filter").unwrap_or("").chars().take(MAX_FILTER_CHARS).collect(),
            pattern: first(&params, "graph") == Some("rp"),
        }
    }

    /// Whether a link should be rewritten to [`Self::href`] in the address bar: it was
    /// written with an older version of the scheme (or none).
    pub fn needs_canonical_rewrite(search: &str) -> bool {
        let raw = parse_query(search);
        !raw.iter().any(|(k, _)| k == "v") || link_version(&raw) < URL_VERSION
    }

    /// What the server is asked for this view.
    pub fn data_key(&self) -> DataKey {
        DataKey { snapshot: self.snapshot.clone(), query: self.query.clone(), relation: self.relation.clone() }
    }

    /// Another set (same relation and view); the filter, which was about the old set's
    /// labels, is dropped.
    pub fn with_query(&self, query: &str) -> Self {
        Self { query: query.to_owned(), filter: String::new(), ..self.clone() }
    }

    /// The same set by another relation; the filter (about the old labels) is dropped.
    pub fn with_relation(&self, relation: &str) -> Self {
        Self { relation: relation.to_owned(), filter: String::new(), ..self.clone() }
    }

    /// The same data in another view.
    pub fn with_view(&self, view: ViewKind) -> Self {
        Self { view, ..self.clone() }
    }

    /// The same view with another label filter.
    pub fn with_filter(&self, filter: &str) -> Self {
        Self { filter: filter.chars().take(MAX_FILTER_CHARS).collect(), ..self.clone() }
    }

    /// The app URL (path and query string) that shows this state, in the current version.
    pub fn href(&self) -> String {
        let mut out = format!(
            "/s/{}?v={URL_VERSION}&q={}&by={}&view={}",
            encode(&self.snapshot),
            encode(&self.query),
            encode(&self.relation),
            self.view.as_str()
        );
        if let Some(then) = &self.then {
            out.push_str("&then=");
            out.push_str(&encode(then));
        }
        if self.by_retained {
            out.push_str("&measure=retained");
        }
        if let Some(sel) = &self.sel {
            out.push_str("&sel=");
            out.push_str(&encode(sel));
        }
        for e in &self.expand {
            out.push_str("&expand=");
            out.push_str(&encode(e));
        }
        for a in &self.open {
            out.push_str("&open=");
            out.push_str(&encode(a));
        }
        if self.pattern {
            out.push_str("&graph=rp");
        }
        if !self.filter.is_empty() {
            out.push_str("&filter=");
            out.push_str(&encode(&self.filter));
        }
        out
    }
}

/// The current route's state, as a memo that changes only when the URL does.
pub fn use_partition_route() -> Memo<PartitionRoute> {
    let params = use_params_map();
    let location = use_location();
    Memo::new(move |_| {
        let id = params.read().get("id").unwrap_or_default();
        location.search.with(|search| PartitionRoute::from_url(&id, search))
    })
}

/// Whether a click on a table row should navigate: a plain left click that did not land
/// on a link (links navigate by themselves) and did not end a text selection.
pub fn is_plain_row_click(ev: &web_sys::MouseEvent) -> bool {
    use wasm_bindgen::JsCast;
    if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
        return false;
    }
    let on_link = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a").ok().flatten())
        .is_some();
    let selecting =
        web_sys::window().and_then(|w| w.get_selection().ok().flatten()).map(|s| !s.is_collapsed()).unwrap_or(false);
    !on_link && !selecting
}

/// Sets the browser tab's title.
pub fn set_document_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(title);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> PartitionRoute {
        PartitionRoute {
            snapshot: "demo".into(),
            query: "heap.byclodo[\"dict of __main__.Node\"].referrers".into(),
            relation: "via".into(),
            view: ViewKind::Graph,
            then: Some("type".into()),
            by_retained: true,
            sel: Some("0x7f3a2b1c".into()),
            expand: vec!["heap.byclodo[0]".into(), "heap.byvia[3] & heap.bytype[1]".into()],
            open: vec!["0x7f00".into(), "0xabc".into()],
            filter: "dict of".into(),
            pattern: true,
        }
    }

    /// The href's query string, as the router hands it to `from_url` (no `?`).
    fn search_of(href: &str) -> &str {
        href.split_once('?').map(|(_, s)| s).unwrap_or("")
    }

    fn round_trip(r: &PartitionRoute) -> PartitionRoute {
        let href = r.href();
        let path_id = href.strip_prefix("/s/").and_then(|s| s.split('?').next()).unwrap();
        PartitionRoute::from_url(&crate::route::urlcode::decode(path_id), search_of(&href))
    }

    #[test]
    fn every_field_round_trips() {
        let r = full();
        assert_eq!(round_trip(&r), r);
        let root = PartitionRoute::root("demo");
        assert_eq!(round_trip(&root), root);
        assert_eq!(root.href(), "/s/demo?v=1&q=heap&by=clodo&view=table");
    }

    #[test]
    fn hostile_strings_round_trip_and_stay_inside_their_parameter() {
        let hostile = [
            "<img src=x onerror=alert(1)>",
            "</text><script>alert(1)</script>",
            "\"><svg onload=alert(1)>",
            "'; DROP TABLE orders; --",
            "{{7*7}} ${7*7} <%= 7*7 %>",
            "\u{202e}gnp.exe",
            "a&by=type&view=graph#frag",
            "x=1&v=2",
            "%2541 %zz + plus",
            "line\nbreak\r\ttab\0nul",
            "😀 ünïcödé",
        ];
        for s in hostile {
            let r = PartitionRoute {
                snapshot: s.into(),
                query: s.into(),
                relation: s.into(),
                view: ViewKind::Table,
                then: Some(s.into()),
                by_retained: false,
                sel: None,
                expand: vec![s.into(), format!("{s}2")],
                open: Vec::new(),
                filter: s.into(),
                pattern: false,
            };
            let back = round_trip(&r);
            assert_eq!(back, r, "{s:?}");
            // nothing of the value escapes into the URL's structure
            let search = search_of(&r.href()).to_owned();
            assert!(!search.contains('#') && !search.contains(' ') && !search.contains('<'), "{search}");
            assert_eq!(search.matches("&by=").count(), 1, "{search}");
            assert_eq!(search.matches("&view=").count(), 1, "{search}");
        }
    }

    #[test]
    fn old_links_without_a_version_keep_working() {
        let r = PartitionRoute::from_url("demo", "q=heap.byclodo%5B0%5D&by=type");
        assert_eq!(r.query, "heap.byclodo[0]");
        assert_eq!(r.relation, "type");
        assert_eq!(r.view, ViewKind::Table);
        assert_eq!(r.then, None);
        assert!(PartitionRoute::needs_canonical_rewrite("q=heap&by=type"));
        // a treemap link from before `then` existed: one level, as it always was
        let t = PartitionRoute::from_url("demo", "v=1&q=heap&by=clodo&view=treemap");
        assert_eq!((t.view, t.then.as_deref()), (ViewKind::Treemap, None));
        assert_eq!(PartitionRoute::from_url("demo", "v=1&view=treemap&then=type").then.as_deref(), Some("type"));
        assert_eq!(PartitionRoute::from_url("demo", "v=1&view=treemap&then=%20").then, None);
        // `measure` and `open` came later: without them, sizes in bytes and nothing opened
        assert!(!t.by_retained && t.open.is_empty());
        assert!(PartitionRoute::from_url("demo", "v=1&view=treemap&measure=retained").by_retained);
        assert!(!PartitionRoute::from_url("demo", "v=1&view=treemap&measure=weight").by_retained);
        let d = PartitionRoute::from_url("demo", "v=1&view=domtree&open=0xAB&open=zz&open=0xab&open=0x1");
        assert_eq!((d.view, d.open), (ViewKind::DomTree, vec!["0xab".to_owned(), "0x1".to_owned()]));
        assert!(!PartitionRoute::needs_canonical_rewrite(search_of(&r.href())));
        // the very first links had only q (or nothing)
        assert_eq!(PartitionRoute::from_url("demo", ""), PartitionRoute::root("demo"));
        assert_eq!(PartitionRoute::from_url("demo", "?q=heap"), PartitionRoute::root("demo"));
    }

    #[test]
    fn versions() {
        assert_eq!(link_version(&parse_query("v=1")), 1);
        assert_eq!(link_version(&parse_query("")), 1);
        assert_eq!(link_version(&parse_query("v=banana")), 1);
        assert_eq!(link_version(&parse_query("v=0")), 1);
        assert_eq!(link_version(&parse_query("v=7")), 7);
        // a newer link is read as well as this version can
        let r = PartitionRoute::from_url("demo", "v=7&q=heap&by=size&colour=blue");
        assert_eq!(r.relation, "size");
        assert!(!PartitionRoute::needs_canonical_rewrite("v=7&q=heap"));
    }

    #[test]
    fn nonsense_values_fall_back_to_defaults() {
        let r = PartitionRoute::from_url(
            "demo",
            "v=1&q=%20%20&by=&view=<script>&sel=javascript:alert(1)&expand=&expand=a&expand=a&filter=",
        );
        assert_eq!(r.query, DEFAULT_QUERY);
        assert_eq!(r.relation, DEFAULT_RELATION);
        assert_eq!(r.view, ViewKind::Table);
        assert_eq!(r.sel, None);
        assert_eq!(r.expand, vec!["a".to_owned()]);
        assert_eq!(r.filter, "");
        assert_eq!(PartitionRoute::from_url("d", "view=TREEMAP").view, ViewKind::Table);
        assert_eq!(PartitionRoute::from_url("d", "view=treemap").view, ViewKind::Treemap);
    }

    #[test]
    fn addresses_are_normalised_or_dropped() {
        assert_eq!(normalise_address("0x7F00ab"), Some("0x7f00ab".into()));
        assert_eq!(normalise_address(" 0X1 "), Some("0x1".into()));
        assert_eq!(normalise_address("0x"), None);
        assert_eq!(normalise_address("7f00"), None);
        assert_eq!(normalise_address("0x12345678901234567"), None);
        assert_eq!(normalise_address("0x12g"), None);
        assert_eq!(PartitionRoute::from_url("d", "sel=0xABC").sel, Some("0xabc".into()));
    }

    #[test]
    fn long_values_are_capped() {
        let long = "x".repeat(5000);
        let r = PartitionRoute::from_url("d", &format!("filter={long}"));
        assert_eq!(r.filter.chars().count(), MAX_FILTER_CHARS);
        let many: String = (0..500).map(|i| format!("&expand=q{i}")).collect();
        assert_eq!(PartitionRoute::from_url("d", &many).expand.len(), MAX_EXPAND);
    }

    #[test]
    fn changing_the_set_or_relation_drops_the_filter_only() {
        let r = full();
        let q = r.with_query("heap");
        assert_eq!((q.query.as_str(), q.filter.as_str()), ("heap", ""));
        assert_eq!((q.view, &q.sel, &q.expand), (r.view, &r.sel, &r.expand));
        let b = r.with_relation("size");
        assert_eq!((b.relation.as_str(), b.filter.as_str(), b.query.as_str()), ("size", "", r.query.as_str()));
        assert_eq!(r.with_view(ViewKind::Table).filter, r.filter);
        assert_eq!(r.with_filter("abc").data_key(), r.data_key());
    }

    #[test]
    fn view_names() {
        for k in ViewKind::ALL {
            assert_eq!(ViewKind::parse(k.as_str()), Some(k));
            assert!(!k.doc().is_empty());
        }
        assert_eq!(ViewKind::parse("Table"), None);
    }
}
