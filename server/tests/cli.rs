//! The `heaplens table` command on good, truncated and random files.

use heaplens_engine::testing::small_snapshot;
use std::process::Command;

mod common;
use common::heaplens;

#[test]
fn prints_heapy_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.hls");
    std::fs::write(&path, small_snapshot()).unwrap();
    let p = path.to_str().unwrap();
    let (code, text, _) = heaplens(&["table", p]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(text);
    let (code, json, _) = heaplens(&["table", p, "--json", "--by", "type", "--query", "heap.byclodo[\"dict of m.A\"]"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["rows"][0]["label"], "dict");
    assert_eq!(v["rows"][0]["count"], 2);
    assert_eq!(v["size"], 208);
}

#[test]
fn bad_files_and_queries_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = small_snapshot();
    let cut = dir.path().join("cut.hls");
    std::fs::write(&cut, &good[..good.len() - 40]).unwrap();
    let (code, _, err) = heaplens(&["table", cut.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cut.hls: truncated snapshot"), "{err}");

    let noise = dir.path().join("noise.hls");
    std::fs::write(&noise, (0..3000u32).map(|i| (i * 31 % 256) as u8).collect::<Vec<_>>()).unwrap();
    let (code, _, err) = heaplens(&["table", noise.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a heaplens snapshot"), "{err}");

    let missing = dir.path().join("missing.hls");
    let (code, _, err) = heaplens(&["table", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read") && err.contains("missing.hls"), "{err}");

    let good_path = dir.path().join("good.hls");
    std::fs::write(&good_path, &good).unwrap();
    let (code, _, err) = heaplens(&["table", good_path.to_str().unwrap(), "--query", "heap.byclodo[1].bywhat"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown relation `bywhat`"), "{err}");
    assert!(err.contains("\n  heap.byclodo[1].bywhat\n                  ^"), "{err}");
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    // `heaplens table x.hls --all | head`: the reader goes away before the output ends
    let small = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/small.hls");
    let mut child = Command::new(env!("CARGO_BIN_EXE_heaplens"))
        .args(["table", small.to_str().unwrap(), "--by", "via", "--all"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {err}", out.status);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn queries_past_the_step_limit_are_clear_errors_on_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.hls");
    std::fs::write(&path, small_snapshot()).unwrap();
    let p = path.to_str().unwrap();
    let limit = format!("a query may have at most {} steps", heaplens_engine::query::MAX_QUERY_STEPS);
    // each fits in one command-line argument (128 KiB)
    let deep = format!("{}heap{}", "(".repeat(60_000), ")".repeat(60_000));
    let union = vec!["heap"; 26_000].join("|");
    let difference = vec!["heap"; 26_000].join("-");
    let chain = format!("heap{}", ".referrers".repeat(12_000));
    for q in [&deep, &union, &difference, &chain] {
        for args in [
            vec!["table", p, "--query", q],
            vec!["table", p, "--json", "--query", q],
            vec!["diff", p, p, "--query", q],
            vec!["diff", p, p, "--query-b", q],
            vec!["disjoint", p, q, "heap"],
            vec!["shpaths", p, "--query", q],
            vec!["rp", p, "--query", q],
        ] {
            let (code, _, err) = heaplens(&args);
            assert_eq!(code, 2, "{} {}: {err}", args[0], &q[..20]);
            assert!(err.contains("bad query") && err.contains(&limit), "{}: {}", args[0], &err[..err.len().min(300)]);
        }
    }
}
