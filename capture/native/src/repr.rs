//! Previews formatted without Python: the bytes of a compact ASCII str, its `repr`, and
//! `repr(float)` (`float_repr` exposes the latter so the agent can check it).

use pyo3::ffi;
use pyo3::prelude::*;

/// The characters of an exact-or-not str that is compact ASCII (its bytes are its UTF-8).
#[inline]
pub(crate) unsafe fn ascii_bytes<'a>(s: *mut ffi::PyObject) -> Option<&'a [u8]> {
    #[cfg(not(Py_3_14))]
    {
        if ffi::PyUnicode_IS_COMPACT_ASCII(s) != 0 {
            let n = ffi::PyUnicode_GET_LENGTH(s) as usize;
            Some(std::slice::from_raw_parts(ffi::PyUnicode_1BYTE_DATA(s) as *const u8, n))
        } else {
            None
        }
    }
    // 3.14+: the state bit-field is not in PyO3's bindings; `PyUnicode_KIND` and
    // `PyUnicode_DATA` are exported functions there. A 1-byte str is ASCII when no byte
    // has the high bit set (Latin-1 otherwise).
    #[cfg(Py_3_14)]
    {
        if ffi::PyUnicode_KIND(s) != 1 {
            return None;
        }
        let n = ffi::PyUnicode_GET_LENGTH(s) as usize;
        let b = std::slice::from_raw_parts(ffi::PyUnicode_DATA(s) as *const u8, n);
        if b.is_ascii() {
            Some(b)
        } else {
            None
        }
    }
}

/// Python's `repr` of an ASCII str, appended to `out`.
pub(crate) fn ascii_repr(b: &[u8], out: &mut Vec<u8>) {
    let q = if b.contains(&b'\'') && !b.contains(&b'"') { b'"' } else { b'\'' };
    out.push(q);
    for &c in b {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            c if c == q => {
                out.push(b'\\');
                out.push(c);
            }
            c if c < 0x20 || c == 0x7f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\x");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 15) as usize]);
            }
            c => out.push(c),
        }
    }
    out.push(q);
}

/// Python's `repr(float)`: the shortest digits that round-trip (Rust's shortest `{:e}`),
/// laid out as `PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0)` does.  False (and
/// nothing written) when two digit strings of that length round-trip: Python picks the
/// closer one (ties to even), which this does not decide; the caller asks `repr`.
pub(crate) fn py_float_repr(x: f64, out: &mut String) -> bool {
    use std::fmt::Write;
    out.clear();
    if x.is_nan() {
        out.push_str("nan");
        return true;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
        return true;
    }
    if x == 0.0 {
        out.push_str(if x.is_sign_negative() { "-0.0" } else { "0.0" });
        return true;
    }
    let s = format!("{:e}", x.abs());
    let (mant, exp) = match s.split_once('e') {
        Some(p) => p,
        None => (s.as_str(), "0"),
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    // another shortest candidate (one unit of the last digit away) that round-trips?
    let d: u64 = match digits.parse() {
        Ok(d) => d,
        Err(_) => return false,
    };
    let ax = x.abs();
    for alt in [d.wrapping_sub(1), d + 1] {
        let a = alt.to_string();
        if a.len() != digits.len() {
            return false;
        }
        let v: f64 = match format!("{}.{}e{}", &a[..1], &a[1..], exp).parse() {
            Ok(v) => v,
            Err(_) => return false,
        };
        if v == ax {
            return false;
        }
    }
    let decpt = exp + 1;
    if x < 0.0 {
        out.push('-');
    }
    if decpt <= -4 || decpt > 16 {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = decpt - 1;
        let _ = write!(out, "e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in 0..(-decpt) {
            out.push('0');
        }
        out.push_str(&digits);
    } else if decpt as usize >= digits.len() {
        out.push_str(&digits);
        for _ in 0..(decpt as usize - digits.len()) {
            out.push('0');
        }
        out.push_str(".0");
    } else {
        out.push_str(&digits[..decpt as usize]);
        out.push('.');
        out.push_str(&digits[decpt as usize..]);
    }
    true
}

/// `py_float_repr`, for the agent's check against `repr` before it is trusted.
#[pyfunction]
pub(crate) fn float_repr(x: f64) -> Option<String> {
    let mut s = String::new();
    if py_float_repr(x, &mut s) {
        Some(s)
    } else {
        None
    }
}
