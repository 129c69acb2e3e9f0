//! Links to one object in the inspector, from any view.
//!
//! An object is also a query (`@0x7f12ab`), so the inspector's URL shows the object's own
//! set: `q=@ADDR&view=inspector&sel=ADDR` (the relation is kept). The root `0x0` is no set's
//! member, so its link keeps the current set. When a view knows an object only by a query
//! (a `byid` row, a graph node of one object), [`open`] asks the server for its address first.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::route::partition::{normalise_address, PartitionRoute, ViewKind};

/// The inspector showing the object at `addr` (normalised `0x…`).
pub fn inspector_route(base: &PartitionRoute, addr: &str) -> PartitionRoute {
    let query = if addr == "0x0" { base.query.clone() } else { format!("@{addr}") };
    PartitionRoute {
        query,
        view: ViewKind::Inspector,
        sel: Some(addr.to_owned()),
        expand: Vec::new(),
        filter: String::new(),
        ..base.clone()
    }
}

/// The graph of one object (its referrer chains up to the root).
pub fn object_graph_route(base: &PartitionRoute, addr: &str) -> PartitionRoute {
    PartitionRoute {
        query: format!("@{addr}"),
        view: ViewKind::Graph,
        sel: None,
        expand: Vec::new(),
        filter: String::new(),
        pattern: false,
        ..base.clone()
    }
}

/// The address of a query that is one object's atom, `@0x…`.
pub fn atom_address(query: &str) -> Option<String> {
    query.trim().strip_prefix('@').and_then(normalise_address)
}

/// Finds the address of `query`'s one object (see [`api::object_address`]) and calls `go`
/// with the inspector's href. `status` says what is going on: `Some(Ok(message))` while
/// looking, `Some(Err(e))` when it failed, `None` when done.
pub fn open(
    route: Memo<PartitionRoute>,
    query: String,
    status: RwSignal<Option<Result<String, ApiError>>>,
    go: Rc<dyn Fn(String)>,
) {
    let base = route.get_untracked();
    if let Some(addr) = atom_address(&query) {
        go(inspector_route(&base, &addr).href());
        return;
    }
    status.set(Some(Ok("Finding the object's address…".into())));
    spawn_local(async move {
        match api::object_address(&base.snapshot, &query).await {
            Ok(addr) => {
                status.try_set(None);
                go(inspector_route(&base, &addr).href());
            }
            Err(e) => {
                status.try_set(Some(Err(e)));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspector_links_show_the_object_as_the_set() {
        let mut base = PartitionRoute::root("demo");
        base.expand = vec!["x".into()];
        base.filter = "f".into();
        let r = inspector_route(&base, "0x7f12");
        assert_eq!((r.query.as_str(), r.sel.as_deref(), r.view), ("@0x7f12", Some("0x7f12"), ViewKind::Inspector));
        assert!(r.expand.is_empty() && r.filter.is_empty());
        assert_eq!(inspector_route(&base, "0x0").query, "heap");
        assert_eq!(atom_address(" @0x7F12 "), Some("0x7f12".into()));
        assert_eq!(atom_address("@0x7f12.referrers"), None);
        assert_eq!(atom_address("heap"), None);
    }
}
