//! `heaplens attach PID`: capture a running CPython process that never imported heaplens.
//!
//! [`target`] reads `/proc/PID` (a CPython? which version? whose? which root filesystem?),
//! [`agent`] places the agent the binary carries in a folder the target can import from,
//! [`gdb`] makes the target exec a bootstrap that starts the capture on a new thread, and
//! this module waits for the snapshot, reporting progress (objects written so far, read
//! from the growing file), then moves it where the user asked. The target is never
//! stopped longer than the injection takes; a failure at any step leaves it running.

pub mod agent;
pub mod gdb;
pub mod progress;
pub mod remote_exec;
pub mod target;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Why an attach failed; each names the cause and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("no such process: {0} (is the PID right, and is the process still running?)")]
    NoProcess(u32),
    #[error("process {pid} is not a CPython process ({exe}); heaplens attaches to CPython 3.9 and later")]
    NotPython { pid: u32, exe: String },
    #[error("process {pid} runs CPython {}.{}; heaplens attaches to CPython 3.9 and later", .version.0, .version.1)]
    Unsupported { pid: u32, version: (u32, u32) },
    #[error(
        "not permitted to trace process {pid} (owned by uid {uid}): {detail}. Run heaplens as the same user or as root; \
         ptrace may also be refused by the Yama scope (/proc/sys/kernel/yama/ptrace_scope: 1 allows only a parent; \
         set it to 0, or run as root), by a container without CAP_SYS_PTRACE (add --cap-add=SYS_PTRACE) or by a seccomp profile"
    )]
    NotPermitted { pid: u32, uid: u32, detail: String },
    #[error(
        "process {pid} has remote debugging disabled ({how}); heaplens respects that. Restart it without \
         the setting to allow captures, or capture from inside with `heaplens.dump()`"
    )]
    RemoteDebugDisabled { pid: u32, how: &'static str },
    #[error("gdb is not installed: heaplens attaches to CPython through gdb (`apt-get install gdb`, or `./scripts/dev.sh setup`)")]
    NoGdb,
    #[error(
        "gdb cannot find CPython's symbols in process {pid} ({exe}): the interpreter is stripped or embedded; \
         install its debug symbols or use a python binary that exports PyGILState_Ensure"
    )]
    NoSymbols { pid: u32, exe: String },
    #[error(
        "the main thread of process {pid} kept running Python code: through gdb (CPython before 3.14) heaplens \
         injects only while it waits in a system call, since running code in the middle of whatever it \
         executes can crash it. Retry when it is idle or blocked, or use CPython 3.14+ (PEP 768 waits for a safe point)"
    )]
    MainThreadBusy { pid: u32 },
    #[error("injecting the agent failed: {0}")]
    Injection(String),
    #[error("the capture failed in the target: {0}")]
    Capture(String),
    #[error("process {pid} exited during the capture")]
    Exited { pid: u32 },
    #[error("timed out after {seconds} s while {stage}; the target keeps running (raise --timeout for a large heap)")]
    Timeout { seconds: f64, stage: &'static str },
    #[error("{0}")]
    Io(String),
}

/// What to capture and where it goes.
pub struct Options {
    pub pid: u32,
    /// Where to put the snapshot (default `heaplens-PID.hls`), unless it is uploaded.
    pub out: Option<PathBuf>,
    /// Upload to this heaplens server instead (the target sends it).
    pub server: Option<String>,
    pub token: Option<String>,
    pub name: Option<String>,
    pub fork: bool,
    pub track: bool,
    pub timeout: Duration,
    /// Progress lines to stderr.
    pub progress: bool,
}

/// What an attach produced.
#[derive(Debug)]
pub struct Outcome {
    /// The snapshot file (None when uploaded).
    pub file: Option<PathBuf>,
    /// The agent's statistics (or the server's answer to the upload).
    pub stats: serde_json::Value,
    pub python: String,
    pub seconds: f64,
}

/// Attaches, captures and returns when the snapshot is complete (or the attempt failed).
pub fn attach(opts: &Options) -> Result<Outcome, AttachError> {
    let started = Instant::now();
    let target = target::Target::inspect(opts.pid)?;
    let name = opts.name.clone().unwrap_or_else(|| format!("attach-{}", opts.pid));
    let config = agent::Config {
        name: &name,
        url: opts.server.as_deref(),
        token: opts.token.as_deref(),
        fork: opts.fork,
        track: opts.track,
    };
    let placement = agent::Placement::create(&target, &config)?;
    let say = |line: String| {
        if opts.progress {
            eprintln!("heaplens: {line}");
        }
    };
    say(format!("attaching to process {} (CPython {})", target.pid, target.version_text()));
    start(&target, &placement, opts.timeout, &say)?;
    say("agent started in the target; capturing".to_owned());
    let mut reader = progress::Progress::default();
    let mut last_report = Instant::now();
    let status: serde_json::Value = loop {
        if let Ok(text) = std::fs::read_to_string(placement.status()) {
            break serde_json::from_str(&text).map_err(|e| AttachError::Capture(format!("unreadable status: {e}")))?;
        }
        if !target.alive() {
            return Err(AttachError::Exited { pid: target.pid });
        }
        if started.elapsed() > opts.timeout {
            return Err(AttachError::Timeout {
                seconds: opts.timeout.as_secs_f64(),
                stage: "waiting for the snapshot",
            });
        }
        if last_report.elapsed() > Duration::from_millis(500) {
            reader.advance(&placement.partial());
            if reader.objects > 0 {
                say(format!("{} objects written ({:.1} MB)", reader.objects, reader.offset as f64 / 1e6));
            }
            last_report = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    if status["ok"] != true {
        return Err(AttachError::Capture(status["error"].as_str().unwrap_or("unknown error").to_owned()));
    }
    let python = status["python"].as_str().unwrap_or_default().to_owned();
    let stats = status["stats"].clone();
    let file = if opts.server.is_some() {
        None
    } else {
        let dest = opts.out.clone().unwrap_or_else(|| PathBuf::from(format!("heaplens-{}.hls", opts.pid)));
        move_file(&placement.snapshot(), &dest)?;
        Some(dest)
    };
    Ok(Outcome { file, stats, python, seconds: started.elapsed().as_secs_f64() })
}

/// How long a PEP 768 request may wait for the target's next safe point before gdb is used.
const REMOTE_EXEC_WAIT: Duration = Duration::from_millis(1500);

/// Makes the target run the bootstrap: on 3.14+ first through PEP 768 (nothing is stopped);
/// when that is not possible, or the target does not reach a safe point soon (it is blocked
/// in a system call), through gdb.
fn start(
    target: &target::Target,
    placement: &agent::Placement,
    timeout: Duration,
    say: &dyn Fn(String),
) -> Result<(), AttachError> {
    if target.version >= (3, 14) {
        if let Some(pending) = remote_exec::request(target, &placement.remote_script())? {
            let asked = Instant::now();
            while asked.elapsed() < REMOTE_EXEC_WAIT {
                if placement.started() {
                    say("the target ran the agent's bootstrap (PEP 768)".to_owned());
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            pending.cancel(target);
            if placement.started() {
                return Ok(());
            }
            say("the target did not reach a safe point (blocked in a system call?): using gdb".to_owned());
        }
    }
    // through gdb, at a moment the main thread waits in a system call (a few tries)
    let tried = Instant::now();
    loop {
        match gdb::inject(target, &placement.one_liner(), timeout) {
            Err(AttachError::MainThreadBusy { .. }) if tried.elapsed() < GDB_RETRY && !placement.started() => {
                std::thread::sleep(Duration::from_millis(150));
            }
            other => return other,
        }
    }
}

/// How long to retry gdb while the main thread runs instead of waiting in a system call.
const GDB_RETRY: Duration = Duration::from_secs(3);

/// Moves the finished snapshot out of the target's `/tmp` (a copy when it is another
/// filesystem, as a container's is).
fn move_file(from: &std::path::Path, to: &std::path::Path) -> Result<(), AttachError> {
    let err = |e: std::io::Error| AttachError::Io(format!("cannot write {}: {e}", to.display()));
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    let tmp = to.with_extension("hls.tmp");
    std::fs::copy(from, &tmp).map_err(err)?;
    std::fs::rename(&tmp, to).map_err(err)
}
