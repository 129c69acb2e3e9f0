//! The referrer graph (`view=graph`): who holds the set, by kind, unfolded towards the root.
//!
//! Nodes are kinds of referrers from the server's `/graph` (count and size; the radius grows
//! with the size), edges the references between them with their commonest edge names (heapy's
//! via). A node's `+` adds its query to `expand` in the URL (its referrers appear, one level
//! nearer the root); a click on a node makes its set the current one. For a set of one object
//! the graph shows the object's real referrer chains up to the root instead (the shortest
//! paths of `/objects/{addr}`), each node an object. With `graph=rp` in the URL it draws
//! heapy's reference pattern of the set instead (`/rp`): a node per line, an edge from each
//! line to the line it refers to, a `[^ N]` line as an edge to line N's node.
//!
//! Layout is d3-force (link, many-body, collide, centre, and a gentle pull that layers the
//! nodes by depth: the root side on top); the graph is painted on one canvas, again on every
//! tick; d3-zoom pans and zooms, d3-drag moves nodes. The frame rate of the first seconds of a
//! layout is measured (`heaplens:graph-frames`, and `data-fps` on the stage).
//!
//! * `component.rs`: the view: fetching, the canvas host, the controls and the lists beside it;
//! * `model.rs`: the graph as nodes and edges, from the server's groups, chains or pattern;
//! * `layout.rs`: the drawing: canvas, d3-force simulation, zoom, drag and hit testing;
//! * `paint.rs`: painting the drawing on the canvas in the page's colours;
//! * `tooltip.rs`: the tooltip's text for a node or an edge.

pub mod component;
mod layout;
mod model;
mod paint;
mod tooltip;
