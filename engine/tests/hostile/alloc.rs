//! A counting allocator: how many bytes the current thread holds at its peak, so a test can
//! say a hostile file made the reader allocate no more than the file's size warrants.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

pub struct Counting;

thread_local! {
    static NOW: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grew(n: usize) {
    let _ = NOW.try_with(|now| {
        now.set(now.get() + n);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now.get())));
    });
}

fn shrank(n: usize) {
    // memory freed here may have been allocated by another thread
    let _ = NOW.try_with(|now| now.set(now.get().saturating_sub(n)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        shrank(l.size());
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            grew(new);
            shrank(l.size());
        }
        q
    }
}

/// Runs `f` and answers its result with the most bytes this thread held above what it held
/// before (the peak of `f`).
pub fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = NOW.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let out = f();
    (out, PEAK.with(Cell::get) - start)
}
