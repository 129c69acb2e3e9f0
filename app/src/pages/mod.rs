//! One module per route: the snapshot list (start page), a snapshot's partition, the diff of
//! two snapshots and the timeline of a series.

pub mod diff;
pub mod partition;
pub mod snapshots;
pub mod timeline;
