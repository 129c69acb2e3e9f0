//! The treemap view (`view=treemap`): the set's rows as rectangles whose areas are their
//! sizes in bytes, laid out by d3's squarified treemap; optionally each of the largest rows
//! split again by a second relation (`then=` in the URL).
//!
//! The server answers `/treemap` (rows, children, the rest aggregated as "other"); d3 lays it
//! out; the cells are painted on one canvas, and only the cells big enough for a label get a
//! link element over them (its text node the label), so 5,000 cells draw in a few frames. A
//! click drills into the cell's set (the page's breadcrumbs zoom back out); a cell of one
//! object (`byid`, `byidset`) opens it in the inspector instead. One tooltip follows the
//! pointer.
//!
//! * `component.rs`: the view: fetching, the stage, pointer and keys, the second relation;
//! * `model.rs`: the server's rows and children as numbered cells and the JSON d3 lays out;
//! * `layout.rs`: d3's squarified layout (shared with the diff page's growth treemap) and
//!   finding the cell under the pointer;
//! * `paint.rs`: painting the cells on the canvas and placing the label links;
//! * `tooltip.rs`: the tooltip's text for a cell.

pub mod component;
pub mod layout;
mod model;
mod paint;
mod tooltip;
