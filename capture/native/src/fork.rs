//! `fork(watchdog, before, interval_us, report_fd)`: the raw `fork()` behind
//! `heaplens.dump(fork=True)`, and the child's repair of the GIL's locks.

use pyo3::exceptions::PyOSError;
use pyo3::ffi;
use pyo3::prelude::*;

/// Forks this process while holding the GIL, without the interpreter's fork handlers:
/// `os.fork()` runs `PyOS_AfterFork_Child`, which deletes every other thread's state and
/// with it the frames (and what they hold) the snapshot must show, and the program's
/// `os.register_at_fork` callbacks, which are the program's code.  Returns the child's
/// pid in the parent and 0 in the child.
///
/// In the child, before any bytecode runs:
/// * every signal with a handler (Python's or a C library's, e.g. faulthandler's) gets its
///   default action back, so no handler of the program runs there and a signal ends the
///   child as it would a plain process (ignored signals stay ignored);
/// * SIGALRM is unblocked and `alarm(watchdog)` ends the child if it still runs then
///   (a lock that another thread held when the process forked is never released there);
/// * the GIL's condition variables and mutexes are made new and a pending switch request
///   is served (`repair_gil`): the other threads that waited on them do not exist in the
///   child, glibc's `pthread_cond_signal` waits for such waiters forever, and CPython's
///   `drop_gil` waits for a requesting thread to take the GIL, so the first release of the
///   GIL (any I/O, any switch) would hang;
/// * `before()` is called (`gc.disable`: a collection would run the program's finalizers).
///
/// If the GIL cannot be repaired the child writes a JSON report to `report_fd` and
/// `_exit`s at once, without running any bytecode.
#[pyfunction]
pub(crate) fn fork(
    py: Python<'_>,
    watchdog: u32,
    before: &Bound<'_, PyAny>,
    interval_us: u64,
    report_fd: i32,
) -> PyResult<i32> {
    let monotonic = py.version_info() >= (3, 11);
    // SAFETY: the child only resets signal dispositions, sets an alarm, re-initialises
    // the GIL's pthread objects (which no thread of the child uses: this one holds the
    // GIL) and calls `before` with the GIL held.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(PyOSError::new_err(format!(
            "heaplens: fork() failed: {}",
            std::io::Error::last_os_error()
        )));
    }
    if pid == 0 {
        unsafe {
            child_signals(watchdog);
            if let Err(why) = repair_gil(interval_us, monotonic) {
                let msg = format!(
                    "{{\"ok\": false, \"error\": \"fork=True is not supported by this interpreter: {}\"}}",
                    why
                );
                libc::write(report_fd, msg.as_ptr().cast(), msg.len());
                libc::_exit(1);
            }
        }
        before.call0()?;
    }
    Ok(pid)
}

/// Default actions for every handled signal, then the watchdog alarm.
unsafe fn child_signals(watchdog: u32) {
    for sig in 1..=libc::SIGRTMAX() {
        if sig == libc::SIGKILL || sig == libc::SIGSTOP {
            continue;
        }
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(sig, std::ptr::null(), &mut old) != 0 {
            continue;
        }
        if old.sa_sigaction != libc::SIG_IGN && old.sa_sigaction != libc::SIG_DFL {
            let mut dfl: libc::sigaction = std::mem::zeroed();
            dfl.sa_sigaction = libc::SIG_DFL;
            libc::sigemptyset(&mut dfl.sa_mask);
            libc::sigaction(sig, &dfl, std::ptr::null_mut());
        }
    }
    let mut set: libc::sigset_t = std::mem::zeroed();
    libc::sigemptyset(&mut set);
    libc::sigaddset(&mut set, libc::SIGALRM);
    libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    libc::alarm(watchdog);
}

/// CPython's `struct _gil_runtime_state` (the same on 3.9 to 3.15 with the GIL, Linux,
/// `FORCE_SWITCHING`): found in `_PyRuntime` (which holds the main interpreter's GIL on
/// every version) as the one place where the switch interval (µs) is followed by this
/// thread's state (`last_holder`: it holds the GIL) and `locked == 1`.
#[repr(C)]
struct Gil {
    interval: libc::c_ulong,
    last_holder: *mut ffi::PyThreadState,
    locked: libc::c_int,
    switch_number: libc::c_ulong,
    cond: libc::pthread_cond_t,
    mutex: libc::pthread_mutex_t,
    switch_cond: libc::pthread_cond_t,
    switch_mutex: libc::pthread_mutex_t,
}

/// What `PyOS_AfterFork_Child` does to the GIL (CPython's `recreate_gil`), without
/// deleting the other threads' states: new mutexes and condition variables.  Then one
/// hand-over of the GIL to a short-lived thread of the child and back: a thread that
/// waited for the GIL when the process forked may have asked for it (a switch request),
/// and CPython's `drop_gil` then waits until another thread has taken it: only a thread
/// that exists can, so this one does (`PyGILState_Ensure`, `PyGILState_Release`), which
/// also clears the request.  (`drop_gil` records its caller as the last holder, so no
/// field can be reset instead; the request itself sits at offsets that change with
/// every version.)
unsafe fn repair_gil(interval_us: u64, monotonic: bool) -> Result<(), String> {
    let tstate = ffi::PyThreadState_Get();
    let runtime = libc::dlsym(libc::RTLD_DEFAULT, c"_PyRuntime".as_ptr()) as usize;
    if runtime == 0 {
        return Err("no _PyRuntime symbol".into());
    }
    let end = mapping_end(runtime).ok_or("_PyRuntime is not in a mapping")?;
    let end = end.min(runtime + (8 << 20));
    let mut found = None;
    let mut at = runtime;
    while at + std::mem::size_of::<Gil>() <= end {
        let p = at as *const u64;
        if *p == interval_us && *p.add(1) == tstate as u64 && *(p.add(2) as *const i32) == 1 {
            if found.is_some() {
                return Err("the GIL's state is ambiguous".into());
            }
            found = Some(at);
        }
        at += 8;
    }
    let gil = &mut *(found.ok_or("the GIL's state was not found")? as *mut Gil);
    init_cond(&mut gil.cond, monotonic);
    init_cond(&mut gil.switch_cond, monotonic);
    libc::pthread_mutex_init(&mut gil.mutex, std::ptr::null());
    libc::pthread_mutex_init(&mut gil.switch_mutex, std::ptr::null());
    let helper = Helper::start()?;
    let saved = ffi::PyEval_SaveThread();
    helper.join();
    ffi::PyEval_RestoreThread(saved);
    Ok(())
}

/// The thread of the hand-over, on a stack of its own: glibc's `fork` leaves the other
/// threads' stacks to its cache of free stacks in the child, so a thread made the usual
/// way would run on the stack of a thread that does not exist here, whose frames (CPython
/// keeps a thread's current frame record on its C stack) the walk still reads.
struct Helper {
    thread: libc::pthread_t,
    stack: *mut libc::c_void,
}

const HELPER_STACK: usize = 1 << 20;

extern "C" fn hand_over(_: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: a new thread with no Python state: the documented way in and out
    unsafe {
        let g = ffi::PyGILState_Ensure();
        ffi::PyGILState_Release(g);
    }
    std::ptr::null_mut()
}

impl Helper {
    unsafe fn start() -> Result<Helper, String> {
        let stack = libc::mmap(
            std::ptr::null_mut(),
            HELPER_STACK,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
            -1,
            0,
        );
        if stack == libc::MAP_FAILED {
            return Err("cannot map a stack for the hand-over thread".into());
        }
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        libc::pthread_attr_init(&mut attr);
        libc::pthread_attr_setstack(&mut attr, stack, HELPER_STACK);
        let mut thread: libc::pthread_t = 0;
        let rc = libc::pthread_create(&mut thread, &attr, hand_over, std::ptr::null_mut());
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            libc::munmap(stack, HELPER_STACK);
            return Err(format!("cannot start the hand-over thread (error {rc})"));
        }
        Ok(Helper { thread, stack })
    }

    unsafe fn join(self) {
        libc::pthread_join(self.thread, std::ptr::null_mut());
        libc::munmap(self.stack, HELPER_STACK);
    }
}

/// CPython 3.11+ times its condition waits on CLOCK_MONOTONIC (`_PyThread_cond_init`).
unsafe fn init_cond(c: &mut libc::pthread_cond_t, monotonic: bool) {
    let mut attr: libc::pthread_condattr_t = std::mem::zeroed();
    libc::pthread_condattr_init(&mut attr);
    if monotonic {
        libc::pthread_condattr_setclock(&mut attr, libc::CLOCK_MONOTONIC);
    }
    libc::pthread_cond_init(c, &attr);
    libc::pthread_condattr_destroy(&mut attr);
}

/// The end of the readable mapping that holds `addr`, from /proc/self/maps.
fn mapping_end(addr: usize) -> Option<usize> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    for line in maps.lines() {
        let mut f = line.split_whitespace();
        let range = f.next()?;
        let perms = f.next()?;
        let (a, b) = range.split_once('-')?;
        let (a, b) = (usize::from_str_radix(a, 16).ok()?, usize::from_str_radix(b, 16).ok()?);
        if a <= addr && addr < b {
            return perms.starts_with('r').then_some(b);
        }
    }
    None
}
