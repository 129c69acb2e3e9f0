//! The heaplens server library: the HTTP API, the snapshot store and the CLI's commands,
//! one folder per feature (see `README.md` here).
//!
//! Handlers are thin: parameters (the extractors of [`http::params`]) → engine (in
//! [`http::blocking::blocking`]) → the feature's `view` (wire types) → JSON. Analysis lives
//! in `heaplens-engine`, never here.

// the shared core
pub mod http;
pub mod state;
pub mod store;
// features, each with its routes, its engine → wire view and its command
pub mod access;
pub mod attach;
pub mod diff;
pub mod graph;
pub mod identity;
pub mod object;
pub mod partition;
pub mod retained;
pub mod rp;
pub mod series;
pub mod treemap;
