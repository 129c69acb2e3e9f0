//! Glue for the drawn views: d3 through wasm-bindgen, the Canvas 2D calls, and the status
//! boxes over a drawing.

pub mod canvas;
pub mod d3;
pub mod status;
