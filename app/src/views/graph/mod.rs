//! The referrer graph view (`view=graph`).

pub mod component;
