//! The treemap view (`view=treemap`) and the d3 layout the diff page's growth treemap shares.

pub mod component;
