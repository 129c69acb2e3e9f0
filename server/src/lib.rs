//! The heaplens server library: snapshot store, HTTP API and the CLI's table command.
//!
//! Handlers are thin: parameters → engine → [`views`] (wire types) → JSON. Analysis lives
//! in `heaplens-engine`, never here.

pub mod api;
pub mod api_access;
pub mod api_store;
pub mod attach;
pub mod auth;
pub mod cli;
pub mod cli_diff;
pub mod cli_heapydump;
pub mod cli_identity;
pub mod cli_paths;
pub mod cli_redact;
pub mod error;
pub mod identity_api;
pub mod series;
pub mod series_api;
pub mod storage;
pub mod store;
pub mod views;
pub mod views_diff;
pub mod views_identity;
pub mod views_object;
pub mod views_retained;
pub mod views_rp;
pub mod views_series;
