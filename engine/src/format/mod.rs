//! Bytes in and out: the heaplens snapshot file format, version 1 (`docs/format.md`:
//! constants, the checked reader and the streaming writer; edge names are encoded as
//! [`EdgeName`] says) and a heap's saved indexes ([`index_file`]).

mod error;
mod index_check;
pub mod index_file;
mod reader;
mod writer;

pub use crate::heap::snapshot::EdgeName;
pub use error::FormatError;
pub use reader::{read_snapshot, read_snapshot_file};
pub use writer::SnapshotWriter;

/// `"HLSNAP\r\n"`: the first 8 bytes of every snapshot.
pub const MAGIC: &[u8; 8] = b"HLSNAP\r\n";
/// The major version this crate reads and writes.
pub const MAJOR: u16 = 1;
/// The minor version this crate writes.
pub const MINOR: u16 = 0;
/// Header length: magic, major, minor, flags.
pub const HEADER_LEN: usize = 16;
/// Section header length: tag and u64 payload length.
pub const SECTION_HEADER_LEN: usize = 12;
/// Payload length of the `ENDS` section.
pub const ENDS_LEN: u64 = 28;

/// Section tags.
pub mod tag {
    pub const META: [u8; 4] = *b"META";
    pub const OBJC: [u8; 4] = *b"OBJC";
    pub const EDGC: [u8; 4] = *b"EDGC";
    pub const STRC: [u8; 4] = *b"STRC";
    pub const TYPC: [u8; 4] = *b"TYPC";
    pub const MODN: [u8; 4] = *b"MODN";
    pub const ENDS: [u8; 4] = *b"ENDS";
    /// Value previews (ancillary).
    pub const PREV: [u8; 4] = *b"prev";
    /// Allocation sites from tracemalloc (ancillary).
    pub const PROD: [u8; 4] = *b"prod";
    /// GC-tracked objects the root does not reach, heapy's `heapu` (ancillary).
    pub const UNRC: [u8; 4] = *b"unrc";
    /// Per object, the capture since which the agent has seen it (ancillary).
    pub const SEEN: [u8; 4] = *b"seen";
}
