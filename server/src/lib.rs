//! The heaplens server library: snapshot store, HTTP API and the CLI's table command.
//!
//! Handlers are thin: parameters → engine → [`views`] (wire types) → JSON. Analysis lives
//! in `heaplens-engine`, never here.

pub mod api;
pub mod cli;
pub mod cli_heapydump;
pub mod error;
pub mod series;
pub mod series_api;
pub mod store;
pub mod views;
pub mod views_object;
pub mod views_series;
