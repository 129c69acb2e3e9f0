//! heapy's reference pattern of one object, as the inspector shows it.

pub mod tree;
