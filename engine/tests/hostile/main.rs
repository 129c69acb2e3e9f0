//! The hostile corpus (`testdata/hostile/`, issue 16): files built from one valid snapshot
//! (`base.hls`) and one valid heapy dump (`base.dump`) by one precise change each, checked in
//! with the reader's error text in `expected.json`. This test makes the corpus again in memory
//! and compares it with the checked-in files (`HEAPLENS_BLESS=1` writes them), then reads each
//! through the engine: exactly its error, never a panic, and no more memory than its size
//! warrants (counts claiming billions are refused before anything is allocated for them).
//! The CLI and the upload route read the same files in `server/tests/hostile.rs`.

mod alloc;
mod claims;
mod dump;
mod idx;
#[path = "../support/index_layout.rs"]
mod index_layout;
mod model;
mod snap;

use heaplens_engine::format::index_file;
use heaplens_engine::heapydump::read_dump;
use heaplens_engine::{read_snapshot, Heap};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

/// One hostile file: where it goes, how it was made, what its error must mention.
pub struct Case {
    pub category: &'static str,
    pub name: &'static str,
    pub ext: &'static str,
    pub mentions: &'static str,
    pub mutation: String,
    pub bytes: Vec<u8>,
}

/// Every category, and the least number of files each must hold.
const CATEGORIES: [&str; 9] = [
    "truncated",
    "bad-crc",
    "valid-crc-out-of-range",
    "wrong-degrees",
    "huge-counts",
    "width-1-inflation",
    "bad-strings",
    "bad-index",
    "bad-dump",
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/hostile")
}

/// The corpus: (path under `testdata/hostile`, case), numbered within each category.
fn corpus() -> Vec<(String, Case)> {
    let base = model::base().bytes();
    let mut cases = snap::all();
    cases.extend(idx::all(&base));
    cases.extend(dump::all());
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    cases
        .into_iter()
        .map(|c| {
            let n = seen.entry(c.category).or_default();
            *n += 1;
            (format!("{}/{:02}-{}.{}", c.category, n, c.name, c.ext), c)
        })
        .collect()
}

/// What the engine says of a hostile file (`ext` says which reader): its error, or a panic
/// with `accepted` when it is read.
fn engine_error(ext: &str, bytes: &[u8]) -> String {
    match ext {
        "hls" => read_snapshot(bytes).err().map(|e| e.to_string()),
        "idx" => {
            let base = std::fs::read(dir().join("base.hls")).unwrap();
            let snap = read_snapshot(&base).unwrap();
            index_file::load(snap, &idx::key(&base), bytes).err().map(|e| e.to_string())
        }
        "dump" => read_dump(bytes).err().map(|e| e.to_string()),
        _ => panic!("unknown extension {ext}"),
    }
    .unwrap_or_else(|| "accepted".to_owned())
}

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
struct Entry {
    file: String,
    mutation: String,
    error: String,
}

fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(dir().join("expected.json")).expect("testdata/hostile/expected.json");
    serde_json::from_str(&text).unwrap()
}

fn bless(corpus: &[(String, Case)], entries: &[Entry]) {
    let d = dir();
    for cat in CATEGORIES {
        let _ = std::fs::remove_dir_all(d.join(cat));
        std::fs::create_dir_all(d.join(cat)).unwrap();
    }
    std::fs::write(d.join("base.hls"), model::base().bytes()).unwrap();
    std::fs::write(d.join("base.dump"), dump::BASE).unwrap();
    for (path, c) in corpus {
        std::fs::write(d.join(path), &c.bytes).unwrap();
    }
    std::fs::write(d.join("expected.json"), serde_json::to_string_pretty(entries).unwrap() + "\n").unwrap();
}

#[test]
fn the_checked_in_corpus_is_what_its_generator_makes() {
    let corpus = corpus();
    let base = model::base().bytes();
    read_snapshot(&base).expect("the base snapshot is good");
    let blessing = std::env::var_os("HEAPLENS_BLESS").is_some();
    if blessing {
        std::fs::write(dir().join("base.hls"), &base).unwrap();
    }
    let mut entries = Vec::new();
    for (path, c) in &corpus {
        let error =
            catch_unwind(|| engine_error(c.ext, &c.bytes)).unwrap_or_else(|_| panic!("{path}: the reader panicked"));
        assert!(error.contains(c.mentions), "{path}: the error does not mention {:?}: {error}", c.mentions);
        entries.push(Entry { file: path.clone(), mutation: c.mutation.clone(), error });
    }
    for cat in CATEGORIES {
        let n = corpus.iter().filter(|(_, c)| c.category == cat).count();
        assert!(n >= 10, "{cat}: {n} files");
    }
    if blessing {
        bless(&corpus, &entries);
    }
    let stale = "the corpus is out of date: run HEAPLENS_BLESS=1 cargo test -p heaplens-engine --test hostile";
    assert_eq!(std::fs::read(dir().join("base.hls")).unwrap(), base, "base.hls: {stale}");
    assert_eq!(std::fs::read_to_string(dir().join("base.dump")).unwrap(), dump::BASE, "base.dump: {stale}");
    assert_eq!(manifest(), entries, "expected.json: {stale}");
    for (path, c) in &corpus {
        assert_eq!(std::fs::read(dir().join(path)).ok().as_ref(), Some(&c.bytes), "{path}: {stale}");
    }
    let mut on_disk = Vec::new();
    for cat in CATEGORIES {
        for e in std::fs::read_dir(dir().join(cat)).unwrap() {
            on_disk.push(format!("{cat}/{}", e.unwrap().file_name().to_string_lossy()));
        }
    }
    on_disk.sort();
    let mut made: Vec<String> = corpus.iter().map(|(p, _)| p.clone()).collect();
    made.sort();
    assert_eq!(on_disk, made, "files the generator does not make: {stale}");
}

#[test]
fn the_base_files_are_good() {
    let base = std::fs::read(dir().join("base.hls")).unwrap();
    let heap = Heap::new(read_snapshot(&base).unwrap());
    assert_eq!((heap.snap.object_count(), heap.snap.edge_count()), (14, 14));
    let snap = read_snapshot(&base).unwrap();
    index_file::load(snap, &idx::key(&base), &idx::good(&base)).expect("the good index loads");
    let packages = read_dump(&std::fs::read(dir().join("base.dump")).unwrap()).unwrap();
    assert_eq!(packages.len(), 2);
}

#[test]
fn every_hostile_file_is_refused_with_its_error_in_bounded_memory() {
    let (_, big) = alloc::peak_of(|| std::hint::black_box(Vec::<u8>::with_capacity(8 << 20)));
    assert!(big >= 8 << 20, "the allocator counts: {big}");
    let entries = manifest();
    assert!(entries.len() >= 90, "{} files", entries.len());
    for e in entries {
        let bytes = std::fs::read(dir().join(&e.file)).unwrap();
        let ext = e.file.rsplit('.').next().unwrap();
        let (got, peak) = alloc::peak_of(|| catch_unwind(AssertUnwindSafe(|| engine_error(ext, &bytes))));
        let got = got.unwrap_or_else(|_| panic!("{}: the reader panicked", e.file));
        assert_eq!(got, e.error, "{}", e.file);
        // the index cases read the base snapshot and its index too: a few KiB
        let bound = (1 << 20) + 64 * bytes.len();
        assert!(peak <= bound, "{}: the reader held {peak} bytes for a file of {}", e.file, bytes.len());
    }
}
