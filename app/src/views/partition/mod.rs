//! The table view (`view=table`): heapy's partition table, virtualised, with its label
//! filter, retained column and exports.

pub mod export;
pub mod export_buttons;
pub mod filter_box;
pub mod retained;
pub mod table;
pub mod virtual_table;
