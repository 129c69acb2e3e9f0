//! Tests of redaction on a hand-built heap holding secrets in every data-bearing place.

use super::*;
use crate::format::read_snapshot;
use crate::partition::partition;
use crate::{Heap, Query, Relation};

const SECRET: &str = "hunter2-Sup3rSecret";

/// root → sys.modules → module m → its dict {'cfg': plain dict, 'tok': str, 'n': int};
/// the plain dict maps SECRET → the str; an instance `m.A` whose dict has attribute `pw`.
fn secret_heap() -> Vec<u8> {
    let mut w = SnapshotWriter::new(Vec::new()).unwrap();
    let t_module = w.add_type(None, "module").unwrap();
    let t_dict = w.add_type(None, "dict").unwrap();
    let t_str = w.add_type(None, "str").unwrap();
    let t_int = w.add_type(None, "int").unwrap();
    let t_a = w.add_type(None, "m.A").unwrap();
    let e = |w: &mut SnapshotWriter<Vec<u8>>, s: &str| w.name(s).unwrap();
    let modules = e(&mut w, ".i0_modules");
    let dunder = e(&mut w, ".__dict__");
    let (km, kcfg, ktok, kn, ka, kpw) = (
        e(&mut w, "['m']"),
        e(&mut w, "['cfg']"),
        e(&mut w, "['tok']"),
        e(&mut w, "['n']"),
        e(&mut w, "['a']"),
        e(&mut w, "['pw']"),
    );
    let ksecret = e(&mut w, &format!("['{SECRET}']"));
    w.object(0, None, 0, &[(ObjId(1), modules)]).unwrap(); // 0 root
    w.object(0x10, Some(t_dict), 640, &[(ObjId(2), km)]).unwrap(); // 1 sys.modules
    w.object(0x20, Some(t_module), 72, &[(ObjId(3), dunder)]).unwrap(); // 2 m
    let g = [(ObjId(4), kcfg), (ObjId(5), ktok), (ObjId(6), kn), (ObjId(7), ka)];
    w.object(0x30, Some(t_dict), 360, &g).unwrap(); // 3 dict of m
    w.object(0x40, Some(t_dict), 232, &[(ObjId(5), ksecret)]).unwrap(); // 4 plain dict
    w.object(0x50, Some(t_str), 68, &[]).unwrap(); // 5 str
    w.object(0x60, Some(t_int), 28, &[]).unwrap(); // 6 int
    w.object(0x70, Some(t_a), 48, &[(ObjId(8), dunder)]).unwrap(); // 7 A
    w.object(0x80, Some(t_dict), 104, &[(ObjId(5), kpw)]).unwrap(); // 8 dict of A
    w.module_name(ObjId(2), "m").unwrap();
    w.preview(ObjId(5), &format!("'{SECRET}'")).unwrap();
    w.preview(ObjId(6), "31337").unwrap();
    w.finish(&serde_json::json!({"argv": ["app.py", "--password", SECRET], "hostname": "h"})).unwrap()
}

fn redacted(bytes: &[u8], mode: ValuesMode) -> (Vec<u8>, RedactReport) {
    let mut out = Vec::new();
    let rep = redact_snapshot(bytes, mode, &mut out).unwrap();
    (out, rep)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn table(bytes: &[u8], by: Relation) -> Vec<(String, u64, u64)> {
    let heap = Heap::new(read_snapshot(bytes).unwrap());
    let set = heap.select(&Query::parse("heap").unwrap()).unwrap().set;
    let p = partition(&heap, &set, by);
    p.rows(&heap).map(|r| (r.label, r.count, r.size)).collect()
}

#[test]
fn no_secret_survives_either_mode() {
    let src = secret_heap();
    assert!(contains(&src, SECRET.as_bytes()));
    for mode in [ValuesMode::Redact, ValuesMode::None] {
        let (out, rep) = redacted(&src, mode);
        assert!(!contains(&out, SECRET.as_bytes()), "{mode:?}");
        assert!(!contains(&out, b"31337"), "{mode:?}");
        assert_eq!(rep.names_redacted, 1, "only the plain dict's key is data");
        let snap = read_snapshot(&out).unwrap();
        assert_eq!(snap.meta.raw["values"], mode.as_str());
        let texts: Vec<String> = (0..snap.edge_count()).map(|e| snap.edge_name_text(e)).collect();
        // attribute and global names are code: kept
        for kept in ["['cfg']", "['tok']", "['pw']", ".__dict__"] {
            assert!(texts.iter().any(|t| t == kept), "{mode:?} lost {kept}");
        }
        match mode {
            ValuesMode::None => {
                assert_eq!(rep.previews_removed, 2);
                assert!(snap.previews.is_empty());
                assert!(texts.iter().any(|t| t == NONE_KEY));
            }
            ValuesMode::Redact => {
                assert_eq!(rep.previews_redacted, 2);
                let tok = redact_token(&format!("'{SECRET}'"));
                assert_eq!(snap.preview(ObjId(5)), Some(tok.as_str()));
                // the key and the value are the same string: recognisably equal
                assert!(texts.iter().any(|t| *t == format!("[{tok}]")));
            }
        }
    }
}

#[test]
fn the_copy_has_the_same_objects_edges_and_tables() {
    let src = secret_heap();
    let (out, _) = redacted(&src, ValuesMode::Redact);
    let (a, b) = (read_snapshot(&src).unwrap(), read_snapshot(&out).unwrap());
    assert_eq!(
        (a.addr, a.ty, a.size, a.edge_start, a.edge_target),
        (b.addr, b.ty, b.size, b.edge_start, b.edge_target)
    );
    for by in [Relation::Type, Relation::Clodo, Relation::Size] {
        assert_eq!(table(&src, by), table(&out, by), "{by:?}");
    }
}

#[test]
fn redaction_is_idempotent() {
    for mode in [ValuesMode::Redact, ValuesMode::None] {
        let (once, _) = redacted(&secret_heap(), mode);
        let (twice, rep) = redacted(&once, mode);
        assert_eq!(once, twice, "{mode:?}");
        assert_eq!((rep.names_redacted, rep.previews_redacted), (0, 0));
    }
    // a redacted copy of a `none` copy stays `none`
    let (none, _) = redacted(&secret_heap(), ValuesMode::None);
    let (again, _) = redacted(&none, ValuesMode::Redact);
    assert_eq!(read_snapshot(&again).unwrap().meta.raw["values"], "none");
}

#[test]
fn a_real_capture_keeps_its_tables() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls");
    let src = std::fs::read(path).unwrap();
    let (out, rep) = redacted(&src, ValuesMode::Redact);
    assert!(rep.previews_redacted > 0);
    for by in [Relation::Type, Relation::Clodo] {
        assert_eq!(table(&src, by), table(&out, by), "{by:?}");
    }
}

#[test]
fn a_bad_file_is_a_format_error() {
    let mut out = Vec::new();
    assert!(matches!(redact_snapshot(b"not a snapshot", ValuesMode::Redact, &mut out), Err(FormatError::BadMagic)));
}
