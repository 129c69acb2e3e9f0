//! Test fixtures: a small hand-built heap used by engine and server tests: root → module `m` → its dict →
//! two instances of `m.A` (with dicts), a list of three strs, and a dict nobody owns.

use crate::format::EdgeName;
use crate::{ObjId, SnapshotWriter};

/// The bytes of the small heap: 12 objects besides the root, 7 kinds.
pub fn small_snapshot() -> Vec<u8> {
    small_writer()
        .finish(&serde_json::json!({"python": "3.11.7", "pid": 42, "argv": ["t.py"], "hostname": "h"}))
        .unwrap()
}

/// The small heap as capture number `seq` of process `"tok"` (pid 42): every object first
/// seen at capture 1 except `marks` (object, capture); with a reference point at `reference`.
pub fn small_capture(seq: u64, marks: &[(u32, u32)], reference: Option<u64>) -> Vec<u8> {
    let mut w = small_writer();
    let mut seen = vec![1u32; 13];
    seen[0] = 0;
    for &(o, c) in marks {
        seen[o as usize] = c;
    }
    w.first_seen(&seen);
    let mut meta = serde_json::json!({"python": "3.11.7", "pid": 42, "argv": ["t.py"], "hostname": "h",
        "process": {"token": "tok", "pid": 42, "started": 1.5}, "capture_seq": seq});
    if let Some(r) = reference {
        meta["reference"] = serde_json::json!({"seq": r, "time": 2.5, "objects": 10});
    }
    w.finish(&meta).unwrap()
}

/// [`small_capture`] as capture 6, its reference point (if any) at capture `reference`.
pub fn small_snapshot_seen(marks: &[(u32, u32)], reference: Option<u64>) -> Vec<u8> {
    small_capture(6, marks, reference)
}

fn small_writer() -> SnapshotWriter<Vec<u8>> {
    let mut w = SnapshotWriter::new(Vec::new()).unwrap();
    let t_module = w.add_type(None, "module").unwrap();
    let t_dict = w.add_type(None, "dict").unwrap();
    let t_a = w.add_type(None, "m.A").unwrap();
    let t_list = w.add_type(None, "list").unwrap();
    let t_str = w.add_type(None, "str").unwrap();
    let modules = w.name(".i0_modules").unwrap();
    let dunder = w.name(".__dict__").unwrap();
    let key_m = w.name("['m']").unwrap();
    let key_a = w.name("['a']").unwrap();
    let key_b = w.name("['b']").unwrap();
    let key_l = w.name("['l']").unwrap();
    let key_x = w.name("['x']").unwrap();
    let key_free = w.name("['free']").unwrap();
    // 0 root, 1 sys.modules dict, 2 module m, 3 dict of module, 4 A, 5 dict of A,
    // 6 A, 7 dict of A, 8 list, 9..11 str, 12 free dict
    w.object(0, None, 0, &[(ObjId(1), modules)]).unwrap();
    w.object(0x1000, Some(t_dict), 640, &[(ObjId(2), key_m)]).unwrap();
    w.object(0x2000, Some(t_module), 72, &[(ObjId(3), dunder)]).unwrap();
    w.object(
        0x3000,
        Some(t_dict),
        360,
        &[(ObjId(4), key_a), (ObjId(6), key_b), (ObjId(8), key_l), (ObjId(12), key_free)],
    )
    .unwrap();
    w.object(0x4000, Some(t_a), 56, &[(ObjId(5), dunder)]).unwrap();
    w.object(0x5000, Some(t_dict), 104, &[(ObjId(9), key_x)]).unwrap();
    w.object(0x6000, Some(t_a), 56, &[(ObjId(7), dunder)]).unwrap();
    w.object(0x7000, Some(t_dict), 104, &[(ObjId(10), key_x)]).unwrap();
    w.object(
        0x8000,
        Some(t_list),
        88,
        &[(ObjId(9), EdgeName::Index(0)), (ObjId(10), EdgeName::Index(1)), (ObjId(11), EdgeName::Index(2))],
    )
    .unwrap();
    w.object(0x9000, Some(t_str), 50, &[]).unwrap();
    w.object(0xa000, Some(t_str), 51, &[]).unwrap();
    w.object(0xb000, Some(t_str), 52, &[]).unwrap();
    w.object(0xc000, Some(t_dict), 64, &[]).unwrap();
    w.module_name(ObjId(2), "m").unwrap();
    w
}

/// The real heap in `testdata/small.hls` (a Python process captured next to guppy3), indexed.
pub fn real_heap() -> crate::Heap {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/small.hls");
    crate::Heap::new(crate::format::read_snapshot_file(std::path::Path::new(path)).unwrap())
}
