//! Writing files that must survive a crash: folders fsynced after they are made, small files
//! written whole or not at all (a temporary name, fsynced, renamed, the folder fsynced), and
//! the metadata sidecar kept beside each stored snapshot (`<sha256>.meta.json`), from which
//! the database's row can be rebuilt (`docs/store.md`).

use super::StoredSnapshot;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The sidecar's format version (written in it; another version is read as no sidecar).
pub const SIDECAR_VERSION: u32 = 1;
/// The ending of a sidecar's name (`<sha256>.meta.json`).
pub const SIDECAR_SUFFIX: &str = ".meta.json";
/// The ending of a file being written by [`write_atomic`].
pub const TMP_SUFFIX: &str = ".tmp";

/// Makes a folder's entries (a file created, renamed or removed in it) durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Creates `dir` (and missing parents) and fsyncs each folder made and the folder holding it,
/// so a crash cannot lose a folder a durable file was then written into.
pub fn create_dir_durable(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_durable(parent)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => return Ok(()),
        Err(e) => return Err(e),
    }
    sync_dir(dir)?;
    sync_dir(dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
}

/// Writes `bytes` to `path` whole or not at all: `<path>.tmp` (mode `mode` on Unix when given),
/// fsynced, renamed over `path`, the folder fsynced. A `.tmp` left by a crash is replaced.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(TMP_SUFFIX);
    let tmp = PathBuf::from(tmp);
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(m) = mode {
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, m);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, path)?;
    sync_dir(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
}

#[derive(Serialize, Deserialize)]
struct Sidecar {
    version: u32,
    #[serde(flatten)]
    snapshot: StoredSnapshot,
}

/// The sidecar of the snapshot file `hls` (`objects/ab/<sha256>.hls`).
pub fn sidecar_path(hls: &Path) -> PathBuf {
    let sha = hls.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    hls.with_file_name(format!("{sha}{SIDECAR_SUFFIX}"))
}

/// Writes a snapshot's metadata beside its bytes (atomically).
pub fn write_sidecar(hls: &Path, s: &StoredSnapshot) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(&Sidecar { version: SIDECAR_VERSION, snapshot: s.clone() })
        .map_err(std::io::Error::other)?;
    write_atomic(&sidecar_path(hls), &json, None)
}

/// A snapshot's metadata from its sidecar: `None` when there is none, or it is unreadable, of
/// another version, or names other bytes than `sha256`.
pub fn read_sidecar(hls: &Path, sha256: &str) -> Option<StoredSnapshot> {
    let bytes = fs::read(sidecar_path(hls)).ok()?;
    let car: Sidecar = serde_json::from_slice(&bytes).ok()?;
    let s = car.snapshot;
    (car.version == SIDECAR_VERSION && s.sha256 == sha256 && s.id == super::content_id(sha256)).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_a_leftover_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a").join("b").join("key");
        create_dir_durable(p.parent().unwrap()).unwrap();
        std::fs::write(dir.path().join("a/b/key.tmp"), b"half").unwrap();
        write_atomic(&p, b"whole", Some(0o600)).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
        assert!(!dir.path().join("a/b/key.tmp").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
