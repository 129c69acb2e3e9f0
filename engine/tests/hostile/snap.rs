//! The hostile snapshot files, category by category: each one precise change of the base
//! (`model.rs`), with what its error must mention.

use super::model::{self, base, layout, payload_at, raw_column, sec, Model};
use super::{claims, Case};

pub(super) fn c(
    category: &'static str,
    name: &'static str,
    mentions: &'static str,
    mutation: &str,
    bytes: Vec<u8>,
) -> Case {
    Case { category, name, ext: "hls", mentions, mutation: mutation.to_owned(), bytes }
}

pub(super) fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).expect("present")
}

/// The base changed by `f`, written with a right checksum and `ENDS` counts.
pub(super) fn model(f: impl FnOnce(&mut Model)) -> Vec<u8> {
    let mut m = base();
    f(&mut m);
    m.bytes()
}

/// The base's file changed by `f` (sections, `ENDS`), checksum right unless `f` sets one.
pub(super) fn file(f: impl FnOnce(&mut model::File)) -> Vec<u8> {
    let mut file = base().file();
    f(&mut file);
    file.bytes()
}

/// The base's bytes with `f` applied, the stored checksum left as it was.
pub(super) fn patched(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
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

/// Every hostile snapshot file.
pub fn all() -> Vec<Case> {
    [
        truncated(),
        bad_crc(),
        out_of_range(),
        wrong_degrees(),
        claims::huge_counts(),
        claims::width_one(),
        claims::bad_strings(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
