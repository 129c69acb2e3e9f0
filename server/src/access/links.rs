//! The share links a server has issued: each has an id (random, inside its signed token),
//! its snapshot, when it was made and when it expires. A link works only while its record
//! is here, so deleting the record revokes it. With a data folder the records are kept in
//! `shares.json` (written whole, atomically, on every change) and survive restarts; expired
//! records are dropped whenever one is added.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One issued link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRecord {
    pub id: String,
    pub snapshot: String,
    /// Unix seconds.
    pub created: u64,
    /// Unix seconds when it stops working.
    pub expires: u64,
}

/// The issued links, in the order they were made.
pub struct Links {
    file: Option<PathBuf>,
    records: Mutex<Vec<LinkRecord>>,
}

impl Links {
    /// Links kept in memory only (no data folder): they end with the process.
    pub fn in_memory() -> Links {
        Links { file: None, records: Mutex::new(Vec::new()) }
    }

    /// The links kept in `file` (none yet if it does not exist). A file that cannot be read
    /// is an error naming it: starting without it would revive no link but would lose the
    /// records of every link still out there on the next write.
    pub fn open(file: &Path) -> Result<Links, String> {
        let records = match std::fs::read(file) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{}: not a share-link list ({e}); move it away to start over", file.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(format!("{}: {e}", file.display())),
        };
        Ok(Links { file: Some(file.to_owned()), records: Mutex::new(records) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<LinkRecord>> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn save(&self, records: &[LinkRecord]) -> std::io::Result<()> {
        match &self.file {
            Some(f) => {
                let bytes = serde_json::to_vec_pretty(records).map_err(std::io::Error::other)?;
                crate::store::storage::durable::write_atomic(f, &bytes, Some(0o600))
            }
            None => Ok(()),
        }
    }

    /// Records a new link (and drops the expired ones), kept before it is handed out.
    pub fn add(&self, rec: LinkRecord, now: u64) -> std::io::Result<()> {
        let mut r = self.lock();
        let mut next: Vec<LinkRecord> = r.iter().filter(|l| l.expires > now).cloned().collect();
        next.push(rec);
        self.save(&next)?;
        *r = next;
        Ok(())
    }

    /// Whether link `id` of `snapshot` is issued, not revoked and not expired at `now`.
    pub fn live(&self, id: &str, snapshot: &str, now: u64) -> bool {
        self.lock().iter().any(|l| l.id == id && l.snapshot == snapshot && l.expires > now)
    }

    /// The working links of a snapshot, oldest first.
    pub fn of(&self, snapshot: &str, now: u64) -> Vec<LinkRecord> {
        self.lock().iter().filter(|l| l.snapshot == snapshot && l.expires > now).cloned().collect()
    }

    /// Revokes link `id`: whether there was such a link.
    pub fn revoke(&self, id: &str) -> std::io::Result<bool> {
        let mut r = self.lock();
        if !r.iter().any(|l| l.id == id) {
            return Ok(false);
        }
        let next: Vec<LinkRecord> = r.iter().filter(|l| l.id != id).cloned().collect();
        self.save(&next)?;
        *r = next;
        Ok(true)
    }
}
