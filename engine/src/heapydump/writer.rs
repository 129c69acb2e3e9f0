//! Writing heapy dump packages that guppy3's `hp.load()` reads back: the header lines in
//! the order heapy writes them (`Partition.get_trows`, and `Stat.__sub__` for differences),
//! one `.r:` line per row, and the `.end: .loader: _load_stat` line.

use super::{DumpFormat, Package, StatRow};
use crate::heap::brief::{id_header, id_kind_name};
use crate::partition::{Partition, Relation};
use crate::{Heap, ObjSet};
use std::io::{self, Write};

/// A label on one line: a line break would end the row, so `\n` and `\r` are written as the
/// two characters `\n` and `\r` (heapy's own labels never hold one).
fn one_line(label: &str) -> std::borrow::Cow<'_, str> {
    if label.contains(['\n', '\r']) {
        label.replace('\n', "\\n").replace('\r', "\\r").into()
    } else {
        label.into()
    }
}

/// The header lines of a package with `numrows` rows (its own `rows` are not written).
fn write_head(p: &Package, numrows: usize, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, ".loader: _load_stat")?;
    writeln!(out, ".format: {}", p.format.name())?;
    writeln!(out, ".timemade: {:.6}", p.timemade)?;
    if p.format == DumpFormat::Diff {
        writeln!(out, ".b_count: {}", p.b_count.unwrap_or(0))?;
        writeln!(out, ".b_size: {}", p.b_size.unwrap_or(0))?;
        writeln!(out, ".count: {}", p.count)?;
        writeln!(out, ".size: {}", p.size)?;
        writeln!(out, ".kindheader: {}", p.kindheader)?;
        writeln!(out, ".kindname: {}", p.kindname)?;
    } else {
        writeln!(out, ".count: {}", p.count)?;
        writeln!(out, ".size: {}", p.size)?;
        writeln!(out, ".kindname: {}", p.kindname)?;
        writeln!(out, ".kindheader: {}", p.kindheader)?;
    }
    writeln!(out, ".numrows: {numrows}")
}

fn write_row(format: DumpFormat, r: &StatRow, out: &mut impl Write) -> io::Result<()> {
    match format {
        DumpFormat::Id => writeln!(out, ".r: {} {}", r.size, one_line(&r.label)),
        _ => writeln!(out, ".r: {} {} {}", r.count, r.size, one_line(&r.label)),
    }
}

/// Writes one package.
pub fn write_package(p: &Package, out: &mut impl Write) -> io::Result<()> {
    write_head(p, p.rows.len(), out)?;
    for r in &p.rows {
        write_row(p.format, r, out)?;
    }
    writeln!(out, ".end: .loader: _load_stat")
}

/// The headers heapy gives a partition of `set`: `IdFormat` for `byid` (kind name `<mixed>`
/// or `<kind>`, the kind's header), else `SetFormat` with the relation's header.
fn partition_head(heap: &Heap, set: &ObjSet, p: &Partition, timemade: f64) -> Package {
    let (format, kindname, kindheader) = match p.relation {
        Relation::Id => (DumpFormat::Id, format!("<{}>", id_kind_name(heap, set)), id_header(heap, set)),
        r => (DumpFormat::Set, String::new(), r.header().to_owned()),
    };
    Package {
        format,
        timemade,
        count: p.count as i64,
        size: p.size as i64,
        kindname,
        kindheader,
        b_count: None,
        b_size: None,
        rows: Vec::new(),
        line: 0,
    }
}

fn stat_row(r: crate::Row) -> StatRow {
    StatRow { count: r.count as i64, size: r.size as i64, label: r.label }
}

/// Writes partition `p` of `set` as one package made at `timemade` (Unix seconds), rows
/// streamed as they are labelled (a `byid` of millions of objects is never held whole).
pub fn write_partition(
    heap: &Heap,
    set: &ObjSet,
    p: &Partition,
    timemade: f64,
    out: &mut impl Write,
) -> io::Result<()> {
    let head = partition_head(heap, set, p, timemade);
    write_head(&head, p.len(), out)?;
    for r in p.rows(heap) {
        write_row(head.format, &stat_row(r), out)?;
    }
    writeln!(out, ".end: .loader: _load_stat")
}

/// Partition `p` of `set` as a package in memory.
pub fn partition_package(heap: &Heap, set: &ObjSet, p: &Partition, timemade: f64) -> Package {
    Package { rows: p.rows(heap).map(stat_row).collect(), ..partition_head(heap, set, p, timemade) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heapydump::{read_dump, render_package};
    use crate::partition::partition;
    use crate::{read_snapshot, Heap};

    #[test]
    fn every_relation_round_trips_through_the_text() {
        let heap = Heap::new(read_snapshot(&crate::testing::small_snapshot()[..]).unwrap());
        let set = heap.heap().clone();
        let mut out = Vec::new();
        let mut made = Vec::new();
        for rel in Relation::ALL {
            let p = partition(&heap, &set, rel);
            write_partition(&heap, &set, &p, 1795552268.5, &mut out).unwrap();
            made.push(partition_package(&heap, &set, &p, 1795552268.5));
        }
        let read = read_dump(&out).unwrap();
        assert_eq!(read.len(), made.len());
        for (r, m) in read.iter().zip(&made) {
            assert_eq!(Package { line: 0, ..r.clone() }, *m);
        }
        // the table text of a partition equals heapy's text of the package
        let p = partition(&heap, &set, Relation::Clodo);
        assert_eq!(render_package(&made[0], false), crate::render::render(&heap, &p, false).trim_end());
    }

    #[test]
    fn truncation_at_any_byte_is_an_error_or_fewer_packages_never_a_panic() {
        let heap = Heap::new(read_snapshot(&crate::testing::small_snapshot()[..]).unwrap());
        let mut out = Vec::new();
        let p = partition(&heap, heap.heap(), Relation::Type);
        write_partition(&heap, heap.heap(), &p, 1.0, &mut out).unwrap();
        for cut in 0..out.len() {
            let _ = read_dump(&out[..cut]);
        }
        assert!(read_dump(&out[..out.len() - 3]).is_err());
    }
}
