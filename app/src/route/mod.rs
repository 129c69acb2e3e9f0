//! The URL is the state: one module per page's URL (parse and build, never failing), and
//! the percent-encoding they share.

pub mod diff;
pub mod partition;
pub mod timeline;
pub mod urlcode;
