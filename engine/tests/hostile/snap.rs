//! The hostile snapshot files, category by category: each one precise change of the base
//! (`model.rs`), with what its error must mention.

use super::model::{self, base, chunk, column, layout, payload_at, raw_column, s, sec, Model, Obj};
use super::Case;

fn c(category: &'static str, name: &'static str, mentions: &'static str, mutation: &str, bytes: Vec<u8>) -> Case {
    Case { category, name, ext: "hls", mentions, mutation: mutation.to_owned(), bytes }
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).expect("present")
}

/// The base changed by `f`, written with a right checksum and `ENDS` counts.
fn model(f: impl FnOnce(&mut Model)) -> Vec<u8> {
    let mut m = base();
    f(&mut m);
    m.bytes()
}

/// The base's file changed by `f` (sections, `ENDS`), checksum right unless `f` sets one.
fn file(f: impl FnOnce(&mut model::File)) -> Vec<u8> {
    let mut file = base().file();
    f(&mut file);
    file.bytes()
}

/// The base's bytes with `f` applied, the stored checksum left as it was.
fn patched(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut b = base().bytes();
    f(&mut b);
    b
}

pub fn truncated() -> Vec<Case> {
    let b = base().bytes();
    let at = |tag: &[u8; 4]| layout(&b).iter().find(|s| &s.0 == tag).unwrap().1;
    let ends = b.len() - 40;
    let cut = |n: usize| b[..n].to_vec();
    let t = "truncated";
    vec![
        c(t, "in-header", "the file header", "the first 12 bytes of the 16-byte header", cut(12)),
        c(t, "after-header", "the ENDS section", "the header and nothing else", cut(16)),
        c(t, "in-section-header", "a section header", "6 bytes of the first section header", cut(22)),
        c(t, "in-strings", "section STRC payload", "cut 10 bytes into the STRC payload", cut(28 + 10)),
        c(t, "in-objects", "section OBJC payload", "cut 30 bytes into the OBJC payload", cut(at(b"OBJC") + 42)),
        c(t, "in-edges", "section EDGC payload", "cut 5 bytes into the EDGC payload", cut(at(b"EDGC") + 17)),
        c(t, "between-sections", "the ENDS section", "cut right before the TYPC section", cut(at(b"TYPC"))),
        c(t, "in-meta", "section META payload", "cut in the middle of META's JSON", cut(at(b"META") + 30)),
        c(t, "before-ends", "the ENDS section", "every section but ENDS", cut(ends)),
        c(t, "in-ends-header", "a section header", "5 bytes of the ENDS section header", cut(ends + 5)),
        c(t, "in-ends-payload", "section ENDS payload", "ENDS without its checksum", cut(b.len() - 4)),
        c(t, "last-byte-missing", "section ENDS payload", "every byte but the last", cut(b.len() - 1)),
    ]
}

pub fn bad_crc() -> Vec<Case> {
    let t = "bad-crc";
    let x = "checksum mismatch";
    let objc = |b: &Vec<u8>| payload_at(b, b"OBJC");
    vec![
        c(
            t,
            "address-byte",
            x,
            "object 1's address 0x1000 became 0x1100",
            patched(|b| {
                let at = objc(b) + 16;
                b[at] ^= 1
            }),
        ),
        c(
            t,
            "size-byte",
            x,
            "object 1's size 640 became 641",
            patched(|b| {
                let at = objc(b) + 117;
                b[at] ^= 1
            }),
        ),
        c(
            t,
            "string-letter",
            x,
            "the type label m.A became n.A",
            patched(|b| {
                let at = find(b, b"m.A");
                b[at] = b'n'
            }),
        ),
        c(
            t,
            "meta-digit",
            x,
            "META's pid 42 became 52",
            patched(|b| {
                let at = find(b, b"\"pid\":42") + 6;
                b[at] = b'5'
            }),
        ),
        c(t, "stored-crc-zero", x, "the stored checksum is 0", file(|f| f.ends.crc = Some(0))),
        c(t, "stored-crc-off-by-one", x, "the stored checksum plus 1", {
            let mut b = base().bytes();
            let n = b.len();
            b[n - 4] = b[n - 4].wrapping_add(1);
            b
        }),
        c(t, "header-flags", x, "the header's flags are 1", patched(|b| b[12] = 1)),
        c(t, "minor-version", x, "the minor version is 1 (allowed, but covered)", patched(|b| b[10] = 1)),
        c(
            t,
            "edge-name",
            x,
            "the root's edge named .i0_modules is named ['a']",
            patched(|b| {
                let at = payload_at(b, b"EDGC") + 4 + 9 + 14 + 9;
                b[at] ^= 3;
            }),
        ),
        c(
            t,
            "type-label",
            x,
            "type 2's label is list instead of m.A",
            patched(|b| {
                let at = payload_at(b, b"TYPC") + 24;
                b[at] = 3
            }),
        ),
        c(
            t,
            "preview-object",
            x,
            "the preview of object 9 moved to object 8",
            patched(|b| {
                let at = payload_at(b, b"prev") + 4;
                b[at] = 8
            }),
        ),
        c(
            t,
            "section-inserted",
            x,
            "an ancillary section xtra inserted after the header",
            patched(|b| {
                let extra = [&b"xtra"[..], &3u64.to_le_bytes(), b"abc"].concat();
                b.splice(16..16, extra);
            }),
        ),
    ]
}

pub fn out_of_range() -> Vec<Case> {
    let t = "valid-crc-out-of-range";
    vec![
        c(
            t,
            "edge-target",
            "points to object 14, but there are 14",
            "an edge of object 3 targets object 14",
            model(|m| m.edges[4].0 = 14),
        ),
        c(
            t,
            "edge-target-max",
            "points to object 4294967294",
            "an edge targets object 2^32-2",
            model(|m| m.edges[13].0 = u32::MAX - 1),
        ),
        c(
            t,
            "object-type",
            "object 4 has type 5, but there are 5 types",
            "object 4's type is 5",
            model(|m| m.objs[4].ty = 5),
        ),
        c(t, "type-label", "type 2 has label string 17", "type 2's label is string 17", model(|m| m.types[2].1 = 17)),
        c(t, "type-object", "type 0 names object 100", "type 0's object is object 100", model(|m| m.types[0].0 = 100)),
        c(
            t,
            "edge-name-string",
            "is named by string 17, but there are 17",
            "an edge named by string 17",
            model(|m| m.edges[1].1 = 17),
        ),
        c(
            t,
            "edge-name-tag",
            "reserved tag 5",
            "an edge name with the reserved tag 5",
            model(|m| m.edges[1].1 = 5 << 29),
        ),
        c(
            t,
            "module-name-object",
            "module name entry 0 names object 99, but there are 14 objects",
            "the module name of object 99",
            model(|m| m.modn[0].0 = 99),
        ),
        c(
            t,
            "preview-text",
            "preview entry 0 has text string 999, but there are 17 strings",
            "a preview text of string 999",
            model(|m| m.prev[0].1 = 999),
        ),
        c(
            t,
            "producer-object",
            "producer entry 0 names object 14, but there are 14 objects",
            "a producer of object 14",
            model(|m| m.prod[0].0 = 14),
        ),
        c(
            t,
            "unreachable-object",
            "unreachable entry 14 is not an object: there are 14 objects",
            "object 14 listed as unreachable",
            model(|m| m.unrc[0] = 14),
        ),
        c(
            t,
            "unreachable-root",
            "unreachable entry 0 is the root",
            "the root listed as unreachable",
            model(|m| m.unrc[0] = 0),
        ),
        c(t, "root-typed", "object 0 is not the root", "object 0 has type 0", model(|m| m.objs[0].ty = 0)),
        c(
            t,
            "seen-short",
            "seen marks 13 objects, but there are 14",
            "first-seen marks for 13 objects",
            model(|m| {
                m.seen.pop();
            }),
        ),
    ]
}

pub fn wrong_degrees() -> Vec<Case> {
    let t = "wrong-degrees";
    let sum = "degrees add up to";
    vec![
        c(t, "one-more", sum, "object 3's degree is 5 (4 edges follow)", model(|m| m.objs[3].degree = 5)),
        c(t, "one-less", sum, "object 3's degree is 3", model(|m| m.objs[3].degree = 3)),
        c(
            t,
            "all-zero",
            "add up to 0 edges",
            "every degree is 0",
            model(|m| m.objs.iter_mut().for_each(|o| o.degree = 0)),
        ),
        c(t, "last-object", sum, "the last object (no edges) has degree 1", model(|m| m.objs[13].degree = 1)),
        c(
            t,
            "no-edge-chunk",
            "the edge chunks hold 0",
            "the EDGC chunk is missing (ENDS says 0 edges)",
            file(|f| {
                f.sections.retain(|s| &s.tag != b"EDGC");
                f.ends.edges = 0;
            }),
        ),
        c(
            t,
            "edge-chunk-twice",
            "the edge chunks hold 28",
            "the EDGC chunk twice (ENDS says 28 edges)",
            file(|f| {
                let e = f.section(b"EDGC").clone();
                f.sections.insert(3, e);
                f.ends.edges = 28;
            }),
        ),
        c(t, "extra-edge", "the edge chunks hold 15", "a 15th edge no degree counts", model(|m| m.edges.push((1, 6)))),
        c(
            t,
            "degree-u32-max",
            "degrees add up to more than 2^32 - 1 edges (at object 12",
            "object 12's degree is 2^32-1",
            model(|m| m.objs[12].degree = u32::MAX),
        ),
        c(
            t,
            "degree-too-wide",
            "degree column: value 12 does not fit in 32 bits",
            "a degree of 2^32",
            file(|f| {
                let mut objs = base().objs;
                objs[12].degree = 0;
                let mut p = model::objc(&objs);
                let deg: Vec<u64> =
                    objs.iter().enumerate().map(|(i, o)| if i == 12 { 1 << 32 } else { o.degree as u64 }).collect();
                let at = p.len() - (9 + 14);
                p.truncate(at);
                p.extend(raw_column(0, 8, &deg));
                f.section(b"OBJC").payload = p;
            }),
        ),
        c(
            t,
            "ends-edges",
            "ENDS says 15 edges but the chunks hold 14",
            "ENDS says 15 edges",
            file(|f| f.ends.edges = 15),
        ),
        c(
            t,
            "split-chunks-mismatch",
            sum,
            "objects in two OBJC chunks, the second's degrees one too many",
            file(|f| {
                let mut objs = base().objs;
                objs[13].degree = 1;
                let (a, b) = objs.split_at(7);
                f.section(b"OBJC").payload = model::objc(a);
                f.sections.insert(2, sec(b"OBJC", model::objc(b)));
            }),
        ),
    ]
}

pub fn huge_counts() -> Vec<Case> {
    let t = "huge-counts";
    let count = |tag: &'static [u8; 4], m: u32| {
        file(move |f| {
            f.section(tag).payload[..4].copy_from_slice(&m.to_le_bytes());
        })
    };
    vec![
        c(
            t,
            "objects-4-billion",
            "OBJC column 0 needs 8589934590 bytes",
            "OBJC says 2^32-1 objects",
            count(b"OBJC", u32::MAX),
        ),
        c(
            t,
            "edges-2-billion",
            "EDGC column 0 needs 2000000000 bytes",
            "EDGC says 2e9 edges",
            count(b"EDGC", 2_000_000_000),
        ),
        c(
            t,
            "strings-3-billion",
            "ends inside string 17 of 3000000000",
            "STRC says 3e9 strings",
            count(b"STRC", 3_000_000_000),
        ),
        c(
            t,
            "types-4-billion",
            "TYPC chunk says 4000000000 records",
            "TYPC says 4e9 types",
            count(b"TYPC", 4_000_000_000),
        ),
        c(
            t,
            "module-names-billion",
            "MODN chunk says 1000000000 records",
            "MODN says 1e9 names",
            count(b"MODN", 1_000_000_000),
        ),
        c(
            t,
            "unreachable-billion",
            "unrc chunk says 1000000000 records",
            "unrc says 1e9 objects",
            count(b"unrc", 1_000_000_000),
        ),
        c(
            t,
            "seen-4-billion",
            "seen column 0 needs 4294967295 bytes",
            "seen says 2^32-1 marks",
            count(b"seen", u32::MAX),
        ),
        c(
            t,
            "section-length-2-62",
            "needs 4611686018427387904 bytes",
            "OBJC's section length is 2^62",
            file(|f| f.section(b"OBJC").len = Some(1 << 62)),
        ),
        c(
            t,
            "section-length-max",
            "needs 18446744073709551615 bytes",
            "META's section length is 2^64-1",
            file(|f| f.section(b"META").len = Some(u64::MAX)),
        ),
        c(
            t,
            "ends-objects",
            "ENDS says 5000000000 objects but the chunks hold 14",
            "ENDS says 5e9 objects",
            file(|f| f.ends.objects = 5_000_000_000),
        ),
        c(
            t,
            "ends-strings",
            "ENDS says 18446744073709551615 strings",
            "ENDS says 2^64-1 strings",
            file(|f| f.ends.strings = u64::MAX),
        ),
        c(
            t,
            "string-4-gib",
            "string 0 of 17 is 4294967295 bytes long",
            "string 0 says it is 4 GiB long",
            file(|f| f.section(b"STRC").payload[4..8].copy_from_slice(&u32::MAX.to_le_bytes())),
        ),
    ]
}

/// An OBJC payload of `m` objects whose four columns are as given.
fn objc_cols(m: u32, cols: [Vec<u8>; 4]) -> Vec<u8> {
    chunk(m, &cols)
}

pub fn width_one() -> Vec<Case> {
    let t = "width-1-inflation";
    let b = base();
    let ones = |n: usize| vec![0u64; n];
    let obj_cols = || {
        let col = |f: &dyn Fn(&Obj) -> u64| column(&b.objs.iter().map(f).collect::<Vec<_>>());
        [col(&|o| o.addr), col(&|o| o.ty as u64), col(&|o| o.size), col(&|o| o.degree as u64)]
    };
    let with_objc = |p: Vec<u8>| file(|f| f.section(b"OBJC").payload = p);
    let width = |w: u8| {
        let mut cols = obj_cols();
        cols[0] = raw_column(0, w, &ones(14));
        with_objc(objc_cols(14, cols))
    };
    vec![
        c(
            t,
            "objects-billion",
            "OBJC column 0 needs 1000000000 bytes for 1000000000 values",
            "1e9 objects of width-1 columns, 14 bytes each",
            with_objc(objc_cols(1_000_000_000, [0, 1, 2, 3].map(|_| raw_column(0, 1, &ones(14))))),
        ),
        c(
            t,
            "edges-4-billion",
            "EDGC column 0 needs 4294967295 bytes",
            "2^32-1 edges of width-1 columns",
            file(|f| {
                f.section(b"EDGC").payload =
                    chunk(u32::MAX, &[raw_column(1, 1, &ones(14)), raw_column(0, 1, &ones(14))])
            }),
        ),
        c(
            t,
            "seen-2-billion",
            "seen column 0 needs 2000000000 bytes",
            "2e9 width-1 first-seen marks",
            file(|f| f.section(b"seen").payload = chunk(2_000_000_000, &[raw_column(0, 1, &ones(14))])),
        ),
        c(t, "width-0", "OBJC column 0 has width 0 (1, 2, 4 or 8)", "the address column's width is 0", width(0)),
        c(t, "width-3", "OBJC column 0 has width 3", "the address column's width is 3", width(3)),
        c(t, "width-16", "OBJC column 0 has width 16", "the address column's width is 16", width(16)),
        c(t, "width-255", "OBJC column 0 has width 255", "the address column's width is 255", width(255)),
        c(
            t,
            "last-column-short",
            "OBJC column 3 needs 14 bytes for 14 values, 10 are left",
            "the degree column holds 10 of 14 values",
            {
                let mut cols = obj_cols();
                cols[3].truncate(9 + 10);
                with_objc(objc_cols(14, cols))
            },
        ),
        c(
            t,
            "bytes-after-columns",
            "EDGC chunk has 7 bytes after its columns",
            "7 bytes after the edge columns",
            file(|f| f.section(b"EDGC").payload.extend([0; 7])),
        ),
        c(
            t,
            "address-overflows",
            "OBJC address column: value 1 overflows 64 bits",
            "width-1 addresses on base 2^64-1",
            {
                let mut cols = obj_cols();
                cols[0] = raw_column(u64::MAX, 1, &(0..14).collect::<Vec<_>>());
                with_objc(objc_cols(14, cols))
            },
        ),
        c(t, "type-past-u32", "OBJC type column: value 0 does not fit in 32 bits", "width-1 types on base 2^32", {
            let mut cols = obj_cols();
            cols[1] = raw_column(1 << 32, 1, &ones(14));
            with_objc(objc_cols(14, cols))
        }),
        c(
            t,
            "ends-in-column-header",
            "OBJC chunk ends inside the header of column 2",
            "OBJC stops 4 bytes into column 2",
            {
                let cols = obj_cols();
                let mut p = objc_cols(14, [cols[0].clone(), cols[1].clone(), Vec::new(), Vec::new()]);
                p.extend([0; 4]);
                with_objc(p)
            },
        ),
    ]
}

pub fn bad_strings() -> Vec<Case> {
    let t = "bad-strings";
    let utf8 = "of 17 is not valid UTF-8";
    let string = |i: usize, s: &[u8]| {
        let s = s.to_vec();
        model(move |m| m.strings[i] = s)
    };
    let strc = |f: &dyn Fn(&mut Vec<u8>)| file(|file| f(&mut file.section(b"STRC").payload));
    vec![
        c(t, "lone-continuation", utf8, "the type label m.A is m\\x80A", string(2, b"m\x80A")),
        c(t, "overlong", utf8, "an overlong encoding of '/' (C0 AF)", string(2, b"m\xc0\xafA")),
        c(t, "surrogate", utf8, "an encoded UTF-16 surrogate (ED A0 80)", string(6, b".__\xed\xa0\x80dict__")),
        c(t, "cut-multibyte", utf8, "the accented string loses the last byte of its check mark", {
            let mut s = base().strings[s::ACCENTED as usize].clone();
            s.pop();
            string(s::ACCENTED as usize, &s)
        }),
        c(t, "byte-ff", utf8, "an 0xFF byte in an edge name", string(7, b"['\xff']")),
        c(
            t,
            "length-past-chunk",
            "string 5 of 17 is 200 bytes long",
            "string 5 says it is 200 bytes long",
            strc(&|p| {
                let at = 4 + [6, 4, 3, 4, 3].iter().map(|n| 4 + n).sum::<usize>();
                p[at..at + 4].copy_from_slice(&200u32.to_le_bytes());
            }),
        ),
        c(t, "count-one-more", "ends inside string 17 of 18", "STRC says 18 strings, holds 17", strc(&|p| p[0] = 18)),
        c(t, "count-one-less", "bytes after its 16 strings", "STRC says 16 strings, holds 17", strc(&|p| p[0] = 16)),
        c(
            t,
            "no-record-count",
            "STRC chunk has no record count",
            "a STRC chunk of 2 bytes",
            file(|f| f.sections.insert(0, sec(b"STRC", vec![1, 0]))),
        ),
        c(
            t,
            "meta-not-utf8",
            "META is not valid JSON",
            "an 0xFF byte inside META's hostname",
            model(|m| {
                let at = find(&m.meta, b"\"h\"");
                m.meta[at + 1] = 0xff;
            }),
        ),
        c(t, "meta-not-object", "META is not a JSON object", "META is [1, 2]", model(|m| m.meta = b"[1, 2]".to_vec())),
        c(
            t,
            "meta-wrong-type",
            "META has a field of the wrong type",
            "META's pid is a string",
            model(|m| m.meta = serde_json::to_vec(&serde_json::json!({"pid": "forty-two", "argv": ["t.py"]})).unwrap()),
        ),
        c(
            t,
            "meta-twice",
            "a second META section",
            "two META sections",
            file(|f| {
                let m = f.section(b"META").clone();
                f.sections.insert(0, m);
            }),
        ),
        c(
            t,
            "meta-missing",
            "the META section is missing",
            "no META section",
            file(|f| f.sections.retain(|s| &s.tag != b"META")),
        ),
        c(
            t,
            "ends-strings",
            "ENDS says 16 strings but the chunks hold 17",
            "ENDS says 16 strings",
            file(|f| f.ends.strings = 16),
        ),
    ]
}

/// Every hostile snapshot file.
pub fn all() -> Vec<Case> {
    [truncated(), bad_crc(), out_of_range(), wrong_degrees(), huge_counts(), width_one(), bad_strings()]
        .into_iter()
        .flatten()
        .collect()
}
