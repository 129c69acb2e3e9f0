//! Glue for the drawn views: d3 through wasm-bindgen, the Canvas 2D calls, the shared colours
//! (CSS variables, hues), and the status boxes over a drawing (load state, errors).

pub mod canvas;
pub mod d3;
pub mod palette;
pub mod status;
