//! The heapy dump reader on arbitrary bytes: packages or an error naming the line, never a
//! panic; every package read is rendered as guppy's text and written back.
#![no_main]

use heaplens_engine::heapydump::{read_dump, render_package, write_package};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    heaplens_fuzz::link();
    let Ok(packages) = read_dump(data) else { return };
    for p in &packages {
        let _ = render_package(p, true);
        let mut out = Vec::new();
        write_package(p, &mut out).unwrap();
    }
});
