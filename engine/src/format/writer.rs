//! The streaming writer: builds a version-1 snapshot chunk by chunk (tests, generators).
//!
//! The Python agent has its own writer (`capture/heaplens/_writer.py`); this one lets Rust
//! tests and the synthetic-heap generator produce files that go through the real reader.

use super::{tag, EdgeName, ENDS_LEN, MAGIC, MAJOR, MINOR};
use crate::heap::ids::{ObjId, StrId, TypeId, NONE};
use std::collections::HashMap;
use std::io::{self, Write};

/// Records per chunk before the writer flushes it.
const CHUNK: usize = 1 << 16;

/// Writes a snapshot to `W` as objects arrive. Object 0 must be the root
/// (`object(0, None, 0, edges)`).
pub struct SnapshotWriter<W: Write> {
    out: W,
    crc: crc32fast::Hasher,
    objs: Vec<(u64, u32, u64, u32)>,
    edges: Vec<(u32, u32)>,
    strs: Vec<u8>,
    strs_pending: u32,
    types: Vec<(u32, u32)>,
    modn: Vec<(u32, u32)>,
    prev: Vec<(u32, u32)>,
    prod: Vec<(u32, u32)>,
    unrc: Vec<u32>,
    seen: Vec<u32>,
    interned: HashMap<String, StrId>,
    n_objects: u64,
    n_edges: u64,
    n_strings: u32,
    n_types: u32,
}

impl<W: Write> SnapshotWriter<W> {
    pub fn new(out: W) -> io::Result<Self> {
        let mut w = SnapshotWriter {
            out,
            crc: crc32fast::Hasher::new(),
            objs: Vec::new(),
            edges: Vec::new(),
            strs: Vec::new(),
            strs_pending: 0,
            types: Vec::new(),
            modn: Vec::new(),
            prev: Vec::new(),
            prod: Vec::new(),
            unrc: Vec::new(),
            seen: Vec::new(),
            interned: HashMap::new(),
            n_objects: 0,
            n_edges: 0,
            n_strings: 0,
            n_types: 0,
        };
        let mut header = Vec::with_capacity(16);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&MAJOR.to_le_bytes());
        header.extend_from_slice(&MINOR.to_le_bytes());
        header.extend_from_slice(&0u32.to_le_bytes());
        w.raw(&header)?;
        Ok(w)
    }

    fn raw(&mut self, b: &[u8]) -> io::Result<()> {
        self.crc.update(b);
        self.out.write_all(b)
    }

    fn section(&mut self, tag: [u8; 4], payload: &[u8]) -> io::Result<()> {
        let mut head = [0u8; 12];
        head[..4].copy_from_slice(&tag);
        head[4..].copy_from_slice(&(payload.len() as u64).to_le_bytes());
        self.raw(&head)?;
        self.raw(payload)
    }

    /// Interns a string and returns its id.
    pub fn string(&mut self, s: &str) -> io::Result<StrId> {
        if let Some(&id) = self.interned.get(s) {
            return Ok(id);
        }
        let id = StrId(self.n_strings);
        self.n_strings += 1;
        self.strs.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.strs.extend_from_slice(s.as_bytes());
        self.strs_pending += 1;
        self.interned.insert(s.to_owned(), id);
        if self.strs_pending as usize >= CHUNK {
            self.flush_strings()?;
        }
        Ok(id)
    }

    /// An edge name given as text (`.__dict__`, `['key']`).
    pub fn name(&mut self, s: &str) -> io::Result<EdgeName> {
        Ok(EdgeName::Str(self.string(s)?))
    }

    /// Adds a type with heapy's label; `object` is the type's own object if in the heap.
    pub fn add_type(&mut self, object: Option<ObjId>, label: &str) -> io::Result<TypeId> {
        let label = self.string(label)?;
        self.types.push((object.map_or(NONE, |o| o.0), label.0));
        let id = TypeId(self.n_types);
        self.n_types += 1;
        Ok(id)
    }

    /// Records a module object's `__name__`.
    pub fn module_name(&mut self, object: ObjId, name: &str) -> io::Result<()> {
        let name = self.string(name)?;
        self.modn.push((object.0, name.0));
        Ok(())
    }

    /// Records an object's value preview (`prev`, see `capture/heaplens/_preview.py`).
    pub fn preview(&mut self, object: ObjId, text: &str) -> io::Result<()> {
        let text = self.string(text)?;
        self.prev.push((object.0, text.0));
        Ok(())
    }

    /// Records an object's allocation site `file:line` (`prod`).
    pub fn producer(&mut self, object: ObjId, site: &str) -> io::Result<()> {
        let site = self.string(site)?;
        self.prod.push((object.0, site.0));
        Ok(())
    }

    /// Sets every object's first-seen capture number (`seen`), in object order.
    pub fn first_seen(&mut self, marks: &[u32]) {
        self.seen = marks.to_vec();
    }

    /// Lists an object as unreachable from the root (`unrc`, heapy's `heapu`).
    pub fn unreachable(&mut self, object: ObjId) {
        self.unrc.push(object.0);
    }

    /// Appends the next object (its number is returned) with its outgoing edges.
    pub fn object(
        &mut self,
        addr: u64,
        ty: Option<TypeId>,
        size: u64,
        edges: &[(ObjId, EdgeName)],
    ) -> io::Result<ObjId> {
        let id = ObjId(self.n_objects as u32);
        self.n_objects += 1;
        self.objs.push((addr, ty.map_or(NONE, |t| t.0), size, edges.len() as u32));
        for &(target, name) in edges {
            let name = match name.encode() {
                Some(raw) => raw,
                None => {
                    let mut text = String::new();
                    render_wide_name(name, &mut text);
                    self.name(&text)?.encode().expect("string ids fit")
                }
            };
            self.edges.push((target.0, name));
            self.n_edges += 1;
            if self.edges.len() >= CHUNK {
                self.flush_edges()?;
            }
        }
        if self.objs.len() >= CHUNK {
            self.flush_objects()?;
        }
        Ok(id)
    }

    fn flush_strings(&mut self) -> io::Result<()> {
        if self.strs_pending == 0 {
            return Ok(());
        }
        let mut p = Vec::with_capacity(4 + self.strs.len());
        p.extend_from_slice(&self.strs_pending.to_le_bytes());
        p.append(&mut self.strs);
        self.strs_pending = 0;
        self.section(tag::STRC, &p)
    }

    fn flush_objects(&mut self) -> io::Result<()> {
        if self.objs.is_empty() {
            return Ok(());
        }
        // Strings and types referenced by these objects' edges are defined anywhere in the
        // file; flushing them first keeps chunks in a natural order for readers of dumps.
        self.flush_strings()?;
        let objs = std::mem::take(&mut self.objs);
        let mut p = Vec::with_capacity(4 + 20 * objs.len());
        p.extend_from_slice(&(objs.len() as u32).to_le_bytes());
        put_column(&mut p, objs.iter().map(|o| o.0));
        put_column(&mut p, objs.iter().map(|o| o.1 as u64));
        put_column(&mut p, objs.iter().map(|o| o.2));
        put_column(&mut p, objs.iter().map(|o| o.3 as u64));
        self.section(tag::OBJC, &p)
    }

    fn flush_edges(&mut self) -> io::Result<()> {
        if self.edges.is_empty() {
            return Ok(());
        }
        let edges = std::mem::take(&mut self.edges);
        let mut p = Vec::with_capacity(4 + 8 * edges.len());
        p.extend_from_slice(&(edges.len() as u32).to_le_bytes());
        put_column(&mut p, edges.iter().map(|e| e.0 as u64));
        put_column(&mut p, edges.iter().map(|e| e.1 as u64));
        self.section(tag::EDGC, &p)
    }

    fn flush_pairs(&mut self, tag: [u8; 4], pairs: Vec<(u32, u32)>) -> io::Result<()> {
        if pairs.is_empty() {
            return Ok(());
        }
        let mut p = Vec::with_capacity(4 + 8 * pairs.len());
        p.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        for (a, b) in pairs {
            p.extend_from_slice(&a.to_le_bytes());
            p.extend_from_slice(&b.to_le_bytes());
        }
        self.section(tag, &p)
    }

    /// Writes the remaining chunks, `META` and `ENDS`; returns the output.
    pub fn finish(mut self, meta: &serde_json::Value) -> io::Result<W> {
        self.flush_objects()?;
        self.flush_edges()?;
        self.flush_strings()?;
        let types = std::mem::take(&mut self.types);
        self.flush_pairs(tag::TYPC, types)?;
        let modn = std::mem::take(&mut self.modn);
        self.flush_pairs(tag::MODN, modn)?;
        let prev = std::mem::take(&mut self.prev);
        self.flush_pairs(tag::PREV, prev)?;
        let prod = std::mem::take(&mut self.prod);
        self.flush_pairs(tag::PROD, prod)?;
        let unrc = std::mem::take(&mut self.unrc);
        if !unrc.is_empty() {
            let mut p = Vec::with_capacity(4 + 4 * unrc.len());
            p.extend_from_slice(&(unrc.len() as u32).to_le_bytes());
            for o in unrc {
                p.extend_from_slice(&o.to_le_bytes());
            }
            self.section(tag::UNRC, &p)?;
        }
        let seen = std::mem::take(&mut self.seen);
        if !seen.is_empty() {
            let mut p = Vec::with_capacity(13 + 4 * seen.len());
            p.extend_from_slice(&(seen.len() as u32).to_le_bytes());
            put_column(&mut p, seen.iter().map(|&v| v as u64));
            self.section(tag::SEEN, &p)?;
        }
        let meta = serde_json::to_vec(meta).map_err(io::Error::other)?;
        self.section(tag::META, &meta)?;
        let crc = self.crc.clone().finalize();
        let mut p = Vec::with_capacity(ENDS_LEN as usize);
        p.extend_from_slice(&self.n_objects.to_le_bytes());
        p.extend_from_slice(&self.n_edges.to_le_bytes());
        p.extend_from_slice(&(self.n_strings as u64).to_le_bytes());
        p.extend_from_slice(&crc.to_le_bytes());
        let mut head = [0u8; 12];
        head[..4].copy_from_slice(&tag::ENDS);
        head[4..].copy_from_slice(&ENDS_LEN.to_le_bytes());
        self.out.write_all(&head)?;
        self.out.write_all(&p)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Appends one packed column: the minimum as base, then every value minus the base in the
/// narrowest width (1, 2, 4 or 8 bytes) that holds them all.
fn put_column(p: &mut Vec<u8>, values: impl Iterator<Item = u64> + Clone) {
    let lo = values.clone().min().unwrap_or(0);
    let span = values.clone().max().unwrap_or(0) - lo;
    let width: usize = match span {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xffff_ffff => 4,
        _ => 8,
    };
    p.extend_from_slice(&lo.to_le_bytes());
    p.push(width as u8);
    for v in values {
        p.extend_from_slice(&(v - lo).to_le_bytes()[..width]);
    }
}

/// Text of a name whose index does not fit in 29 bits (written as a string instead).
fn render_wide_name(name: EdgeName, out: &mut String) {
    use std::fmt::Write;
    let _ = match name {
        EdgeName::Index(i) => write!(out, "[{i}]"),
        EdgeName::Key(i) => write!(out, ".keys()[{i}]"),
        EdgeName::Member(i) => write!(out, "list(_)[{i}]"),
        EdgeName::Str(_) => unreachable!("string names always fit"),
    };
}
