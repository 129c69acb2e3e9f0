//! One object: the inspector view (`view=inspector`) and the links to it from any view.

pub mod inspector;
pub mod link;
