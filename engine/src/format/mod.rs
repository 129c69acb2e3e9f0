//! The heaplens snapshot file format, version 1 (`docs/format.md`): constants, edge-name
//! encoding, the checked reader and the streaming writer.

mod error;
mod reader;
mod writer;

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

const NAME_TAG_SHIFT: u32 = 29;
const NAME_PAYLOAD: u32 = (1 << NAME_TAG_SHIFT) - 1;

/// A decoded edge name: heapy's via label of one reference.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum EdgeName {
    /// The whole name is a string of the string table (`.__dict__`, `['key']`, `->ob_type`).
    Str(crate::StrId),
    /// `[i]`: list or tuple item.
    Index(u32),
    /// `.keys()[i]`: dict key at position i.
    Key(u32),
    /// `list(_)[i]`: set member number i.
    Member(u32),
}

impl EdgeName {
    /// Decodes the 32-bit form; `None` for a reserved tag.
    pub fn decode(raw: u32) -> Option<EdgeName> {
        let payload = raw & NAME_PAYLOAD;
        match raw >> NAME_TAG_SHIFT {
            0 => Some(EdgeName::Str(crate::StrId(payload))),
            1 => Some(EdgeName::Index(payload)),
            2 => Some(EdgeName::Key(payload)),
            3 => Some(EdgeName::Member(payload)),
            _ => None,
        }
    }

    /// Encodes to the 32-bit form; `None` if the payload does not fit in 29 bits.
    pub fn encode(self) -> Option<u32> {
        let (tag, payload) = match self {
            EdgeName::Str(s) => (0, s.0),
            EdgeName::Index(i) => (1, i),
            EdgeName::Key(i) => (2, i),
            EdgeName::Member(i) => (3, i),
        };
        (payload <= NAME_PAYLOAD).then_some((tag << NAME_TAG_SHIFT) | payload)
    }

    /// Renders the name the way heapy prints it, writing into `out`.
    pub fn write_to(self, strings: &crate::snapshot::Strings, out: &mut String) {
        use std::fmt::Write;
        match self {
            EdgeName::Str(s) => out.push_str(strings.get(s)),
            EdgeName::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            EdgeName::Key(i) => {
                let _ = write!(out, ".keys()[{i}]");
            }
            EdgeName::Member(i) => {
                let _ = write!(out, "list(_)[{i}]");
            }
        }
    }
}
