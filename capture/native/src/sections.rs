//! The snapshot's binary encoding (docs/format.md): packed columns, sections, pair
//! sections, and `seen_sections`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// records per OBJC/EDGC/seen sub-chunk, as `_writer.SUB`
const SUB: usize = 256;

/// Packed column (docs/format.md "Columns"), as `_writer.column`.
fn column(out: &mut Vec<u8>, vals: &[u64], rebase: bool) {
    let hi = vals.iter().copied().max().unwrap_or(0);
    let mut lo = if rebase { vals.iter().copied().min().unwrap_or(0) } else { 0 };
    let span = hi - lo;
    let width: usize = if span < 1 << 8 {
        1
    } else if span < 1 << 16 {
        2
    } else if span < 1 << 32 {
        4
    } else {
        8
    };
    if lo != 0 && (width == 8 || hi < 1u64 << (8 * width)) {
        lo = 0;
    }
    out.extend_from_slice(&lo.to_le_bytes());
    out.push(width as u8);
    out.reserve(vals.len() * width);
    match width {
        1 => out.extend(vals.iter().map(|v| (v - lo) as u8)),
        2 => {
            for v in vals {
                out.extend_from_slice(&((v - lo) as u16).to_le_bytes());
            }
        }
        4 => {
            for v in vals {
                out.extend_from_slice(&((v - lo) as u32).to_le_bytes());
            }
        }
        _ => {
            for v in vals {
                out.extend_from_slice(&(v - lo).to_le_bytes());
            }
        }
    }
}

pub(crate) fn section(out: &mut Vec<u8>, tag: &[u8; 4], payload: &[u8]) {
    out.extend_from_slice(tag);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
}

/// Sections of `tag` holding packed columns, SUB records each.
pub(crate) fn column_sections(out: &mut Vec<u8>, tag: &[u8; 4], cols: &[&[u64]]) {
    let m = cols[0].len();
    let mut payload = Vec::new();
    let mut a = 0;
    while a < m {
        let b = (a + SUB).min(m);
        payload.clear();
        payload.extend_from_slice(&((b - a) as u32).to_le_bytes());
        for c in cols {
            column(&mut payload, &c[a..b], true);
        }
        section(out, tag, &payload);
        a = b;
    }
}

pub(crate) fn pairs_section(out: &mut Vec<u8>, tag: &[u8; 4], o: &[u32], s: &[u32]) {
    if o.is_empty() {
        return;
    }
    let mut payload = Vec::with_capacity(4 + 8 * o.len());
    payload.extend_from_slice(&(o.len() as u32).to_le_bytes());
    for (a, b) in o.iter().zip(s) {
        payload.extend_from_slice(&a.to_le_bytes());
        payload.extend_from_slice(&b.to_le_bytes());
    }
    section(out, tag, &payload);
}

/// `seen` sections from little-endian u64 values (one per object, in object order).
#[pyfunction]
pub(crate) fn seen_sections<'py>(py: Python<'py>, values: &[u8]) -> Bound<'py, PyBytes> {
    let v: Vec<u64> = values
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let mut out = Vec::new();
    column_sections(&mut out, b"seen", &[&v]);
    PyBytes::new(py, &out)
}
