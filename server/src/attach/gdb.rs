//! Injection through Debian's `gdb` (CPython 3.9–3.13, and later versions too): attach,
//! take the GIL with `PyGILState_Ensure`, run one line that execs the bootstrap (which only
//! starts the capture thread), release the GIL, detach. gdb reads the target's own files
//! (`sysroot /proc/PID/root`: the right libc in a container), never the network
//! (debuginfod off), never a `.gdbinit` (`-nx`), and unwinds a call that faults instead of
//! leaving the target stopped in it.

use super::target::Target;
use super::AttachError;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `code` (one line of Python without double quotes) in the target.
pub fn inject(target: &Target, code: &str, timeout: Duration) -> Result<(), AttachError> {
    let pid = target.pid.to_string();
    // The calls run on the main thread, so only while it waits in a system call: stopped
    // anywhere else it may be inside the allocator or half-way through an instruction, and
    // running Python code there can crash the target (seen with a busy main thread).
    let script = format!(
        "shell test \"$(cut -d' ' -f1 /proc/{pid}/syscall)\" -ge 0 2>/dev/null\n\
         if $_shell_exitcode == 0\n\
           call (int) PyGILState_Ensure()\n\
           call (int) PyRun_SimpleString(\"{code}\")\n\
           call (void) PyGILState_Release($1)\n\
         else\n\
           echo HEAPLENS_MAIN_THREAD_RUNNING\\n\n\
         end\n\
         detach\n"
    );
    let script_file = std::env::temp_dir().join(format!("heaplens-attach-{pid}-{}.gdb", std::process::id()));
    std::fs::write(&script_file, script).map_err(|e| AttachError::Io(format!("cannot write the gdb script: {e}")))?;
    let root = target.root.display().to_string();
    let args = [
        "-nx".to_owned(),
        "-batch".to_owned(),
        "-q".to_owned(),
        "-iex".to_owned(),
        format!("set sysroot {root}"),
        "-iex".to_owned(),
        "set debuginfod enabled off".to_owned(),
        "-iex".to_owned(),
        "set auto-load no".to_owned(),
        "-ex".to_owned(),
        "set unwindonsignal on".to_owned(),
        "-ex".to_owned(),
        "set confirm off".to_owned(),
        format!("/proc/{pid}/exe"),
        "-p".to_owned(),
        pid.clone(),
        "-x".to_owned(),
        script_file.display().to_string(),
    ];
    let mut child = Command::new("gdb")
        .args(&args)
        .env("DEBUGINFOD_URLS", "")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AttachError::NoGdb,
            _ => AttachError::Io(format!("cannot run gdb: {e}")),
        })?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| AttachError::Io(e.to_string()))? {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(AttachError::Timeout { seconds: timeout.as_secs_f64(), stage: "gdb injecting the agent" });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    let mut err = String::new();
    child.stdout.take().map(|mut s| s.read_to_string(&mut out));
    child.stderr.take().map(|mut s| s.read_to_string(&mut err));
    let _ = std::fs::remove_file(&script_file);
    if out.contains("HEAPLENS_MAIN_THREAD_RUNNING") {
        return Err(AttachError::MainThreadBusy { pid: target.pid });
    }
    classify(target, &out, &err, status.success())
}

/// Reads gdb's output: the three calls' values (`$1`, `$2 = 0`, detached) or why it failed.
fn classify(target: &Target, out: &str, err: &str, success: bool) -> Result<(), AttachError> {
    let pid = target.pid;
    let both = format!("{out}\n{err}");
    if both.contains("ptrace: Operation not permitted") || both.contains("Could not attach to process") {
        return Err(AttachError::NotPermitted { pid, uid: target.uid, detail: first_line(err) });
    }
    if both.contains("ptrace: No such process") || both.contains("No such process") {
        return Err(AttachError::NoProcess(pid));
    }
    if both.contains("No symbol \"PyGILState_Ensure\"")
        || both.contains("No symbol \"PyRun_SimpleString\"")
        || both.contains("No symbol table is loaded")
    {
        return Err(AttachError::NoSymbols { pid, exe: target.exe.display().to_string() });
    }
    if both.contains("The program being debugged was signaled") || both.contains("received signal") {
        return Err(AttachError::Injection(format!(
            "a call into the target faulted and was unwound: {}",
            first_line(err)
        )));
    }
    let value =
        |n: u32| out.lines().find_map(|l| l.trim().strip_prefix(&format!("${n} = ")).map(|v| v.trim().to_owned()));
    match value(2).as_deref() {
        Some("0") if success || value(1).is_some() => Ok(()),
        Some(v) => Err(AttachError::Injection(format!(
            "the bootstrap raised in the target (PyRun_SimpleString returned {v}; see the target's stderr)"
        ))),
        None => Err(AttachError::Injection(format!("gdb did not run the bootstrap: {}", first_line(&both)))),
    }
}

fn first_line(s: &str) -> String {
    s.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("warning:")).unwrap_or("").to_owned()
}
