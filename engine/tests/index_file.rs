//! Saved index files are read like any other hostile input (issue 16): an index of another
//! format version is refused with a clear error, and an index whose checksum is right but whose
//! values are wrong (ids out of range, wrong lengths, offsets out of order) is refused too, never
//! a panic. The caller then indexes the snapshot afresh (`server/tests/store_routes.rs`).

use heaplens_engine::format::index_file::{load, save, version_of, INDEX_VERSION};
use heaplens_engine::partition::partition;
use heaplens_engine::{Heap, ObjId, Relation, Snapshot};
use std::panic::{catch_unwind, AssertUnwindSafe};

#[path = "support/index_layout.rs"]
mod index_layout;
use index_layout::{parse, write, Item, Section, LAYOUT};

fn small_snap() -> Snapshot {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls");
    heaplens_engine::format::read_snapshot_file(std::path::Path::new(path)).unwrap()
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
