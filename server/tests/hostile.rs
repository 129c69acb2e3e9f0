//! The hostile corpus (`testdata/hostile/`, made and read by the engine in
//! `engine/tests/hostile/`) through the server: `heaplens table` and `heaplens heapy-dump show`
//! exit 2 with each file's error and never panic or abort (in 1 GiB of address space); the
//! upload route answers 400 with it, stores nothing, and keeps serving the good snapshot it had;
//! a bad saved index is refused and the snapshot indexed again; the dump series loader (what
//! `heaplens serve FILE.dump` calls) refuses each bad dump.

mod common;

use axum::http::StatusCode;
use common::{get, post};
use heaplens_server::http::router;
use heaplens_server::state::AppState;
use heaplens_server::store::{series, Store, INDEX_LOADS};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

#[derive(serde::Deserialize)]
struct Entry {
    file: String,
    error: String,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/hostile")
}

/// The corpus's files of these extensions, with their expected errors.
fn corpus(exts: &[&str]) -> Vec<(PathBuf, Entry)> {
    let text = std::fs::read_to_string(dir().join("expected.json")).unwrap();
    let all: Vec<Entry> = serde_json::from_str(&text).unwrap();
    let picked: Vec<_> = all
        .into_iter()
        .filter(|e| exts.iter().any(|x| e.file.ends_with(&format!(".{x}"))))
        .map(|e| (dir().join(&e.file), e))
        .collect();
    assert!(picked.len() >= 10, "{exts:?}: {} files", picked.len());
    picked
}

/// Runs `heaplens ARGS` with its address space limited to 1 GiB: a reader that allocated what
/// a hostile count claims would abort, not answer its error.
fn heaplens_bounded(args: &[&str]) -> (i32, String, String) {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!("ulimit -v 1048576 && exec '{}' {}", env!("CARGO_BIN_EXE_heaplens"), quoted.join(" "));
    let out = std::process::Command::new("sh").args(["-c", &script]).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_cli_refuses_every_hostile_file_with_its_error() {
    let base = dir().join("base.hls");
    let (code, out, _) = heaplens_bounded(&["table", base.to_str().unwrap()]);
    assert_eq!(code, 0, "the base loads within the limit");
    assert!(out.contains("Partition of a set of 12 objects"), "{out}");
    for (path, e) in corpus(&["hls", "dump"]) {
        let p = path.to_str().unwrap();
        let args: &[&str] = if p.ends_with(".hls") { &["table", p] } else { &["heapy-dump", "show", p] };
        let (code, out, err) = heaplens_bounded(args);
        assert_eq!((code, out.as_str()), (2, ""), "{}: {err}", e.file);
        assert_eq!(err, format!("heaplens: {p}: {}\n", e.error), "{}", e.file);
    }
}

fn app(data: &Path) -> axum::Router {
    let (store, _) = Store::open(data, 1 << 30).unwrap();
    router(AppState { store: Arc::new(store), max_upload: 1 << 26 }, None)
}

/// Uploads `base.hls`; its id and sha256.
async fn upload_base(app: &axum::Router) -> (String, String) {
    let (status, info) =
        post(app, "/api/snapshots?name=base.hls", std::fs::read(dir().join("base.hls")).unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{info}");
    (info["id"].as_str().unwrap().to_owned(), info["store"]["sha256"].as_str().unwrap().to_owned())
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn hostile_uploads_are_refused_and_the_server_keeps_serving_what_it_had() {
    let data = tempfile::tempdir().unwrap();
    let app = app(data.path());
    let (id, _) = upload_base(&app).await;
    let partition = format!("/api/snapshots/{id}/partition?by=type");
    let (status, before) = get(&app, &partition).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list_before) = get(&app, "/api/snapshots").await;
    let files_before = files_under(data.path());
    for (path, e) in corpus(&["hls", "dump"]) {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (status, body) = post(&app, &format!("/api/snapshots?name={name}"), std::fs::read(&path).unwrap()).await;
        let code = if name.ends_with(".hls") { "bad_snapshot" } else { "bad_dump" };
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {body}", e.file);
        assert_eq!((body["error"]["code"].as_str(), body["error"]["message"].as_str()), (Some(code), Some(&*e.error)));
    }
    let (_, list) = get(&app, "/api/snapshots").await;
    assert_eq!(list, list_before, "the list is as it was: no snapshot and no failure added");
    let (_, series) = get(&app, "/api/series").await;
    assert_eq!(series["series"], serde_json::json!([]), "no dump series added");
    assert_eq!(get(&app, &partition).await, (StatusCode::OK, before));
    let (status, table) = get(&app, &format!("/api/snapshots/{id}/table?by=clodo")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(table.to_string().contains("Partition of a set of 12 objects"), "{table}");
    // the good snapshot's saved index is written in the background, whenever: not counted
    // (`Path::ends_with` compares components, so the name is tested as text)
    let not_index = |p: &std::path::PathBuf| !p.to_string_lossy().contains(".idx");
    let files_after: Vec<_> = files_under(data.path()).into_iter().filter(not_index).collect();
    let files_before: Vec<_> = files_before.into_iter().filter(not_index).collect();
    assert_eq!(files_after.len(), files_before.len(), "no upload left a file behind: {files_after:?}");
}

/// Waits until `f` holds (the store saves indexes in the background).
async fn until(what: &str, f: impl Fn() -> bool) {
    for _ in 0..400 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn a_bad_saved_index_is_refused_and_the_snapshot_indexed_again() {
    let data = tempfile::tempdir().unwrap();
    let first = app(data.path());
    let (id, sha) = upload_base(&first).await;
    let idx = data.path().join("objects").join(&sha[..2]).join(format!("{sha}.idx"));
    until("the index is saved", || idx.exists()).await;
    let table = format!("/api/snapshots/{id}/table?by=rcs&all=true");
    let (status, before) = get(&first, &table).await;
    assert_eq!(status, StatusCode::OK);
    drop(first);
    for (path, e) in corpus(&["idx"]) {
        let hostile = std::fs::read(&path).unwrap();
        std::fs::write(&idx, &hostile).unwrap();
        let loads = INDEX_LOADS.load(Ordering::Relaxed);
        let restarted = app(data.path());
        assert_eq!(get(&restarted, &table).await, (StatusCode::OK, before.clone()), "{}", e.file);
        assert_eq!(INDEX_LOADS.load(Ordering::Relaxed), loads, "{}: the bad index was used", e.file);
        // refused and removed, then saved again from the fresh indexes
        until("the index is saved again", || std::fs::read(&idx).is_ok_and(|b| b != hostile)).await;
    }
    // the index saved last is good: the next restart loads from it
    let loads = INDEX_LOADS.load(Ordering::Relaxed);
    let restarted = app(data.path());
    assert_eq!(get(&restarted, &table).await, (StatusCode::OK, before));
    assert_eq!(INDEX_LOADS.load(Ordering::Relaxed), loads + 1);
}

#[test]
fn the_dump_series_loader_refuses_every_bad_dump() {
    let store = Store::new(None);
    for (path, e) in corpus(&["dump"]) {
        let got = series::add_dump_file(&store, &path).expect_err(&e.file);
        assert_eq!(got, format!("{}: {}", path.display(), e.error));
    }
    assert!(store.series.list().is_empty());
    let info = series::add_dump_file(&store, &dir().join("base.dump")).unwrap();
    assert_eq!(info.samples, 2);
}
