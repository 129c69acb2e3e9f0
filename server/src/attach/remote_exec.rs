//! PEP 768 (CPython 3.14+): ask the target to run a script at its next safe point, without
//! stopping it, by writing to its memory as `sys.remote_exec` does (the protocol is
//! documented in CPython's "Remote debugging attachment protocol"):
//!
//! 1. find `_PyRuntime` (the ELF section `.PyRuntime` of the executable or `libpython`,
//!    plus where that file is mapped),
//! 2. read `_Py_DebugOffsets` at its start (cookie `xdebugpy`, the version),
//! 3. from the first interpreter, check `config.remote_debug` (the target's opt-out), take
//!    the main thread's state,
//! 4. write the script path and the pending flag into its `_PyRemoteDebuggerSupport`, and
//!    set the eval breaker's "please stop" bit.
//!
//! Only the layout of `_Py_DebugOffsets` itself is version specific (every field is a
//! `u64`, so a field's place is its index); `tests` re-derive it from CPython's own headers
//! when the 3.14/3.15 chroot is there.

use super::target::Target;
use super::AttachError;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Where `debugger_support` starts in `_Py_DebugOffsets`, per minor version (the struct
/// grows between versions; its first fields do not move).
fn debugger_support_offset(minor: u32) -> Option<usize> {
    match minor {
        14 => Some(712),
        15 => Some(840),
        _ => None,
    }
}

const COOKIE: &[u8; 8] = b"xdebugpy";
const INTERPRETERS_HEAD: usize = 40;
const THREADS_MAIN: usize = 80;
/// `_PY_EVAL_PLEASE_STOP_BIT`.
const PLEASE_STOP: u64 = 1 << 5;

/// What was asked of the target, to take back if it never answers.
pub struct Pending {
    pid: u32,
    flag: u64,
}

/// Asks the target to run `script` (a path inside its root filesystem). Returns `Ok(None)`
/// when this interpreter's layout is unknown (the caller falls back to gdb).
pub fn request(target: &Target, script: &Path) -> Result<Option<Pending>, AttachError> {
    let Some(dbg) = debugger_support_offset(target.version.1) else { return Ok(None) };
    let Some(runtime) = find_runtime(target)? else { return Ok(None) };
    let mem = Memory { pid: target.pid, uid: target.uid };
    let offsets = mem.read(runtime, dbg + 48)?;
    if &offsets[..8] != COOKIE {
        return Ok(None);
    }
    let field = |i: usize| u64::from_le_bytes(offsets[i..i + 8].try_into().expect("8 bytes"));
    let version = field(8);
    if (version >> 24, (version >> 16) & 0xff) != (3, u64::from(target.version.1)) || field(16) != 0 {
        return Ok(None); // another version than its name says, or a free-threaded build
    }
    let interp = mem.u64(runtime + field(INTERPRETERS_HEAD))?;
    let enabled = mem.read(interp + field(dbg + 16), 4)?;
    if enabled == [0, 0, 0, 0] {
        return Err(AttachError::RemoteDebugDisabled {
            pid: target.pid,
            how: "its configuration says remote_debug = 0",
        });
    }
    let tstate = mem.u64(interp + field(THREADS_MAIN))?;
    if tstate == 0 {
        return Ok(None);
    }
    let support = tstate + field(dbg + 8);
    let mut path = script.as_os_str().as_encoded_bytes().to_vec();
    path.push(0);
    if path.len() as u64 > field(dbg + 40) {
        return Err(AttachError::Io(format!("script path too long for PEP 768: {}", script.display())));
    }
    mem.write(support + field(dbg + 32), &path)?;
    let flag = support + field(dbg + 24);
    mem.write(flag, &1i32.to_le_bytes())?;
    let breaker = tstate + field(dbg);
    let bits = mem.u64(breaker)?;
    mem.write(breaker, &(bits | PLEASE_STOP).to_le_bytes())?;
    Ok(Some(Pending { pid: target.pid, flag }))
}

impl Pending {
    /// Takes the request back (the target did not reach a safe point in time).
    pub fn cancel(self, target: &Target) {
        let _ = Memory { pid: self.pid, uid: target.uid }.write(self.flag, &0i32.to_le_bytes());
    }
}

/// The target's memory through `process_vm_readv`/`writev` (the same permission as ptrace).
struct Memory {
    pid: u32,
    uid: u32,
}

impl Memory {
    fn error(&self, e: std::io::Error) -> AttachError {
        match e.raw_os_error() {
            Some(libc::EPERM) | Some(libc::EACCES) => {
                AttachError::NotPermitted { pid: self.pid, uid: self.uid, detail: e.to_string() }
            }
            Some(libc::ESRCH) => AttachError::NoProcess(self.pid),
            _ => AttachError::Injection(format!("reading the target's memory: {e}")),
        }
    }

    fn read(&self, addr: u64, len: usize) -> Result<Vec<u8>, AttachError> {
        let mut buf = vec![0u8; len];
        let local = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: len };
        let remote = libc::iovec { iov_base: addr as *mut libc::c_void, iov_len: len };
        // SAFETY: `local` points at `len` writable bytes we own; the remote side is checked by the kernel.
        let n = unsafe { libc::process_vm_readv(self.pid as libc::pid_t, &local, 1, &remote, 1, 0) };
        if n < 0 {
            return Err(self.error(std::io::Error::last_os_error()));
        }
        if n as usize != len {
            return Err(AttachError::Injection(format!("short read of the target's memory at {addr:#x}")));
        }
        Ok(buf)
    }

    fn u64(&self, addr: u64) -> Result<u64, AttachError> {
        Ok(u64::from_le_bytes(self.read(addr, 8)?.try_into().expect("8 bytes")))
    }

    fn write(&self, addr: u64, bytes: &[u8]) -> Result<(), AttachError> {
        let local = libc::iovec { iov_base: bytes.as_ptr() as *mut libc::c_void, iov_len: bytes.len() };
        let remote = libc::iovec { iov_base: addr as *mut libc::c_void, iov_len: bytes.len() };
        // SAFETY: `local` points at `bytes`, which the kernel only reads.
        let n = unsafe { libc::process_vm_writev(self.pid as libc::pid_t, &local, 1, &remote, 1, 0) };
        if n < 0 {
            return Err(self.error(std::io::Error::last_os_error()));
        }
        if n as usize != bytes.len() {
            return Err(AttachError::Injection(format!("short write to the target's memory at {addr:#x}")));
        }
        Ok(())
    }
}

/// `_PyRuntime`'s address: the `.PyRuntime` section of the first mapped file that has one
/// (`libpython3.X.so` or the executable), moved by where that file is loaded.
fn find_runtime(target: &Target) -> Result<Option<u64>, AttachError> {
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", target.pid))
        .map_err(|e| AttachError::NotPermitted { pid: target.pid, uid: target.uid, detail: e.to_string() })?;
    let mut tried: Vec<String> = Vec::new();
    for line in maps.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let (Some(range), Some(offset), Some(file)) = (cols.first(), cols.get(2), cols.get(5)) else { continue };
        let name = Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.starts_with("libpython3") || name.starts_with("python3")) || tried.iter().any(|t| t == file) {
            continue;
        }
        tried.push((*file).to_owned());
        if u64::from_str_radix(offset, 16).ok() != Some(0) {
            continue;
        }
        let start = range.split('-').next().and_then(|s| u64::from_str_radix(s, 16).ok()).unwrap_or(0);
        // the file as the target's mount namespace names it (a container), or as ours does
        // (a chroot in our namespace: maps already show the host path)
        let paths: [PathBuf; 2] = [target.host_path(Path::new(file)), PathBuf::from(file)];
        if let Some((section, first_load)) = paths.iter().find_map(|p| elf_section(p, ".PyRuntime")) {
            // a non-PIE executable is mapped where it was linked; a shared object moves
            let bias = start.saturating_sub(first_load & !0xfff);
            return Ok(Some(section + bias));
        }
    }
    Ok(None)
}

/// The address of an ELF64 little-endian file's section `name` and its lowest `PT_LOAD`
/// virtual address; `None` for anything else.
fn elf_section(path: &Path, name: &str) -> Option<(u64, u64)> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = [0u8; 64];
    f.read_exact(&mut h).ok()?;
    if &h[..4] != b"\x7fELF" || h[4] != 2 || h[5] != 1 {
        return None;
    }
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as u64;
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as u64;
    let u64_at = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    let (phoff, shoff) = (u64_at(&h, 32), u64_at(&h, 40));
    let (phentsize, phnum) = (u16_at(&h, 54), u16_at(&h, 56));
    let (shentsize, shnum, shstrndx) = (u16_at(&h, 58), u16_at(&h, 60), u16_at(&h, 62));
    if shentsize < 64 || phentsize < 56 || shnum == 0 || shnum > 10_000 || phnum > 10_000 {
        return None;
    }
    let mut read_at = |off: u64, len: u64| -> Option<Vec<u8>> {
        let mut b = vec![0u8; usize::try_from(len).ok().filter(|&l| l <= 1 << 24)?];
        f.seek(SeekFrom::Start(off)).ok()?;
        f.read_exact(&mut b).ok()?;
        Some(b)
    };
    let ph = read_at(phoff, phentsize * phnum)?;
    let first_load = (0..phnum as usize)
        .map(|i| &ph[i * phentsize as usize..])
        .filter(|p| u32_at(p, 0) == 1)
        .map(|p| u64_at(p, 16))
        .min()?;
    let sh = read_at(shoff, shentsize * shnum)?;
    let entry = |i: u64| &sh[(i * shentsize) as usize..];
    let names = entry(shstrndx);
    let strtab = read_at(u64_at(names, 24), u64_at(names, 32))?;
    (0..shnum).map(entry).find_map(|s| {
        let at = u32_at(s, 0) as usize;
        let end = strtab.get(at..)?.iter().position(|&c| c == 0)? + at;
        (&strtab[at..end] == name.as_bytes()).then(|| (u64_at(s, 16), first_load))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The offsets the table holds, checked against the headers of the chroot's 3.14 and
    /// 3.15 (`scripts/py-chroot.sh`) when it and gcc are here.
    #[test]
    fn the_layout_table_matches_cpythons_headers() {
        let root = std::env::var("PY_CHROOT").unwrap_or_else(|_| "/var/tmp/heaplens-deb-testing".into());
        let dir = tempfile::tempdir().unwrap();
        let arch = dir.path().join("inc");
        std::fs::create_dir(&arch).unwrap();
        let multiarch = Path::new(&root).join("usr/include/x86_64-linux-gnu");
        if !multiarch.exists() || std::process::Command::new("gcc").arg("--version").output().is_err() {
            eprintln!("no chroot headers or no gcc: the table is checked where they are");
            return;
        }
        std::os::unix::fs::symlink(&multiarch, arch.join("x86_64-linux-gnu")).unwrap();
        let src = dir.path().join("off.c");
        std::fs::write(
            &src,
            "#define Py_BUILD_CORE 1\n#include \"Python.h\"\n#include \"internal/pycore_debug_offsets.h\"\n#include <stdio.h>\n\
             #include <stddef.h>\nint main(void){printf(\"%zu %zu %zu\", offsetof(_Py_DebugOffsets, debugger_support),\
             offsetof(_Py_DebugOffsets, runtime_state.interpreters_head), offsetof(_Py_DebugOffsets, interpreter_state.threads_main));return 0;}\n",
        )
        .unwrap();
        for minor in [14u32, 15] {
            let inc = Path::new(&root).join(format!("usr/include/python3.{minor}"));
            let exe = dir.path().join(format!("off{minor}"));
            let built = std::process::Command::new("gcc")
                .arg(format!("-I{}", arch.display()))
                .arg(format!("-I{}", inc.display()))
                .arg(format!("-I{}", inc.join("internal").display()))
                .arg(&src)
                .arg("-o")
                .arg(&exe)
                .status()
                .unwrap();
            assert!(built.success());
            let out = String::from_utf8(std::process::Command::new(&exe).output().unwrap().stdout).unwrap();
            let got: Vec<usize> = out.split(' ').map(|n| n.parse().unwrap()).collect();
            assert_eq!(
                got,
                vec![debugger_support_offset(minor).unwrap(), INTERPRETERS_HEAD, THREADS_MAIN],
                "3.{minor}"
            );
        }
    }

    #[test]
    fn finds_a_section_of_an_elf_file() {
        // this test binary has a `.text`; a text file is not ELF
        let me = std::env::current_exe().unwrap();
        assert!(elf_section(&me, ".text").is_some());
        assert!(elf_section(&me, ".PyRuntime").is_none());
        assert!(elf_section(Path::new("/etc/hostname"), ".text").is_none());
    }
}
