//! The reader against good, truncated, corrupted and random files: errors, never panics.

use heaplens_engine::format::EdgeName;
use heaplens_engine::testing as common;
use heaplens_engine::{read_snapshot, FormatError, ObjId};

#[test]
fn round_trip_keeps_objects_edges_and_names() {
    let s = read_snapshot(&common::small_snapshot()).unwrap();
    assert_eq!(s.object_count(), 13);
    assert_eq!(s.edge_count(), 14);
    assert_eq!(s.addr[4], 0x4000);
    assert_eq!(s.size[1], 640);
    assert_eq!(s.meta.pid, 42);
    assert_eq!(s.meta.argv, vec!["t.py"]);
    assert_eq!(s.referents(ObjId(8)), &[9, 10, 11]);
    let names: Vec<String> = s.edges_of(ObjId(8)).map(|e| s.edge_name_text(e)).collect();
    assert_eq!(names, vec!["[0]", "[1]", "[2]"]);
    assert_eq!(s.edge_name_text(s.edges_of(ObjId(2)).start), ".__dict__");
    assert_eq!(s.module_name(ObjId(2)), Some("m"));
    assert_eq!(s.module_name(ObjId(3)), None);
}

#[test]
fn edge_name_encoding_round_trips_and_rejects_reserved_tags() {
    for n in [
        EdgeName::Index(7),
        EdgeName::Key(0),
        EdgeName::Member((1 << 29) - 1),
        EdgeName::Str(heaplens_engine::StrId(3)),
    ] {
        assert_eq!(EdgeName::decode(n.encode().unwrap()), Some(n));
    }
    assert_eq!(EdgeName::Index(1 << 29).encode(), None);
    assert_eq!(EdgeName::decode(4 << 29), None);
}

#[test]
fn every_truncation_is_a_clear_error() {
    let good = common::small_snapshot();
    for cut in 0..good.len() {
        let err = read_snapshot(&good[..cut]).expect_err("a truncated file must not load");
        let msg = err.to_string();
        if cut >= 8 {
            assert!(msg.contains("truncated"), "cut at {cut}: {msg}");
        } else {
            assert!(matches!(err, FormatError::BadMagic), "cut at {cut}: {msg}");
        }
    }
}

#[test]
fn every_flipped_byte_is_detected() {
    let good = common::small_snapshot();
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        let res = read_snapshot(&bad);
        // The minor version and flags may change without harm; everything else must fail.
        if (10..16).contains(&at) {
            continue;
        }
        assert!(res.is_err(), "flipping byte {at} was not detected");
    }
}

#[test]
fn random_bytes_are_not_a_snapshot() {
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    assert!(matches!(read_snapshot(&bytes), Err(FormatError::BadMagic)));
}

#[test]
fn trailing_bytes_and_wrong_version_are_named() {
    let mut good = common::small_snapshot();
    good.push(0);
    assert!(read_snapshot(&good).unwrap_err().to_string().contains("after the ENDS section"));
    let mut v2 = common::small_snapshot();
    v2[8] = 2;
    assert!(read_snapshot(&v2).unwrap_err().to_string().contains("version 2.0"));
}
