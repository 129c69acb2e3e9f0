//! Retained sizes as a view: the dominator tree (`view=domtree`).

pub mod domtree;
