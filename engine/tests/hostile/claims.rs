//! The hostile snapshot files whose claims are wrong: counts and lengths of billions, packed
//! columns of 1-byte values claiming more than they hold, bad widths, and bad strings.

use super::model::{base, chunk, column, raw_column, s, sec, Obj};
use super::snap::{c, file, find, model};
use super::Case;

pub fn huge_counts() -> Vec<Case> {
    let t = "huge-counts";
    // (name, the error mentions, the mutation, the section, the record count it claims)
    let counts: [(&str, &str, &str, &[u8; 4], u32); 7] = [
        ("objects-4-billion", "OBJC column 0 needs 8589934590 bytes", "OBJC says 2^32-1 objects", b"OBJC", u32::MAX),
        ("edges-2-billion", "EDGC column 0 needs 2000000000 bytes", "EDGC says 2e9 edges", b"EDGC", 2_000_000_000),
        ("strings-3-billion", "ends inside string 17 of 3000000000", "STRC says 3e9 strings", b"STRC", 3_000_000_000),
        ("types-4-billion", "TYPC chunk says 4000000000 records", "TYPC says 4e9 types", b"TYPC", 4_000_000_000),
        ("module-names-billion", "MODN chunk says 1000000000 records", "MODN says 1e9 names", b"MODN", 1_000_000_000),
        ("unreachable-billion", "unrc chunk says 1000000000 records", "unrc says 1e9 objects", b"unrc", 1_000_000_000),
        ("seen-4-billion", "seen column 0 needs 4294967295 bytes", "seen says 2^32-1 marks", b"seen", u32::MAX),
    ];
    let mut cases: Vec<Case> = counts
        .into_iter()
        .map(|(name, mentions, mutation, tag, m)| {
            c(t, name, mentions, mutation, file(|f| f.section(tag).payload[..4].copy_from_slice(&m.to_le_bytes())))
        })
        .collect();
    cases.extend([
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
    ]);
    cases
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
