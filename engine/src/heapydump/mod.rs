//! heapy's dump files (`.dump()` / `hp.load()`): text files of appended "packages", each one
//! table (a `Stat`) in one of three formats: `SetFormat` (a partition), `IdFormat` (heapy's
//! `byid`: one row per object) and `DiffFormat` (`A.diff(B)`: a difference of two tables).
//!
//! [`read_dump`] reads every package of a file with checks that name the offending line;
//! [`write_package`] and [`write_partition`] write packages that guppy3's `hp.load()` reads
//! back; [`render_package`] prints a package the way guppy prints a loaded `Stat`, and
//! [`diff`] subtracts two packages like heapy's `Stat.__sub__`.

mod diff;
mod reader;
mod text;
mod writer;

pub use diff::diff;
pub use reader::{looks_like_dump, read_dump, DumpError};
pub use text::{package_title, render_package, row_header};
pub use writer::{partition_package, write_package, write_partition};

/// The three table formats of heapy's `Part.py`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpFormat {
    /// A partition: rows `count size label`.
    Set,
    /// heapy's `byid` (an `IdentityPartition`): rows `size label`, count 1 each.
    Id,
    /// A difference `A - B`: rows `count size label` with signed values; `b_count`, `b_size`.
    Diff,
}

impl DumpFormat {
    /// The name in the `.format:` header.
    pub fn name(self) -> &'static str {
        match self {
            DumpFormat::Set => "SetFormat",
            DumpFormat::Id => "IdFormat",
            DumpFormat::Diff => "DiffFormat",
        }
    }

    pub fn parse(name: &str) -> Option<DumpFormat> {
        [DumpFormat::Set, DumpFormat::Id, DumpFormat::Diff].into_iter().find(|f| f.name() == name)
    }
}

/// One row of a package. Counts and sizes are signed: a `DiffFormat` row may be negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    pub count: i64,
    pub size: i64,
    pub label: String,
}

/// One package: heapy's `Stat`, the headers and rows of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub format: DumpFormat,
    /// When the table was made, Unix seconds (`.timemade`).
    pub timemade: f64,
    pub count: i64,
    pub size: i64,
    /// `.kindname`: empty for partitions, `<kind>` for `byid` (`<mixed>`, `<list>`).
    pub kindname: String,
    /// `.kindheader`: the last column's header (`Kind (class / dict of class)`, `Address`).
    pub kindheader: String,
    /// `DiffFormat` only: the count and size of B.
    pub b_count: Option<i64>,
    pub b_size: Option<i64>,
    pub rows: Vec<StatRow>,
    /// The 1-based line of the package's `.loader:` line in its file (0 when made here).
    pub line: usize,
}
