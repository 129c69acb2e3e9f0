//! Saved index files are read like any other hostile input (issue 16): an index of another
//! format version is refused with a clear error, and an index whose checksum is right but whose
//! values are wrong (ids out of range, wrong lengths, offsets out of order) is refused too, never
//! a panic. The caller then indexes the snapshot afresh (`server/tests/store_routes.rs`).

use heaplens_engine::format::index_file::{load, save, version_of, INDEX_VERSION};
use heaplens_engine::partition::partition;
use heaplens_engine::{Heap, ObjId, Relation, Snapshot};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn small_snap() -> Snapshot {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls");
    heaplens_engine::format::read_snapshot_file(std::path::Path::new(path)).unwrap()
}

/// What each array of the file holds, in order (`docs/store.md`, `index_file.rs`).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Item {
    Strings,
    U32,
    U64,
    Bools,
    Flag,
}

const LAYOUT: &[(Item, &str)] = &[
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
struct Section {
    item: Item,
    what: &'static str,
    nums: Vec<u64>,
    strs: Vec<Vec<u8>>,
}

fn parse(bytes: &[u8]) -> Vec<Section> {
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
fn write(magic: &[u8], sections: &[Section]) -> Vec<u8> {
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

fn saved_index() -> Vec<u8> {
    let h = Heap::new(small_snap());
    h.dominators();
    let mut bytes = Vec::new();
    save(&h, "key", &mut bytes).unwrap();
    bytes
}

/// Loads without panicking; an accepted heap is then used everywhere without panicking either.
fn load_and_use(snap: Snapshot, bytes: &[u8], label: &str) -> Result<(), String> {
    let r = catch_unwind(AssertUnwindSafe(|| {
        let h = load(snap, "key", bytes).map_err(|e| e.to_string())?;
        for rel in Relation::ALL.iter().copied() {
            let p = partition(&h, h.heap(), rel);
            let _ = p.rows(&h).count();
        }
        let _ = h.dominators().retained(ObjId(0));
        for o in h.heap().iter() {
            let _ = h.rev.sources(o);
        }
        Ok(())
    }));
    r.unwrap_or_else(|_| panic!("{label}: loading or using the index panicked"))
}

#[test]
fn the_sections_parse_and_write_back_to_the_same_file() {
    let bytes = saved_index();
    assert_eq!(version_of(&bytes), Some(INDEX_VERSION));
    let sections = parse(&bytes);
    assert_eq!(sections.len(), LAYOUT.len(), "the dominator tree came along");
    assert_eq!(write(&bytes[..8], &sections), bytes);
    load_and_use(small_snap(), &bytes, "as saved").unwrap();
}

#[test]
fn an_index_of_another_version_is_refused_with_a_clear_error() {
    let bytes = saved_index();
    let sections = parse(&bytes);
    for (magic, want) in [
        (&b"HLSIDX01"[..], "index format version 1; this engine reads version 2"),
        (b"HLSIDX99", "index format version 99; this engine reads version 2"),
        (b"HLSIDXv2", "not a heaplens index file"),
        (b"HLSNAP\r\n", "not a heaplens index file"),
    ] {
        let e = load(small_snap(), "key", &write(magic, &sections)).unwrap_err();
        assert_eq!(e.to_string(), format!("unusable index file: {want}"));
    }
    // an index is then rebuilt from the snapshot as if there were none
    assert_eq!(Heap::new(small_snap()).heap().len(), load(small_snap(), "key", &bytes).unwrap().heap().len());
}

#[test]
fn a_right_checksum_over_wrong_values_is_refused_never_a_panic() {
    let bytes = saved_index();
    let sections = parse(&bytes);
    let magic = &bytes[..8];
    let snap = small_snap();
    let mut refused = 0;
    for (i, s) in sections.iter().enumerate() {
        let mut bad: Vec<(String, Section)> = Vec::new();
        let mut change = |name: &str, f: &dyn Fn(&mut Section)| {
            let mut t = s.clone();
            f(&mut t);
            bad.push((format!("{} ({name})", s.what), t));
        };
        match s.item {
            _ if s.what == "key" => continue,
            Item::U32 if !s.nums.is_empty() => {
                change("an id out of range first", &|t| t.nums[0] = u32::MAX as u64 - 2);
                change("an id out of range in the middle", &|t| {
                    let m = t.nums.len() / 2;
                    t.nums[m] = 0xF000_0000; // no id, and no edge name (tag 7)
                });
                change("one item short", &|t| {
                    t.nums.pop();
                });
                change("one item too many", &|t| t.nums.push(0));
            }
            Item::U32 => change("one item too many", &|t| t.nums.push(0)),
            Item::U64 => {
                change("one item short", &|t| {
                    t.nums.pop();
                });
                change("one item too many", &|t| t.nums.push(0));
            }
            Item::Bools => {
                change("a flag of 2", &|t| t.nums[0] = 2);
                change("one item short", &|t| {
                    t.nums.pop();
                });
            }
            Item::Flag => change("a flag of 2", &|t| t.nums[0] = 2),
            Item::Strings => change("one label short", &|t| {
                t.strs.pop();
            }),
        }
        for (label, t) in bad {
            let mut all = sections.clone();
            all[i] = t;
            let e = load_and_use(snap.clone(), &write(magic, &all), &label);
            assert!(e.is_err(), "{label}: accepted");
            refused += 1;
        }
        // values moved around but in range: refused or usable, never a panic
        if s.item == Item::U32 && s.nums.len() >= 2 {
            let mut all = sections.clone();
            all[i].nums.swap(0, s.nums.len() - 1);
            let _ = load_and_use(snap.clone(), &write(magic, &all), &format!("{} (swapped)", s.what));
            let mut all = sections.clone();
            all[i].nums[0] = s.nums[s.nums.len() - 1];
            let _ = load_and_use(snap.clone(), &write(magic, &all), &format!("{} (copied)", s.what));
        }
    }
    assert!(refused > 60, "{refused}");
}
