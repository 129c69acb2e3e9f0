//! Errors of the snapshot reader: each names what is wrong and where.

use std::path::PathBuf;

/// Why a snapshot could not be read. Never a panic: every check of the reader ends here.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("not a heaplens snapshot: the file does not start with the HLSNAP magic bytes")]
    BadMagic,
    #[error("unsupported snapshot format version {major}.{minor} (this heaplens reads version 1.x)")]
    Version { major: u16, minor: u16 },
    #[error("truncated snapshot: {what} at byte {offset} needs {need} bytes, but the file ends at byte {len}")]
    Truncated { what: String, offset: u64, need: u64, len: u64 },
    #[error("corrupt snapshot at byte {offset}: {msg}")]
    Corrupt { offset: u64, msg: String },
    #[error("corrupt snapshot: {0}")]
    Invalid(String),
    #[error("corrupt snapshot: checksum mismatch (stored {stored:#010x}, computed {computed:#010x})")]
    Checksum { stored: u32, computed: u32 },
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot write snapshot: {0}")]
    Write(#[from] std::io::Error),
}
