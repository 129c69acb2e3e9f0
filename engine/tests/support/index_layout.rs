//! The layout of a saved index file (`engine/src/format/index_file.rs`) as tests see it: its
//! arrays parsed into sections and written back with a right checksum, so a test can change
//! one value and keep the file otherwise valid (`index_file.rs`, `hostile/`).
#![allow(dead_code)] // each test uses some of it

/// What each array of the file holds, in order (`docs/store.md`, `index_file.rs`).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Item {
    Strings,
    U32,
    U64,
    Bools,
    Flag,
}

pub const LAYOUT: &[(Item, &str)] = &[
    (Item::Strings, "key"),
    (Item::Strings, "kind labels"),
    (Item::U32, "kind of each object"),
    (Item::U32, "dict owners (dicts)"),
    (Item::U32, "dict owners (owners)"),
    (Item::U32, "reverse edge offsets"),
    (Item::U32, "reverse edges"),
    (Item::U32, "reverse edge sources"),
    (Item::Bools, "reachability"),
    (Item::U32, "rcs of each object"),
    (Item::U32, "rcs offsets"),
    (Item::U32, "rcs items"),
    (Item::U32, "via of each object"),
    (Item::U32, "via offsets"),
    (Item::U32, "via items"),
    (Item::U32, "byid order"),
    (Item::U32, "byid kind ranks"),
    (Item::U32, "byidset order"),
    (Item::U32, "byidset kind ranks"),
    (Item::Flag, "dominator tree saved"),
    (Item::U32, "immediate dominators"),
    (Item::U64, "retained sizes"),
    (Item::U32, "dominator tree order"),
    (Item::U32, "dominator tree positions"),
    (Item::U32, "dominator subtree sizes"),
];

/// One array of the file: its numbers, or its strings.
#[derive(Clone, Debug)]
pub struct Section {
    pub item: Item,
    pub what: &'static str,
    pub nums: Vec<u64>,
    pub strs: Vec<Vec<u8>>,
}

pub fn parse(bytes: &[u8]) -> Vec<Section> {
    let mut at = 8;
    let u64_at = |at: &mut usize| {
        let v = u64::from_le_bytes(bytes[*at..*at + 8].try_into().unwrap());
        *at += 8;
        v
    };
    let mut out = Vec::new();
    for &(item, what) in LAYOUT {
        let mut s = Section { item, what, nums: Vec::new(), strs: Vec::new() };
        if item == Item::Flag {
            let f = u64_at(&mut at);
            s.nums.push(f);
            out.push(s);
            if f == 0 {
                break;
            }
            continue;
        }
        let n = u64_at(&mut at) as usize;
        for _ in 0..n {
            match item {
                Item::Strings => {
                    let len = u64_at(&mut at) as usize;
                    s.strs.push(bytes[at..at + len].to_vec());
                    at += len;
                }
                Item::U32 => {
                    s.nums.push(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as u64);
                    at += 4;
                }
                Item::U64 => s.nums.push(u64_at(&mut at)),
                Item::Bools => {
                    s.nums.push(bytes[at] as u64);
                    at += 1;
                }
                Item::Flag => unreachable!(),
            }
        }
        out.push(s);
    }
    assert_eq!(at, bytes.len() - 4, "the whole file was parsed");
    out
}

/// The file of these sections, with a right checksum.
pub fn write(magic: &[u8], sections: &[Section]) -> Vec<u8> {
    let mut b = magic.to_vec();
    for s in sections {
        if s.item == Item::Flag {
            b.extend(s.nums[0].to_le_bytes());
            continue;
        }
        let len = if s.item == Item::Strings { s.strs.len() } else { s.nums.len() };
        b.extend((len as u64).to_le_bytes());
        for x in &s.strs {
            b.extend((x.len() as u64).to_le_bytes());
            b.extend(x);
        }
        for &x in &s.nums {
            match s.item {
                Item::U32 => b.extend((x as u32).to_le_bytes()),
                Item::U64 => b.extend(x.to_le_bytes()),
                _ => b.push(x as u8),
            }
        }
    }
    let crc = crc32fast::hash(&b);
    b.extend(crc.to_le_bytes());
    b
}
