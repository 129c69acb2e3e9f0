//! The embedded store: a data folder holding `objects/ab/<sha256>.hls` (the bytes, by
//! content) with `<sha256>.meta.json` beside each (its metadata, from which its row can be
//! rebuilt), `tmp/` (uploads in progress) and `heaplens.db` (SQLite: metadata and tags).
//!
//! A file's sidecar is written (atomically), then the file, streamed to `tmp/`, is fsynced,
//! renamed under `objects/` (atomic on one volume), the folder fsynced, and only then its row
//! committed in one transaction. At start, [`LocalStorage::open`] empties `tmp/` and rebuilds
//! rows from the files ([`recover`](super::recover)): a snapshot file is never deleted because
//! the database does not name it.

use super::durable::{create_dir_durable, sidecar_path, sync_dir, write_sidecar};
pub use super::recover::Recovery;
use super::{check_text, content_id, MetaPatch, NewSnapshot, Put, SnapshotStorage, StorageError, StoredSnapshot};
use rusqlite::{params, Connection, OptionalExtension};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS snapshots (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    uploader TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    file_size INTEGER NOT NULL,
    facts TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS tags (
    id TEXT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (id, tag)
);
";

/// Longest name, tag and note accepted.
pub const MAX_NAME: usize = 200;
pub const MAX_TAG: usize = 64;
pub const MAX_TAGS: usize = 32;
pub const MAX_NOTE: usize = 10_000;

pub struct LocalStorage {
    pub(super) dir: PathBuf,
    db: Mutex<Connection>,
    next_temp: AtomicU64,
}

/// Now, in Unix seconds to the microsecond: at most 16 digits, so the time reads back from
/// the sidecar's JSON to the same `f64` the database holds.
fn now() -> f64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
    to_micros(t)
}

pub(crate) fn to_micros(t: f64) -> f64 {
    (t * 1e6).round() / 1e6
}

pub(super) fn is_sha(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl LocalStorage {
    /// Opens (creating if needed) the store in `dir`, cleans up after any crash and rebuilds
    /// the rows the database lacks from the files (see [`Recovery`]).
    pub fn open(dir: &Path) -> Result<(LocalStorage, Recovery), StorageError> {
        create_dir_durable(&dir.join("objects"))?;
        create_dir_durable(&dir.join("tmp"))?;
        let db = Connection::open(dir.join("heaplens.db"))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.pragma_update(None, "foreign_keys", "ON")?;
        db.execute_batch(SCHEMA)?;
        let store = LocalStorage { dir: dir.to_owned(), db: Mutex::new(db), next_temp: AtomicU64::new(0) };
        let recovery = store.recover()?;
        Ok((store, recovery))
    }

    /// Where the bytes with this SHA-256 are kept (`objects/ab/<sha256>.hls`).
    pub fn object_path(&self, sha: &str) -> PathBuf {
        self.dir.join("objects").join(&sha[..2]).join(format!("{sha}.hls"))
    }

    pub(super) fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredSnapshot> {
        let facts: String = row.get(7)?;
        Ok(StoredSnapshot {
            id: row.get(0)?,
            sha256: row.get(1)?,
            name: row.get(2)?,
            note: row.get(3)?,
            uploader: row.get(4)?,
            created: row.get(5)?,
            file_size: row.get::<_, i64>(6)? as u64,
            facts: serde_json::from_str(&facts).unwrap_or(serde_json::Value::Null),
            tags: Vec::new(),
        })
    }

    fn with_tags(db: &Connection, mut s: StoredSnapshot) -> Result<StoredSnapshot, StorageError> {
        let mut st = db.prepare_cached("SELECT tag FROM tags WHERE id = ?1 ORDER BY tag")?;
        s.tags = st.query_map([&s.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(s)
    }

    pub(super) fn get_in(db: &Connection, id: &str) -> Result<Option<StoredSnapshot>, StorageError> {
        let row = db
            .query_row(
                "SELECT id, sha256, name, note, uploader, created, file_size, facts FROM snapshots WHERE id = ?1",
                [id],
                Self::read_row,
            )
            .optional()?;
        row.map(|s| Self::with_tags(db, s)).transpose()
    }

    pub(super) fn insert_row(tx: &Connection, s: &StoredSnapshot) -> Result<(), StorageError> {
        tx.execute(
            "INSERT INTO snapshots (id, sha256, name, note, uploader, created, file_size, facts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![s.id, s.sha256, s.name, s.note, s.uploader, s.created, s.file_size as i64, s.facts.to_string()],
        )?;
        for t in &s.tags {
            tx.execute("INSERT OR IGNORE INTO tags (id, tag) VALUES (?1, ?2)", params![s.id, t])?;
        }
        Ok(())
    }

    /// Lists a stored file that has neither row nor sidecar ([`Recovery::unlisted`]) with the
    /// metadata read from the snapshot itself, stored at `created` (its file's mtime); its
    /// sidecar is written too. `None` when there is no such file or its id is taken.
    pub fn adopt(&self, sha256: &str, new: NewSnapshot, created: f64) -> Result<Option<StoredSnapshot>, StorageError> {
        if !is_sha(sha256) {
            return Err(StorageError::Invalid(format!("not a SHA-256: {sha256:?}")));
        }
        let path = self.object_path(sha256);
        let Ok(m) = fs::metadata(&path) else { return Ok(None) };
        let s = StoredSnapshot {
            id: content_id(sha256),
            sha256: sha256.to_owned(),
            name: new.name,
            tags: normal_tags(new.tags),
            note: new.note,
            uploader: new.uploader,
            created: to_micros(created),
            file_size: m.len(),
            facts: new.facts,
        };
        let mut db = self.db();
        let tx = db.transaction()?;
        if Self::get_in(&tx, &s.id)?.is_some() {
            return Ok(None);
        }
        write_sidecar(&path, &s)?;
        Self::insert_row(&tx, &s)?;
        tx.commit()?;
        Ok(Some(s))
    }
}

fn normal_tags(mut tags: Vec<String>) -> Vec<String> {
    tags.sort();
    tags.dedup();
    tags
}

pub(super) fn check_tags(tags: &[String]) -> Result<(), StorageError> {
    if tags.len() > MAX_TAGS {
        return Err(StorageError::Invalid(format!("at most {MAX_TAGS} tags")));
    }
    for t in tags {
        check_text("a tag", t, MAX_TAG)?;
        if t.trim().is_empty() {
            return Err(StorageError::Invalid("a tag is empty".into()));
        }
    }
    Ok(())
}

impl SnapshotStorage for LocalStorage {
    fn temp_file(&self) -> Result<PathBuf, StorageError> {
        let n = self.next_temp.fetch_add(1, Ordering::Relaxed);
        Ok(self.dir.join("tmp").join(format!("upload-{}-{n}.part", std::process::id())))
    }

    fn put(&self, temp: &Path, sha256: &str, new: NewSnapshot) -> Result<Put, StorageError> {
        if !is_sha(sha256) {
            return Err(StorageError::Invalid(format!("not a SHA-256: {sha256:?}")));
        }
        check_text("the name", &new.name, MAX_NAME)?;
        check_text("the note", &new.note, MAX_NOTE)?;
        check_tags(&new.tags)?;
        let id = content_id(sha256);
        let mut db = self.db();
        if let Some(existing) = Self::get_in(&db, &id)? {
            let _ = fs::remove_file(temp);
            if existing.sha256 != sha256 {
                return Err(StorageError::Invalid(format!("content id {id} already names other bytes")));
            }
            return Ok(Put { snapshot: existing, duplicate: true });
        }
        let path = self.object_path(sha256);
        let shard = path.parent().expect("object path has a folder");
        create_dir_durable(shard)?;
        let temp_file = fs::File::open(temp)?;
        let file_size = temp_file.metadata()?.len();
        let s = StoredSnapshot {
            id: id.clone(),
            sha256: sha256.to_owned(),
            name: new.name,
            tags: normal_tags(new.tags),
            note: new.note,
            uploader: new.uploader,
            created: now(),
            file_size,
            facts: new.facts,
        };
        // the metadata first: a crash after the rename lists the file with it at the next start
        write_sidecar(&path, &s)?;
        temp_file.sync_all()?;
        drop(temp_file);
        fs::rename(temp, &path)?;
        sync_dir(shard)?;
        let tx = db.transaction()?;
        Self::insert_row(&tx, &s)?;
        tx.commit()?;
        Ok(Put { snapshot: s, duplicate: false })
    }

    fn list(&self) -> Result<Vec<StoredSnapshot>, StorageError> {
        let db = self.db();
        let mut st = db.prepare(
            "SELECT id, sha256, name, note, uploader, created, file_size, facts FROM snapshots ORDER BY created, rowid",
        )?;
        let rows: Vec<StoredSnapshot> = st.query_map([], Self::read_row)?.collect::<Result<_, _>>()?;
        rows.into_iter().map(|s| Self::with_tags(&db, s)).collect()
    }

    fn get(&self, id: &str) -> Result<Option<StoredSnapshot>, StorageError> {
        Self::get_in(&self.db(), id)
    }

    fn file(&self, id: &str) -> Result<Option<PathBuf>, StorageError> {
        Ok(self.get(id)?.map(|s| self.object_path(&s.sha256)))
    }

    fn update(&self, id: &str, patch: &MetaPatch) -> Result<Option<StoredSnapshot>, StorageError> {
        if let Some(n) = &patch.name {
            check_text("the name", n, MAX_NAME)?;
            if n.trim().is_empty() {
                return Err(StorageError::Invalid("the name is empty".into()));
            }
        }
        if let Some(n) = &patch.note {
            check_text("the note", n, MAX_NOTE)?;
        }
        if let Some(t) = &patch.tags {
            check_tags(t)?;
        }
        let mut db = self.db();
        let tx = db.transaction()?;
        if Self::get_in(&tx, id)?.is_none() {
            return Ok(None);
        }
        if let Some(n) = &patch.name {
            tx.execute("UPDATE snapshots SET name = ?2 WHERE id = ?1", params![id, n])?;
        }
        if let Some(n) = &patch.note {
            tx.execute("UPDATE snapshots SET note = ?2 WHERE id = ?1", params![id, n])?;
        }
        if let Some(tags) = &patch.tags {
            tx.execute("DELETE FROM tags WHERE id = ?1", [id])?;
            for t in tags {
                tx.execute("INSERT OR IGNORE INTO tags (id, tag) VALUES (?1, ?2)", params![id, t])?;
            }
        }
        let out = Self::get_in(&tx, id)?;
        if let Some(s) = &out {
            // beside the bytes before the commit: a failed write changes nothing
            write_sidecar(&self.object_path(&s.sha256), s)?;
        }
        tx.commit()?;
        Ok(out)
    }

    fn delete(&self, id: &str) -> Result<bool, StorageError> {
        let mut db = self.db();
        let Some(s) = Self::get_in(&db, id)? else { return Ok(false) };
        let tx = db.transaction()?;
        tx.execute("DELETE FROM snapshots WHERE id = ?1", [id])?;
        tx.commit()?;
        drop(db);
        let path = self.object_path(&s.sha256);
        // the saved index (derived data) first, then the bytes, then their metadata (a crash
        // before the bytes are gone lists the snapshot again at the next start: never lost)
        let _ = fs::remove_file(path.with_extension("idx"));
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        let _ = fs::remove_file(sidecar_path(&path));
        sync_dir(path.parent().expect("object folder"))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn sha(bytes: &[u8]) -> String {
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    }

    fn upload(s: &LocalStorage, bytes: &[u8], name: &str) -> Put {
        let t = s.temp_file().unwrap();
        fs::write(&t, bytes).unwrap();
        s.put(&t, &sha(bytes), NewSnapshot { name: name.into(), uploader: "test".into(), ..Default::default() })
            .unwrap()
    }

    #[test]
    fn stores_by_content_dedupes_edits_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let (s, rec) = LocalStorage::open(dir.path()).unwrap();
        assert_eq!(rec, Recovery::default());
        let a = upload(&s, b"first bytes", "a.hls");
        assert!(!a.duplicate);
        assert_eq!(a.snapshot.id, &sha(b"first bytes")[..16]);
        let again = upload(&s, b"first bytes", "other name.hls");
        assert!(again.duplicate, "same bytes: the stored snapshot");
        assert_eq!(again.snapshot.name, "a.hls");
        let b = upload(&s, b"second", "b.hls");
        assert_eq!(
            s.list().unwrap().iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
            vec![a.snapshot.id.clone(), b.snapshot.id.clone()]
        );
        assert_eq!(fs::read(s.file(&a.snapshot.id).unwrap().unwrap()).unwrap(), b"first bytes");
        let patch = MetaPatch {
            name: Some("renamed".into()),
            tags: Some(vec!["prod".into(), "leak".into(), "prod".into()]),
            note: Some("grew after deploy".into()),
        };
        let u = s.update(&a.snapshot.id, &patch).unwrap().unwrap();
        assert_eq!(
            (u.name.as_str(), u.tags.clone(), u.note.as_str()),
            ("renamed", vec!["leak".into(), "prod".into()], "grew after deploy")
        );
        assert!(s.update("nope", &patch).unwrap().is_none());
        let bad = MetaPatch { name: Some("x\u{7}".into()), ..Default::default() };
        assert!(s.update(&a.snapshot.id, &bad).unwrap_err().to_string().contains("control characters"));
        assert!(s.delete(&a.snapshot.id).unwrap());
        assert!(!s.delete(&a.snapshot.id).unwrap());
        assert!(s.get(&a.snapshot.id).unwrap().is_none());
        assert_eq!(s.list().unwrap().len(), 1);
        // reopened: what was committed is there, with its metadata
        drop(s);
        let (s, rec) = LocalStorage::open(dir.path()).unwrap();
        assert_eq!(rec, Recovery::default());
        assert_eq!(s.list().unwrap(), vec![b.snapshot]);
    }

    #[test]
    fn a_crash_leaves_nothing_half_listed_and_deletes_no_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = LocalStorage::open(dir.path()).unwrap();
        let kept = upload(&s, b"kept", "kept.hls");
        // an upload cut off mid-stream, and a file renamed into place whose row was never committed
        fs::write(s.temp_file().unwrap(), b"half an upl").unwrap();
        let orphan = sha(b"orphan");
        fs::create_dir_all(dir.path().join("objects").join(&orphan[..2])).unwrap();
        fs::write(s.object_path(&orphan), b"orphan").unwrap();
        drop(s);
        let (s, rec) = LocalStorage::open(dir.path()).unwrap();
        assert_eq!((rec.temp_files_removed, rec.stray_files_removed), (1, 0));
        assert_eq!(rec.unlisted, vec![orphan.clone()], "kept, for the store to list from its META");
        assert_eq!(s.list().unwrap(), vec![kept.snapshot.clone()]);
        assert_eq!(fs::read(s.object_path(&orphan)).unwrap(), b"orphan");
        let adopted = s.adopt(&orphan, NewSnapshot { name: "found".into(), ..Default::default() }, 5.0).unwrap();
        assert_eq!(adopted.unwrap().created, 5.0);
        // the database lost: every row comes back from the sidecars
        drop(s);
        for f in ["heaplens.db", "heaplens.db-wal", "heaplens.db-shm"] {
            let _ = fs::remove_file(dir.path().join(f));
        }
        let (s, rec) = LocalStorage::open(dir.path()).unwrap();
        assert_eq!(rec.rows_restored.len(), 2, "{rec:?}");
        assert_eq!(s.list().unwrap().iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), vec!["found", "kept.hls"]);
        // a sidecar whose values no client could have set is not trusted: listed from META instead
        drop(s);
        let car = super::super::durable::sidecar_path(
            &dir.path().join("objects").join(&orphan[..2]).join(format!("{orphan}.hls")),
        );
        let text = fs::read_to_string(&car).unwrap().replace("\"found\"", &format!("\"{}\"", "n".repeat(MAX_NAME + 1)));
        fs::write(&car, text).unwrap();
        fs::remove_file(dir.path().join("heaplens.db")).unwrap();
        let (s, rec) = LocalStorage::open(dir.path()).unwrap();
        assert_eq!((rec.rows_restored.len(), rec.unlisted.clone()), (1, vec![orphan.clone()]));
        // a row whose file vanished is reported, not served
        fs::remove_file(s.object_path(&kept.snapshot.sha256)).unwrap();
        drop(s);
        let (_, rec) = LocalStorage::open(dir.path()).unwrap();
        assert_eq!(rec.missing_files, vec![kept.snapshot.id]);
    }

    #[test]
    fn refuses_bad_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = LocalStorage::open(dir.path()).unwrap();
        let t = s.temp_file().unwrap();
        fs::write(&t, b"x").unwrap();
        let e = s.put(&t, "../../etc/passwd", NewSnapshot::default()).unwrap_err();
        assert!(e.to_string().contains("not a SHA-256"), "{e}");
        let long = NewSnapshot { name: "n".repeat(MAX_NAME + 1), ..Default::default() };
        assert!(s.put(&t, &sha(b"x"), long).unwrap_err().to_string().contains("longer than"));
        let tags = NewSnapshot { tags: vec![" ".into()], ..Default::default() };
        assert!(s.put(&t, &sha(b"x"), tags).unwrap_err().to_string().contains("empty"));
    }
}
