//! The `heaplens shpaths` and `heaplens rp` commands: heapy's text, `--depth`, and clear errors.

use heaplens_engine::testing::small_snapshot;

mod common;
use common::heaplens;

#[test]
fn shpaths_and_rp_print_heapys_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.hls");
    std::fs::write(&path, small_snapshot()).unwrap();
    let p = path.to_str().unwrap();
    let (code, text, err) = heaplens(&["shpaths", p, "--query", "@0x9000"]);
    assert_eq!(code, 0, "{err}");
    // the list's edge is one step shorter than the instance dict's
    assert_eq!(text.lines().collect::<Vec<_>>(), [" 0: hp.Root.i0_modules['m'].__dict__['l'][0]"]);
    let (code, text, err) = heaplens(&["rp", p, "--query", "@0x9000"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(text);
    let (code, text, _) = heaplens(&["rp", p, "--query", "@0x9000", "--depth", "1"]);
    assert_eq!(code, 0);
    let markers: Vec<&str> = text.lines().skip(1).map(|l| &l[l.find('[').unwrap()..l.find(']').unwrap() + 1]).collect();
    assert_eq!(markers, ["[-]", "[+]", "[+]"]);
}

#[test]
fn bad_queries_and_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.hls");
    std::fs::write(&path, small_snapshot()).unwrap();
    let p = path.to_str().unwrap();
    for cmd in ["shpaths", "rp"] {
        let (code, _, err) = heaplens(&[cmd, p, "--query", "heap.byclodo[\"nope\"]"]);
        assert_eq!(code, 2);
        assert!(err.contains("bad query") && err.contains('^'), "{err}");
        let (code, _, err) = heaplens(&[cmd, "/nonexistent.hls", "--query", "heap"]);
        assert_eq!(code, 2);
        assert!(err.contains("/nonexistent.hls"), "{err}");
    }
    let (code, _, err) = heaplens(&["rp", p, "--query", "heap", "--depth", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("--depth"), "{err}");
}
