//! The heaplens server library: snapshot store, HTTP API and the CLI's table command.
//!
//! Handlers are thin: parameters → engine → [`views`] (wire types) → JSON. Analysis lives
//! in `heaplens-engine`, never here.

pub mod api;
pub mod cli;
pub mod cli_identity;
pub mod error;
pub mod identity_api;
pub mod store;
pub mod views;
pub mod views_identity;
pub mod views_object;
