//! The hostile corpus's base snapshot as plain data, and a serializer that writes any change
//! of it section by section (`docs/format.md`), with a right checksum unless told otherwise.

/// `u32::MAX`: no type (the root), no type object.
pub const NONE: u32 = u32::MAX;

/// An edge name for list index `i` (tag 1).
pub const fn index(i: u32) -> u32 {
    (1 << 29) | i
}

/// One object record: address, type, size, degree.
#[derive(Clone, Copy)]
pub struct Obj {
    pub addr: u64,
    pub ty: u32,
    pub size: u64,
    pub degree: u32,
}

/// A snapshot as the lists its chunks hold.
#[derive(Clone)]
pub struct Model {
    pub objs: Vec<Obj>,
    pub edges: Vec<(u32, u32)>,
    pub strings: Vec<Vec<u8>>,
    pub types: Vec<(u32, u32)>,
    pub modn: Vec<(u32, u32)>,
    pub prev: Vec<(u32, u32)>,
    pub prod: Vec<(u32, u32)>,
    pub unrc: Vec<u32>,
    pub seen: Vec<u32>,
    pub meta: Vec<u8>,
}

/// String ids of the base.
pub mod s {
    pub const MODULES: u32 = 5;
    pub const DUNDER: u32 = 6;
    pub const ACCENTED: u32 = 16;
}

/// The base: the engine's small test heap (root → `sys.modules` → module `m` → its dict → two
/// `m.A` with dicts, a list of three strs, a dict nobody owns) plus an unreachable str, a
/// module name, a preview, a producer, first-seen marks and a non-ASCII string.
pub fn base() -> Model {
    let strings = [
        "module",
        "dict",
        "m.A",
        "list",
        "str",
        ".i0_modules",
        ".__dict__",
        "['m']",
        "['a']",
        "['b']",
        "['l']",
        "['x']",
        "['free']",
        "m",
        "'hello'",
        "t.py:3",
        "h\u{e9}llo \u{2713}",
    ];
    // (addr, type, size, edges)
    let objs: [(u64, u32, u64, &[(u32, u32)]); 14] = [
        (0, NONE, 0, &[(1, s::MODULES)]),
        (0x1000, 1, 640, &[(2, 7)]),
        (0x2000, 0, 72, &[(3, s::DUNDER)]),
        (0x3000, 1, 360, &[(4, 8), (6, 9), (8, 10), (12, 12)]),
        (0x4000, 2, 56, &[(5, s::DUNDER)]),
        (0x5000, 1, 104, &[(9, 11)]),
        (0x6000, 2, 56, &[(7, s::DUNDER)]),
        (0x7000, 1, 104, &[(10, 11)]),
        (0x8000, 3, 88, &[(9, index(0)), (10, index(1)), (11, index(2))]),
        (0x9000, 4, 50, &[]),
        (0xa000, 4, 51, &[]),
        (0xb000, 4, 52, &[]),
        (0xc000, 1, 64, &[]),
        (0xd000, 4, 49, &[]),
    ];
    let meta = serde_json::json!({"agent": "heaplens hostile corpus", "python": "3.12.3", "pid": 42,
        "argv": ["t.py"], "hostname": "h", "time": 1700000000.5,
        "process": {"token": "hostile", "pid": 42, "started": 1699999999.0}, "capture_seq": 2});
    let mut seen = vec![1u32; objs.len()];
    seen[0] = 0;
    seen[13] = 2;
    Model {
        objs: objs.iter().map(|&(addr, ty, size, e)| Obj { addr, ty, size, degree: e.len() as u32 }).collect(),
        edges: objs.iter().flat_map(|o| o.3.iter().copied()).collect(),
        strings: strings.iter().map(|s| s.as_bytes().to_vec()).collect(),
        types: (0..5).map(|i| (NONE, i)).collect(),
        modn: vec![(2, 13)],
        prev: vec![(9, 14)],
        prod: vec![(10, 15)],
        unrc: vec![13],
        seen,
        meta: serde_json::to_vec(&meta).unwrap(),
    }
}

/// One section: its tag, and its length unless `len` says another.
#[derive(Clone)]
pub struct Section {
    pub tag: [u8; 4],
    pub payload: Vec<u8>,
    pub len: Option<u64>,
}

/// The `ENDS` section's counts and checksum (`None`: the right one).
#[derive(Clone)]
pub struct Ends {
    pub objects: u64,
    pub edges: u64,
    pub strings: u64,
    pub crc: Option<u32>,
}

/// A whole file: header, sections, `ENDS`.
#[derive(Clone)]
pub struct File {
    pub header: Vec<u8>,
    pub sections: Vec<Section>,
    pub ends: Ends,
}

/// A packed column of `values` in the narrowest width, rebased to their minimum (as the
/// writers do).
pub fn column(values: &[u64]) -> Vec<u8> {
    let lo = values.iter().copied().min().unwrap_or(0);
    let span = values.iter().copied().max().unwrap_or(0) - lo;
    let width = match span {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xffff_ffff => 4,
        _ => 8,
    };
    raw_column(lo, width, &values.iter().map(|v| v - lo).collect::<Vec<_>>())
}

/// A column as given: `base`, `width` byte, and each raw value cut to `width` bytes (a width
/// other than 1, 2, 4, 8 writes 1 byte per value).
pub fn raw_column(base: u64, width: u8, raw: &[u64]) -> Vec<u8> {
    let mut p = base.to_le_bytes().to_vec();
    p.push(width);
    let w = if matches!(width, 1 | 2 | 4 | 8) { width as usize } else { 1 };
    for v in raw {
        p.extend_from_slice(&v.to_le_bytes()[..w]);
    }
    p
}

pub fn u32s(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// `m` then the columns.
pub fn chunk(m: u32, columns: &[Vec<u8>]) -> Vec<u8> {
    let mut p = m.to_le_bytes().to_vec();
    columns.iter().for_each(|c| p.extend_from_slice(c));
    p
}

pub fn objc(objs: &[Obj]) -> Vec<u8> {
    let col = |f: &dyn Fn(&Obj) -> u64| column(&objs.iter().map(f).collect::<Vec<_>>());
    chunk(objs.len() as u32, &[col(&|o| o.addr), col(&|o| o.ty as u64), col(&|o| o.size), col(&|o| o.degree as u64)])
}

pub fn edgc(edges: &[(u32, u32)]) -> Vec<u8> {
    let col = |f: &dyn Fn(&(u32, u32)) -> u32| column(&edges.iter().map(|e| f(e) as u64).collect::<Vec<_>>());
    chunk(edges.len() as u32, &[col(&|e| e.0), col(&|e| e.1)])
}

pub fn strc(strings: &[Vec<u8>]) -> Vec<u8> {
    let mut p = (strings.len() as u32).to_le_bytes().to_vec();
    for s in strings {
        p.extend_from_slice(&(s.len() as u32).to_le_bytes());
        p.extend_from_slice(s);
    }
    p
}

pub fn pairs(v: &[(u32, u32)]) -> Vec<u8> {
    let mut p = (v.len() as u32).to_le_bytes().to_vec();
    v.iter().for_each(|&(a, b)| p.extend(u32s(&[a, b])));
    p
}

pub fn sec(tag: &[u8; 4], payload: Vec<u8>) -> Section {
    Section { tag: *tag, payload, len: None }
}

impl Model {
    /// The file of this model, chunks in the agent's order, `ENDS` counting what they hold.
    pub fn file(&self) -> File {
        let seen = chunk(self.seen.len() as u32, &[column(&self.seen.iter().map(|&v| v as u64).collect::<Vec<_>>())]);
        let mut unrc = (self.unrc.len() as u32).to_le_bytes().to_vec();
        unrc.extend(u32s(&self.unrc));
        let mut sections = vec![
            sec(b"STRC", strc(&self.strings)),
            sec(b"OBJC", objc(&self.objs)),
            sec(b"EDGC", edgc(&self.edges)),
            sec(b"TYPC", pairs(&self.types)),
            sec(b"MODN", pairs(&self.modn)),
            sec(b"prev", pairs(&self.prev)),
            sec(b"prod", pairs(&self.prod)),
            sec(b"unrc", unrc),
        ];
        if !self.seen.is_empty() {
            sections.push(sec(b"seen", seen));
        }
        sections.push(sec(b"META", self.meta.clone()));
        let mut header = b"HLSNAP\r\n".to_vec();
        header.extend([1, 0, 0, 0, 0, 0, 0, 0]);
        let ends = Ends {
            objects: self.objs.len() as u64,
            edges: self.edges.len() as u64,
            strings: self.strings.len() as u64,
            crc: None,
        };
        File { header, sections, ends }
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.file().bytes()
    }
}

impl File {
    /// The section with this tag (the first).
    pub fn section(&mut self, tag: &[u8; 4]) -> &mut Section {
        self.sections.iter_mut().find(|s| &s.tag == tag).expect("the base has the section")
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut b = self.header.clone();
        for s in &self.sections {
            b.extend_from_slice(&s.tag);
            b.extend(s.len.unwrap_or(s.payload.len() as u64).to_le_bytes());
            b.extend_from_slice(&s.payload);
        }
        let crc = self.ends.crc.unwrap_or_else(|| crc32fast::hash(&b));
        b.extend_from_slice(b"ENDS");
        b.extend(28u64.to_le_bytes());
        for n in [self.ends.objects, self.ends.edges, self.ends.strings] {
            b.extend(n.to_le_bytes());
        }
        b.extend(crc.to_le_bytes());
        b
    }
}

/// Where each section of a well-formed file starts: (tag, section start, payload start).
pub fn layout(bytes: &[u8]) -> Vec<([u8; 4], usize, usize)> {
    let mut at = 16;
    let mut out = Vec::new();
    while at < bytes.len() {
        let tag: [u8; 4] = bytes[at..at + 4].try_into().unwrap();
        let len = u64::from_le_bytes(bytes[at + 4..at + 12].try_into().unwrap()) as usize;
        out.push((tag, at, at + 12));
        at += 12 + len;
    }
    out
}

/// The payload start of the section `tag` in `bytes`.
pub fn payload_at(bytes: &[u8], tag: &[u8; 4]) -> usize {
    layout(bytes).iter().find(|s| &s.0 == tag).expect("section present").2
}
