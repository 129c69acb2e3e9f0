//! The checked reader: bytes of a version-1 snapshot into a [`Snapshot`] of flat arrays.

use super::{tag, EdgeName, FormatError, ENDS_LEN, HEADER_LEN, MAGIC, MAJOR, SECTION_HEADER_LEN};
use crate::heap::ids::{ObjId, StrId, NONE};
use crate::heap::snapshot::{Meta, Snapshot, TypeEntry};
use std::path::Path;

/// Reads and validates a snapshot file.
pub fn read_snapshot_file(path: &Path) -> Result<Snapshot, FormatError> {
    let bytes = std::fs::read(path).map_err(|source| FormatError::Io { path: path.to_owned(), source })?;
    read_snapshot(&bytes)
}

/// Reads and validates a snapshot held in memory.
pub fn read_snapshot(bytes: &[u8]) -> Result<Snapshot, FormatError> {
    let mut r = Reader { bytes, snap: Snapshot::default(), degrees: Vec::new(), meta_seen: false };
    r.header()?;
    let mut pos = HEADER_LEN;
    loop {
        let (tag, payload_at, len) = r.section_header(pos)?;
        let payload = &bytes[payload_at..payload_at + len];
        if tag == tag::ENDS {
            r.ends(pos, payload_at, payload)?;
            break;
        }
        r.section(tag, payload_at as u64, payload)?;
        pos = payload_at + len;
    }
    r.finish()
}

struct Reader<'a> {
    bytes: &'a [u8],
    snap: Snapshot,
    degrees: Vec<u32>,
    meta_seen: bool,
}

fn corrupt(offset: u64, msg: impl Into<String>) -> FormatError {
    FormatError::Corrupt { offset, msg: msg.into() }
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i..i + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap())
}

fn tag_text(tag: [u8; 4]) -> String {
    tag.iter().map(|&c| if c.is_ascii_graphic() || c == b' ' { c as char } else { '?' }).collect()
}

fn extend_u32_le(dst: &mut Vec<u32>, src: &[u8]) {
    dst.extend(src.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())));
}

/// One packed column of a chunk (docs/format.md, "Columns"): value i is
/// `base + data[i]`, each of `width` bytes.
struct Column<'a> {
    base: u64,
    width: usize,
    data: &'a [u8],
}

impl Column<'_> {
    /// Value `i` (the caller checked `base + max` cannot overflow).
    #[inline]
    fn raw(&self, i: usize) -> u64 {
        let d = &self.data[i * self.width..(i + 1) * self.width];
        let v = match self.width {
            1 => d[0] as u64,
            2 => u16::from_le_bytes([d[0], d[1]]) as u64,
            4 => u32::from_le_bytes(d.try_into().unwrap()) as u64,
            _ => u64::from_le_bytes(d.try_into().unwrap()),
        };
        v.wrapping_add(self.base)
    }

    fn len(&self) -> usize {
        self.data.len() / self.width
    }

    /// Appends the values as u64, failing on overflow of `base + value`.
    fn extend_u64(&self, dst: &mut Vec<u64>) -> Result<(), String> {
        dst.reserve(self.len());
        for i in 0..self.len() {
            let v = self.raw(i);
            if v < self.base {
                return Err(format!("value {i} overflows 64 bits"));
            }
            dst.push(v);
        }
        Ok(())
    }

    /// Appends the values as u32, failing on any value that does not fit.
    fn extend_u32(&self, dst: &mut Vec<u32>) -> Result<(), String> {
        if self.base == 0 && self.width == 4 {
            dst.extend(self.data.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())));
            return Ok(());
        }
        dst.reserve(self.len());
        for i in 0..self.len() {
            let v = self.raw(i);
            if v < self.base || v > u32::MAX as u64 {
                return Err(format!("value {i} does not fit in 32 bits"));
            }
            dst.push(v as u32);
        }
        Ok(())
    }
}

impl Reader<'_> {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn header(&self) -> Result<(), FormatError> {
        let b = self.bytes;
        if b.len() < MAGIC.len() || &b[..MAGIC.len()] != MAGIC {
            return Err(FormatError::BadMagic);
        }
        if b.len() < HEADER_LEN {
            return Err(FormatError::Truncated {
                what: "the file header".into(),
                offset: 0,
                need: HEADER_LEN as u64,
                len: self.len(),
            });
        }
        let major = u16::from_le_bytes([b[8], b[9]]);
        let minor = u16::from_le_bytes([b[10], b[11]]);
        if major != MAJOR {
            return Err(FormatError::Version { major, minor });
        }
        Ok(())
    }

    /// Returns (tag, payload offset, payload length) of the section at `pos`.
    fn section_header(&self, pos: usize) -> Result<([u8; 4], usize, usize), FormatError> {
        let b = self.bytes;
        if pos == b.len() {
            return Err(FormatError::Truncated {
                what: "the ENDS section (the file stops between sections)".into(),
                offset: pos as u64,
                need: SECTION_HEADER_LEN as u64,
                len: self.len(),
            });
        }
        if b.len() - pos < SECTION_HEADER_LEN {
            return Err(FormatError::Truncated {
                what: "a section header".into(),
                offset: pos as u64,
                need: SECTION_HEADER_LEN as u64,
                len: self.len(),
            });
        }
        let tag: [u8; 4] = b[pos..pos + 4].try_into().unwrap();
        let len = u64_at(b, pos + 4);
        let payload_at = pos + SECTION_HEADER_LEN;
        if len > (b.len() - payload_at) as u64 {
            return Err(FormatError::Truncated {
                what: format!("section {} payload", tag_text(tag)),
                offset: payload_at as u64,
                need: len,
                len: self.len(),
            });
        }
        Ok((tag, payload_at, len as usize))
    }

    /// Reads a chunk of `n` packed columns of `m` values each; the columns must fill the payload.
    fn columns<'p>(&self, tag: [u8; 4], at: u64, p: &'p [u8], n: usize) -> Result<Vec<Column<'p>>, FormatError> {
        if p.len() < 4 {
            return Err(corrupt(at, format!("{} chunk of {} bytes has no record count", tag_text(tag), p.len())));
        }
        let m = u32_at(p, 0) as usize;
        let mut k = 4usize;
        let mut cols = Vec::with_capacity(n);
        for c in 0..n {
            if p.len() - k < 9 {
                return Err(corrupt(
                    at + k as u64,
                    format!("{} chunk ends inside the header of column {c}", tag_text(tag)),
                ));
            }
            let base = u64_at(p, k);
            let width = p[k + 8] as usize;
            if !matches!(width, 1 | 2 | 4 | 8) {
                return Err(corrupt(
                    at + k as u64 + 8,
                    format!("{} column {c} has width {width} (1, 2, 4 or 8)", tag_text(tag)),
                ));
            }
            k += 9;
            let need = m as u64 * width as u64;
            if ((p.len() - k) as u64) < need {
                return Err(corrupt(
                    at + k as u64,
                    format!("{} column {c} needs {need} bytes for {m} values, {} are left", tag_text(tag), p.len() - k),
                ));
            }
            cols.push(Column { base, width, data: &p[k..k + need as usize] });
            k += need as usize;
        }
        if k != p.len() {
            return Err(corrupt(
                at + k as u64,
                format!("{} chunk has {} bytes after its columns", tag_text(tag), p.len() - k),
            ));
        }
        Ok(cols)
    }

    /// Reads a chunk's record count and checks the payload is exactly `m` records.
    fn chunk(&self, tag: [u8; 4], at: u64, p: &[u8], record: usize) -> Result<usize, FormatError> {
        if p.len() < 4 {
            return Err(corrupt(at, format!("{} chunk of {} bytes has no record count", tag_text(tag), p.len())));
        }
        let m = u32_at(p, 0) as usize;
        if (p.len() - 4) as u64 != m as u64 * record as u64 {
            return Err(corrupt(
                at,
                format!("{} chunk says {m} records of {record} bytes but holds {} bytes", tag_text(tag), p.len() - 4),
            ));
        }
        Ok(m)
    }

    fn section(&mut self, tag: [u8; 4], at: u64, p: &[u8]) -> Result<(), FormatError> {
        match tag {
            tag::OBJC => {
                let cols = self.columns(tag, at, p, 4)?;
                let bad = |what: &str, e: String| corrupt(at, format!("OBJC {what} column: {e}"));
                let s = &mut self.snap;
                cols[0].extend_u64(&mut s.addr).map_err(|e| bad("address", e))?;
                cols[1].extend_u32(&mut s.ty).map_err(|e| bad("type", e))?;
                cols[2].extend_u64(&mut s.size).map_err(|e| bad("size", e))?;
                cols[3].extend_u32(&mut self.degrees).map_err(|e| bad("degree", e))?;
            }
            tag::EDGC => {
                let cols = self.columns(tag, at, p, 2)?;
                let bad = |what: &str, e: String| corrupt(at, format!("EDGC {what} column: {e}"));
                cols[0].extend_u32(&mut self.snap.edge_target).map_err(|e| bad("target", e))?;
                cols[1].extend_u32(&mut self.snap.edge_name).map_err(|e| bad("name", e))?;
            }
            tag::STRC => {
                if p.len() < 4 {
                    return Err(corrupt(at, "STRC chunk has no record count"));
                }
                let m = u32_at(p, 0);
                let mut i = 4usize;
                for k in 0..m {
                    if p.len() - i < 4 {
                        return Err(corrupt(at + i as u64, format!("STRC chunk ends inside string {k} of {m}")));
                    }
                    let n = u32_at(p, i) as usize;
                    i += 4;
                    if p.len() - i < n {
                        return Err(corrupt(
                            at + i as u64,
                            format!("string {k} of {m} is {n} bytes long but the chunk has {} left", p.len() - i),
                        ));
                    }
                    let s = std::str::from_utf8(&p[i..i + n])
                        .map_err(|e| corrupt(at + i as u64, format!("string {k} of {m} is not valid UTF-8: {e}")))?;
                    self.snap.strings.push(s);
                    i += n;
                }
                if i != p.len() {
                    return Err(corrupt(
                        at + i as u64,
                        format!("STRC chunk has {} bytes after its {m} strings", p.len() - i),
                    ));
                }
            }
            tag::TYPC => {
                let m = self.chunk(tag, at, p, 8)?;
                for k in 0..m {
                    let object = u32_at(p, 4 + 8 * k);
                    let label = u32_at(p, 8 + 8 * k);
                    self.snap
                        .types
                        .push(TypeEntry { object: (object != NONE).then_some(ObjId(object)), label: StrId(label) });
                }
            }
            tag::MODN | tag::PREV | tag::PROD => {
                let m = self.chunk(tag, at, p, 8)?;
                let dst = match tag {
                    tag::MODN => &mut self.snap.module_names,
                    tag::PREV => &mut self.snap.previews,
                    _ => &mut self.snap.producers,
                };
                for k in 0..m {
                    dst.push((ObjId(u32_at(p, 4 + 8 * k)), StrId(u32_at(p, 8 + 8 * k))));
                }
            }
            tag::SEEN => {
                let cols = self.columns(tag, at, p, 1)?;
                cols[0].extend_u32(&mut self.snap.first_seen).map_err(|e| corrupt(at, format!("seen column: {e}")))?;
            }
            tag::UNRC => {
                let m = self.chunk(tag, at, p, 4)?;
                extend_u32_le(&mut self.snap.unreachable, &p[4..4 + 4 * m]);
            }
            tag::META => {
                if self.meta_seen {
                    return Err(corrupt(at, "a second META section"));
                }
                self.meta_seen = true;
                let raw: serde_json::Value =
                    serde_json::from_slice(p).map_err(|e| corrupt(at, format!("META is not valid JSON: {e}")))?;
                if !raw.is_object() {
                    return Err(corrupt(at, "META is not a JSON object"));
                }
                let mut meta: Meta = serde_json::from_value(raw.clone())
                    .map_err(|e| corrupt(at, format!("META has a field of the wrong type: {e}")))?;
                meta.raw = raw;
                self.snap.meta = meta;
            }
            other if other[0].is_ascii_uppercase() => {
                return Err(corrupt(
                    at - SECTION_HEADER_LEN as u64,
                    format!("unknown critical section {:?}", tag_text(other)),
                ));
            }
            _ => {} // ancillary section this reader does not know: skipped
        }
        Ok(())
    }

    fn ends(&self, pos: usize, payload_at: usize, p: &[u8]) -> Result<(), FormatError> {
        if p.len() as u64 != ENDS_LEN {
            return Err(corrupt(payload_at as u64, format!("ENDS section is {} bytes, expected {ENDS_LEN}", p.len())));
        }
        let end = payload_at + p.len();
        if end != self.bytes.len() {
            return Err(corrupt(end as u64, format!("{} bytes after the ENDS section", self.bytes.len() - end)));
        }
        let stored = u32_at(p, 24);
        let computed = crc32fast::hash(&self.bytes[..pos]);
        if stored != computed {
            return Err(FormatError::Checksum { stored, computed });
        }
        let s = &self.snap;
        let (objects, edges, strings) = (u64_at(p, 0), u64_at(p, 8), u64_at(p, 16));
        for (what, said, seen) in [
            ("objects", objects, s.addr.len()),
            ("edges", edges, s.edge_target.len()),
            ("strings", strings, s.strings.len()),
        ] {
            if said != seen as u64 {
                return Err(corrupt(payload_at as u64, format!("ENDS says {said} {what} but the chunks hold {seen}")));
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Snapshot, FormatError> {
        let invalid = |m: String| FormatError::Invalid(m);
        if !self.meta_seen {
            return Err(invalid("the META section is missing".into()));
        }
        let s = &mut self.snap;
        let n = s.addr.len();
        if n == 0 {
            return Err(invalid("no objects: object 0 must be the root".into()));
        }
        if n > NONE as usize {
            return Err(invalid(format!("{n} objects is more than this format can number")));
        }
        if s.ty[0] != NONE || s.size[0] != 0 {
            return Err(invalid("object 0 is not the root (it must have no type and size 0)".into()));
        }
        let (nt, ns) = (s.types.len(), s.strings.len());
        for (i, &t) in s.ty.iter().enumerate().skip(1) {
            if t as usize >= nt {
                return Err(invalid(format!("object {i} has type {t}, but there are {nt} types")));
            }
        }
        for (k, t) in s.types.iter().enumerate() {
            if t.label.idx() >= ns {
                return Err(invalid(format!("type {k} has label string {}, but there are {ns} strings", t.label.0)));
            }
            if let Some(o) = t.object {
                if o.idx() >= n {
                    return Err(invalid(format!("type {k} names object {}, but there are {n} objects", o.0)));
                }
            }
        }
        let mut total: u64 = 0;
        let mut start = Vec::with_capacity(n + 1);
        start.push(0u32);
        for (i, &d) in self.degrees.iter().enumerate() {
            total += d as u64;
            if total > u32::MAX as u64 {
                return Err(invalid(format!(
                    "objects' degrees add up to more than 2^32 - 1 edges (at object {i}, of degree {d})"
                )));
            }
            start.push(total as u32);
        }
        if total != s.edge_target.len() as u64 {
            return Err(invalid(format!(
                "objects' degrees add up to {total} edges, but the edge chunks hold {}",
                s.edge_target.len()
            )));
        }
        s.edge_start = start;
        for (e, (&t, &raw)) in s.edge_target.iter().zip(&s.edge_name).enumerate() {
            if t as usize >= n {
                return Err(invalid(format!("edge {e} points to object {t}, but there are {n} objects")));
            }
            match EdgeName::decode(raw) {
                None => return Err(invalid(format!("edge {e} has a name with reserved tag {}", raw >> 29))),
                Some(EdgeName::Str(id)) if id.idx() >= ns => {
                    return Err(invalid(format!("edge {e} is named by string {}, but there are {ns} strings", id.0)))
                }
                Some(_) => {}
            }
        }
        for (what, pairs) in
            [("module name", &mut s.module_names), ("preview", &mut s.previews), ("producer", &mut s.producers)]
        {
            for (k, &(o, text)) in pairs.iter().enumerate() {
                if o.idx() >= n {
                    return Err(invalid(format!("{what} entry {k} names object {}, but there are {n} objects", o.0)));
                }
                if text.idx() >= ns {
                    return Err(invalid(format!(
                        "{what} entry {k} has text string {}, but there are {ns} strings",
                        text.0
                    )));
                }
            }
            pairs.sort_unstable_by_key(|&(o, _)| o);
        }
        if let Some(&o) = s.unreachable.iter().find(|&&o| o as usize >= n || o == 0) {
            let why = if o == 0 { "the root".to_owned() } else { format!("not an object: there are {n} objects") };
            return Err(invalid(format!("unreachable entry {o} is {why}")));
        }
        s.unreachable.sort_unstable();
        s.unreachable.dedup();
        if !s.first_seen.is_empty() && s.first_seen.len() != n {
            return Err(invalid(format!("seen marks {} objects, but there are {n}", s.first_seen.len())));
        }
        Ok(self.snap)
    }
}
