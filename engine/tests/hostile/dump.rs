//! The hostile heapy dump files: a good two-package dump (a `SetFormat` partition, then a
//! `byid` table) changed in one place each. Every file starts with `.loader:` so the upload
//! route takes it for a dump, not a snapshot.

use super::Case;

/// The good dump the cases change.
pub const BASE: &str = ".loader: _load_stat
.format: SetFormat
.timemade: 1700000000.5
.count: 7
.size: 1176
.kindname: 
.kindheader: Kind (class / dict of class)
.numrows: 3
.r: 3 840 dict of __main__.A
.r: 3 168 __main__.A
.r: 1 168 list
.end: .loader: _load_stat
.loader: _load_stat
.format: IdFormat
.timemade: 1700000060.25
.count: 2
.size: 144
.kindname: <mixed>
.kindheader: Address*Length
.numrows: 2
.r: 88 0x7f0001000*3
.r: 56 0x7f0002000
.end: .loader: _load_stat
";

fn c(name: &'static str, mentions: &'static str, mutation: &str, text: impl Into<Vec<u8>>) -> Case {
    Case { category: "bad-dump", name, ext: "dump", mentions, mutation: mutation.to_owned(), bytes: text.into() }
}

/// The base with the first `from` replaced by `to`.
fn replaced(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from:?}");
    BASE.replacen(from, to, 1)
}

pub fn all() -> Vec<Case> {
    let cut_at = |s: &str| BASE[..BASE.find(s).unwrap()].to_owned();
    vec![
        c(
            "cut-mid-row",
            "the file ends in the middle of this line (truncated?)",
            "cut inside the second row, after its count",
            {
                let at = BASE.find(".r: 3 168").unwrap() + 6;
                BASE[..at].to_owned()
            },
        ),
        c("no-end-line", "the file ends inside the package that starts at line 13", "the last .end: line missing", {
            BASE[..BASE.trim_end().rfind('\n').unwrap() + 1].to_owned()
        }),
        c(
            "cut-after-headers",
            "the file ends inside the package that starts at line 1 (no '.end:' line; 0 rows read)",
            "the headers of the first package only",
            cut_at(".r: 3 840"),
        ),
        c(
            "row-count-not-number",
            "row count: expected an integer, found \"three\"",
            "a row's count is 'three'",
            replaced(".r: 3 840", ".r: three 840"),
        ),
        c(
            "count-20-digits",
            ".count: \"99999999999999999999\" is out of range",
            "a .count of 20 digits",
            replaced(".count: 7", ".count: 99999999999999999999"),
        ),
        c(
            "row-size-i64-max",
            "row size: \"9223372036854775807\" is out of range",
            "a row size of 2^63-1",
            replaced(".r: 3 168 __main__.A", ".r: 3 9223372036854775807 __main__.A"),
        ),
        c(
            "row-count-i64-min",
            "row count: \"-9223372036854775808\" is out of range",
            "a row count of -2^63",
            replaced(".r: 3 840", ".r: -9223372036854775808 840"),
        ),
        c(
            "sizes-add-up-past-2-60",
            "add up to more than 2^60",
            "two rows of 2^60 - 1 bytes each",
            replaced(
                ".r: 3 840 dict of __main__.A\n.r: 3 168",
                ".r: 3 1152921504606846975 dict of __main__.A\n.r: 3 1152921504606846975",
            ),
        ),
        c(
            "numrows-billions",
            "has .numrows 5000000000 but 3 rows",
            ".numrows says 5e9 rows",
            replaced(".numrows: 3", ".numrows: 5000000000"),
        ),
        c("numrows-negative", ".numrows is negative (-1)", ".numrows is -1", replaced(".numrows: 3", ".numrows: -1")),
        c(
            "unknown-format",
            "unknown .format \"HeapFormat\"",
            "a .format heapy does not write",
            replaced(".format: SetFormat", ".format: HeapFormat"),
        ),
        c(
            "timemade-nan",
            ".timemade: expected seconds, found \"nan\"",
            ".timemade is nan",
            replaced(".timemade: 1700000000.5", ".timemade: nan"),
        ),
        c("not-utf8", "not UTF-8 text", "an 0xFF byte in a label", {
            let mut b = BASE.as_bytes().to_vec();
            let at = BASE.find("__main__.A\n").unwrap();
            b[at] = 0xff;
            b
        }),
        c(
            "more-rows",
            "more rows than .numrows 3 (package at line 1)",
            "a fourth row for .numrows 3",
            replaced(".r: 1 168 list\n", ".r: 1 168 list\n.r: 1 16 int\n"),
        ),
        c(
            "header-after-rows",
            "expected a row '.r: ...' or '.end: ...', found \".count: 7\"",
            "a header line among the rows",
            replaced(".r: 1 168 list\n", ".r: 1 168 list\n.count: 7\n"),
        ),
        c(
            "missing-kindheader",
            "the package that starts at line 13 has no .kindheader header",
            "the second package without .kindheader",
            replaced(".kindheader: Address*Length\n", ""),
        ),
        c(
            "wrong-loader",
            "unsupported loader \"_load_pickle\"",
            "a second package with another loader",
            replaced(
                ".end: .loader: _load_stat\n.loader: _load_stat",
                ".end: .loader: _load_stat\n.loader: _load_pickle",
            ),
        ),
        c(
            "bad-end-line",
            "expected the end line '.end: .loader: _load_stat'",
            "an end line naming another loader",
            replaced(".end: .loader: _load_stat", ".end: .loader: _load_other"),
        ),
    ]
}
