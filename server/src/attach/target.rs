//! The process to attach to, read from `/proc`: that it exists, that it is a CPython (and
//! which version), who owns it, and the root filesystem it sees (another one in a container).

use super::AttachError;
use std::path::{Path, PathBuf};

/// A running CPython process.
#[derive(Debug, Clone)]
pub struct Target {
    pub pid: u32,
    /// `(major, minor)`, e.g. `(3, 11)`.
    pub version: (u32, u32),
    /// Its executable as its own root names it (`/usr/bin/python3.11`).
    pub exe: PathBuf,
    /// `/proc/PID/root`: paths the target opens resolve here.
    pub root: PathBuf,
    /// Its real user and group ids.
    pub uid: u32,
    pub gid: u32,
}

impl Target {
    /// Reads `/proc/PID` and checks that the process is a CPython we can capture.
    pub fn inspect(pid: u32) -> Result<Target, AttachError> {
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        let status = std::fs::read_to_string(proc_dir.join("status")).map_err(|_| AttachError::NoProcess(pid))?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|v| v.parse::<u32>().ok())
        };
        let (uid, gid) = (field("Uid:").unwrap_or(0), field("Gid:").unwrap_or(0));
        if status.lines().any(|l| l.starts_with("State:") && l.contains("zombie")) {
            return Err(AttachError::NoProcess(pid));
        }
        let exe = std::fs::read_link(proc_dir.join("exe")).map_err(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied => AttachError::NotPermitted { pid, uid, detail: e.to_string() },
            _ => AttachError::NoProcess(pid),
        })?;
        let maps = std::fs::read_to_string(proc_dir.join("maps")).map_err(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied => AttachError::NotPermitted { pid, uid, detail: e.to_string() },
            _ => AttachError::NoProcess(pid),
        })?;
        let version = python_version(&exe, &maps)
            .ok_or_else(|| AttachError::NotPython { pid, exe: exe.display().to_string() })?;
        if version < (3, 9) {
            return Err(AttachError::Unsupported { pid, version });
        }
        if version >= (3, 14) {
            if let Some(how) = remote_debug_disabled(&proc_dir) {
                return Err(AttachError::RemoteDebugDisabled { pid, how });
            }
        }
        Ok(Target { pid, version, exe, root: proc_dir.join("root"), uid, gid })
    }

    /// The host path of a path inside the target's root filesystem.
    pub fn host_path(&self, inside: &Path) -> PathBuf {
        self.root.join(inside.strip_prefix("/").unwrap_or(inside))
    }

    /// Whether the process still runs (and is not a zombie).
    pub fn alive(&self) -> bool {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .map(|s| !s.lines().any(|l| l.starts_with("State:") && l.contains("zombie")))
            .unwrap_or(false)
    }

    pub fn version_text(&self) -> String {
        format!("{}.{}", self.version.0, self.version.1)
    }
}

/// How a 3.14+ target refused remote debugging (PEP 768), if it did: heaplens honours it
/// whichever way it attaches.
fn remote_debug_disabled(proc_dir: &Path) -> Option<&'static str> {
    let nul_separated = |name: &str| -> Vec<String> {
        std::fs::read(proc_dir.join(name))
            .map(|b| b.split(|&c| c == 0).map(|s| String::from_utf8_lossy(s).into_owned()).collect())
            .unwrap_or_default()
    };
    let env = nul_separated("environ");
    if env.iter().any(|v| v.strip_prefix("PYTHON_DISABLE_REMOTE_DEBUG=").is_some_and(|v| !v.is_empty())) {
        return Some("PYTHON_DISABLE_REMOTE_DEBUG is set in its environment");
    }
    let args = nul_separated("cmdline");
    let x_option = args.windows(2).any(|w| w[0] == "-X" && w[1] == "disable-remote-debug")
        || args.iter().any(|a| a == "-Xdisable-remote-debug");
    x_option.then_some("it was started with -X disable-remote-debug")
}

/// The CPython version of a process: from a mapped `libpython3.X` (a shared build) or the
/// executable's name (`python3.X`, as Debian, pyenv and the official builds install it).
fn python_version(exe: &Path, maps: &str) -> Option<(u32, u32)> {
    let from_name = |name: &str| -> Option<(u32, u32)> {
        let rest = name.strip_prefix("libpython").or_else(|| name.strip_prefix("python"))?;
        let (major, rest) = rest.split_once('.')?;
        let minor: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        Some((major.parse().ok()?, minor.parse().ok()?))
    };
    let lib = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter_map(|p| Path::new(p).file_name()?.to_str())
        .find_map(|n| n.starts_with("libpython3.").then(|| from_name(n)).flatten());
    lib.or_else(|| exe.file_name()?.to_str().and_then(from_name)).filter(|v| v.0 == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_libpython_or_the_executable_name() {
        let maps = "7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libpython3.12.so.1.0\n";
        assert_eq!(python_version(Path::new("/usr/bin/python3"), maps), Some((3, 12)));
        assert_eq!(python_version(Path::new("/root/.pyenv/versions/3.11.7/bin/python3.11"), ""), Some((3, 11)));
        assert_eq!(
            python_version(Path::new("/usr/bin/python3.15"), "7f-8f r-xp 0 0:1 1 /usr/lib/libc.so.6\n"),
            Some((3, 15))
        );
        assert_eq!(python_version(Path::new("/usr/bin/sleep"), "7f-8f r-xp 0 0:1 1 /usr/lib/libc.so.6\n"), None);
        assert_eq!(python_version(Path::new("/usr/bin/python2.7"), ""), None);
    }
}
