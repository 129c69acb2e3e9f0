//! Shared by the fuzz targets: an allocator that aborts on any single allocation over
//! [`MAX_ALLOC`] (a reader that believed a hostile count would ask for gigabytes; libFuzzer
//! records the abort as a crash even without a sanitizer), and the fixed inputs the targets
//! use (the hostile corpus's `base.hls`).

use std::alloc::{GlobalAlloc, Layout, System};

/// The largest single allocation any target may make on inputs of a few KiB.
pub const MAX_ALLOC: usize = 256 << 20;

struct Bounded;

fn check(size: usize) {
    if size > MAX_ALLOC {
        // no allocation here: write straight to stderr, then abort
        let msg = b"heaplens-fuzz: an allocation over MAX_ALLOC (256 MiB)\n";
        unsafe { libc_write(2, msg.as_ptr(), msg.len()) };
        std::process::abort();
    }
}

extern "C" {
    #[link_name = "write"]
    fn libc_write(fd: i32, buf: *const u8, count: usize) -> isize;
}

unsafe impl GlobalAlloc for Bounded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        check(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Bounded = Bounded;

/// `testdata/hostile/base.hls`: a small valid snapshot (14 objects, every section kind).
pub const BASE_HLS: &[u8] = include_bytes!("../../testdata/hostile/base.hls");

/// The key a saved index of `snapshot` is stored under: its SHA-256 in hex (as the server).
pub fn key(snapshot: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(snapshot).iter().map(|b| format!("{b:02x}")).collect()
}

/// Called by each target so this crate (and its allocator) is linked in.
#[inline(never)]
pub fn link() {}
