//! The agent the binary carries (`capture/heaplens`, embedded at build time) and its
//! placement in a folder the target can read: under the target's own `/tmp`, reached through
//! `/proc/PID/root` (another root filesystem when the target runs in a container), owned by
//! the target's user, removed afterwards.

use super::target::Target;
use super::AttachError;
use std::os::unix::fs::{chown, PermissionsExt};
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/agent_files.rs"));

const BOOTSTRAP: &str = include_str!("bootstrap.py");

/// The agent's folder in the target: where it imports `heaplens` from, where it writes the
/// snapshot and its status. Removed on drop.
pub struct Placement {
    /// The folder as the target names it (`/tmp/heaplens-attach-…`).
    pub inside: PathBuf,
    /// The same folder as this process reaches it (`/proc/PID/root/tmp/heaplens-attach-…`).
    pub host: PathBuf,
}

/// What the bootstrap is told (strings only, so the JSON is also a Python literal).
pub struct Config<'a> {
    pub name: &'a str,
    pub url: Option<&'a str>,
    pub token: Option<&'a str>,
    /// `dump(fork=True)`: the target forks and a child walks (a short pause).
    pub fork: bool,
    /// `dump(track=True)`: remember identities so two attaches give an identity diff.
    pub track: bool,
}

impl Placement {
    /// Writes the agent and a bootstrap carrying `config` into a new folder under the
    /// target's `/tmp`.
    pub fn create(target: &Target, config: &Config) -> Result<Placement, AttachError> {
        let nonce: u64 = {
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).map_err(|e| AttachError::Io(format!("no randomness: {e}")))?;
            u64::from_le_bytes(b)
        };
        let inside = PathBuf::from(format!("/tmp/heaplens-attach-{}-{nonce:016x}", target.pid));
        let host = target.host_path(&inside);
        let placement = Placement { inside, host };
        let io = |what: &str, p: &Path, e: std::io::Error| {
            AttachError::Io(format!("cannot {what} {} (the target's /tmp): {e}", p.display()))
        };
        std::fs::create_dir(&placement.host).map_err(|e| io("create", &placement.host, e))?;
        let package = placement.host.join("heaplens");
        std::fs::create_dir(&package).map_err(|e| io("create", &package, e))?;
        for (name, source) in AGENT_FILES {
            let p = package.join(name);
            std::fs::write(&p, source).map_err(|e| io("write", &p, e))?;
        }
        let cfg = serde_json::json!({
            "dir": placement.inside.to_str(),
            "out": placement.inside.join("snapshot.hls").to_str(),
            "status": placement.inside.join("status.json").to_str(),
            "started": placement.inside.join("started").to_str(),
            "name": config.name,
            "url": config.url.unwrap_or(""),
            "token": config.token.unwrap_or(""),
            "fork": if config.fork { "yes" } else { "no" },
            "track": if config.track { "yes" } else { "no" },
        });
        let p = placement.host.join("bootstrap.py");
        std::fs::write(&p, format!("CONFIG = {cfg}\n{BOOTSTRAP}")).map_err(|e| io("write", &p, e))?;
        // PEP 768 runs a file: this one binds no name wherever the target runs it
        let remote = placement.host.join("remote.py");
        std::fs::write(&remote, format!("{}\n", placement.one_liner())).map_err(|e| io("write", &remote, e))?;
        // the target's user must read the agent and write the snapshot
        for entry in [placement.host.clone(), package.clone()]
            .into_iter()
            .chain(std::fs::read_dir(&package).into_iter().flatten().flatten().map(|e| e.path()))
            .chain([p, remote])
        {
            let mode = if entry.is_dir() { 0o700 } else { 0o600 };
            std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode))
                .map_err(|e| io("chmod", &entry, e))?;
            if let Err(e) = chown(&entry, Some(target.uid), Some(target.gid)) {
                // only root may give files away; the same user needs not
                if e.kind() != std::io::ErrorKind::PermissionDenied {
                    return Err(io("chown", &entry, e));
                }
            }
        }
        Ok(placement)
    }

    /// One line of Python that runs the bootstrap: no name is bound where it runs (the
    /// target's `__main__`), and the file is closed before anything else happens (an
    /// unclosed file's ResourceWarning would give `__main__` a `__warningregistry__`).
    pub fn one_liner(&self) -> String {
        format!(
            "exec((lambda f: (f.read(), f.close())[0])(open('{}')), {{'__name__': 'heaplens_attach'}})",
            self.inside.join("bootstrap.py").display()
        )
    }

    /// The PEP 768 script (the one-liner), as the target names it.
    pub fn remote_script(&self) -> PathBuf {
        self.inside.join("remote.py")
    }

    /// Whether the bootstrap has run (it claims the capture by creating this file first).
    pub fn started(&self) -> bool {
        self.host.join("started").exists()
    }

    /// The snapshot the target writes, as this process reaches it.
    pub fn snapshot(&self) -> PathBuf {
        self.host.join("snapshot.hls")
    }

    /// The snapshot while it is written (the agent renames it when done).
    pub fn partial(&self) -> PathBuf {
        self.host.join("snapshot.hls.tmp")
    }

    /// The status the bootstrap writes when the capture ends.
    pub fn status(&self) -> PathBuf {
        self.host.join("status.json")
    }
}

impl Drop for Placement {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.host);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_whole_agent_is_embedded() {
        let names: Vec<&str> = super::AGENT_FILES.iter().map(|f| f.0).collect();
        assert!(names.contains(&"__init__.py"), "{names:?}");
        assert!(names.iter().any(|n| n.contains("walk")), "{names:?}");
        let init = super::AGENT_FILES.iter().find(|f| f.0 == "__init__.py").unwrap().1;
        assert!(init.contains("def dump("));
    }
}
