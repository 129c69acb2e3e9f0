//! heaplens_native: the hot loop of the heaplens capture agent's heap walk, in Rust.
//!
//! The walk (`capture/heaplens/_native.py` drives it) discovers objects breadth first from
//! heapy's root edges, numbers them in the order the pure-Python walker (`_walk.py`) does,
//! and produces the same columns: type numbers, `sys.getsizeof` sizes, degrees, edge
//! targets and edge names.  Lists, tuples, dicts, sets, frozensets and plain instances of
//! Python classes are walked here; every other kind of object (types, code, frames,
//! functions, modules, subclasses of containers, C objects) is named by the pure-Python
//! producers of `_names.py`, called from here once per object.  Type labels, members and
//! per-type facts come from Python once per type.
//!
//! Safety rules (issue 18):
//! * every object is reached through a strong reference: a container's items read under
//!   the GIL with no Python code run in between, a producer's returned lists (held while
//!   read), or a new reference the C API handed out; each discovered object is held
//!   (`Py_INCREF`) until the walker is released, so no address is reused mid-walk;
//! * `tp_traverse` is only called on objects for which `PyObject_IS_GC` is true;
//! * the GIL is held throughout: nothing here releases it (no I/O; the file is written by
//!   the caller after the walk).
//! * no memory is read by offset except the managed-dict word before a 3.11+ instance with
//!   `Py_TPFLAGS_MANAGED_DICT` (read as a number, to count materialised dicts, exactly as
//!   the pure walker does).

mod fork;

use pyo3::exceptions::{PyOverflowError, PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::os::raw::{c_int, c_void};
use std::ptr;

const TAG_INDEX: u32 = 1 << 29;
const TAG_KEY: u32 = 2 << 29;
const TAG_SET: u32 = 3 << 29;
const LOW: u32 = (1 << 29) - 1;
const NONE: u32 = u32::MAX;
/// records per OBJC/EDGC/seen sub-chunk, as `_writer.SUB`
const SUB: usize = 256;

extern "C" {
    fn _PyObject_GetDictPtr(o: *mut ffi::PyObject) -> *mut *mut ffi::PyObject;
}

/// A hasher for addresses: one multiply, high bits folded down.
#[derive(Default)]
struct AddrHasher(u64);
impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ *b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}
type AddrMap<V> = HashMap<usize, V, BuildHasherDefault<AddrHasher>>;

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _bytes: &[u8]) {
        unreachable!()
    }
    #[inline]
    fn write_u64(&mut self, h: u64) {
        self.0 = h;
    }
}

fn hash64(b: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        h = (h.rotate_left(5) ^ u64::from_le_bytes(c.try_into().unwrap())).wrapping_mul(K);
    }
    let r = chunks.remainder();
    let mut t = [0u8; 8];
    t[..r.len()].copy_from_slice(r);
    h = (h.rotate_left(5) ^ u64::from_le_bytes(t)).wrapping_mul(K);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The snapshot's strings, deduplicated: one byte arena, a map from a 64-bit hash to
/// the first string with it, and an exact map for the (rare) other strings sharing one.
#[derive(Default)]
struct Strings {
    arena: Vec<u8>,
    spans: Vec<(usize, usize)>,
    map: HashMap<u64, u32, BuildHasherDefault<IdHasher>>,
    spill: HashMap<Vec<u8>, u32>,
}

impl Strings {
    fn get(&self, n: u32) -> &[u8] {
        let (a, l) = self.spans[n as usize];
        &self.arena[a..a + l]
    }
    fn push(&mut self, b: &[u8]) -> u32 {
        let n = self.spans.len() as u32;
        self.spans.push((self.arena.len(), b.len()));
        self.arena.extend_from_slice(b);
        n
    }
    fn len(&self) -> usize {
        self.spans.len()
    }
    fn intern(&mut self, b: &[u8]) -> u32 {
        let h = hash64(b);
        if let Some(&n) = self.map.get(&h) {
            if self.get(n) == b {
                return n;
            }
            if let Some(&m) = self.spill.get(b) {
                return m;
            }
            let m = self.push(b);
            self.spill.insert(b.to_vec(), m);
            return m;
        }
        let n = self.push(b);
        self.map.insert(h, n);
        n
    }
}
type AddrSet = HashSet<usize, BuildHasherDefault<AddrHasher>>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Leaf,
    List,
    Tuple,
    Dict,
    Set,
    Inst,
    Prod,
    Sub,
    /// exact `function`: `_names.function` in Rust
    Func,
    /// exact `cell`: every referent is `.cell_contents`
    Cell,
}

/// `_names.function`'s candidates: (field, edge name) of a function object, in its order.
unsafe fn func_cands(o: *mut ffi::PyObject, minor: u8, out: &mut Vec<(usize, &'static [u8])>) {
    out.clear();
    let f = o as *mut ffi::PyFunctionObject;
    let none = ffi::Py_None();
    let mut add = |p: *mut ffi::PyObject, n: &'static [u8]| {
        if !p.is_null() && p != none {
            out.push((p as usize, n));
        }
    };
    add((*f).func_code, b".__code__");
    add((*f).func_globals, b".__globals__");
    add((*f).func_module, b".__module__");
    add((*f).func_defaults, b".__defaults__");
    add((*f).func_kwdefaults, b".__kwdefaults__");
    add((*f).func_doc, b".__doc__");
    add((*f).func_name, b".__name__");
    add((*f).func_closure, b".__closure__");
    add((*f).func_qualname, b".__qualname__");
    add((*f).func_dict, b".__dict__");
    add((*f).func_annotations, b".__annotations__");
    #[cfg(Py_3_12)]
    {
        if minor >= 12 {
            // the __type_params__ getter gives () when the field is NULL
            let tp = (*f).func_typeparams;
            if tp.is_null() {
                let e = ffi::PyTuple_New(0);
                if !e.is_null() {
                    add(e, b".__type_params__");
                    ffi::Py_DECREF(e); // the empty tuple is a singleton
                } else {
                    ffi::PyErr_Clear();
                }
            } else {
                add(tp, b".__type_params__");
            }
        }
    }
    let _ = minor;
}

/// heapy's relate as `_names.assign`: name each referent by the candidates naming its
/// identity (one name per visit, then one extra edge per name left over); unnamed: "".
fn assign<N: Copy>(refs: &[usize], cands: &[(usize, N)], empty: N, out: &mut Vec<(usize, N)>) {
    out.clear();
    let mut used: Vec<(usize, usize)> = Vec::new();
    let names = |r: usize| cands.iter().filter(move |c| c.0 == r).map(|c| c.1);
    for &r in refs {
        let cnt = names(r).count();
        if cnt == 0 {
            out.push((r, empty));
            continue;
        }
        let u = match used.iter_mut().find(|x| x.0 == r) {
            Some(x) => {
                x.1 += 1;
                x.1 - 1
            }
            None => {
                used.push((r, 1));
                0
            }
        };
        let n = names(r).nth(u.min(cnt - 1)).unwrap();
        out.push((r, n));
    }
    if !used.is_empty() {
        for &r in refs {
            if let Some(x) = used.iter_mut().find(|x| x.0 == r) {
                let cnt = names(r).count();
                for n in names(r).skip(x.1) {
                    out.push((r, n));
                }
                x.1 = x.1.max(cnt);
            }
        }
    }
}

struct TypeInfo {
    kind: Kind,
    tnum: u32,
    /// Python producer (strong) for Prod and Sub, else null
    producer: *mut ffi::PyObject,
    /// Inst: the member descriptors of the MRO (strong) and their edge names
    members: Vec<(*mut ffi::PyObject, u32)>,
    has_dict: bool,
    managed: bool,
    inline_values: bool,
    is_module: bool,
    /// how sizes are found: 0 the type's basic size, 1 basic size + items (both
    /// object.__sizeof__), 2 the type's own C __sizeof__ (size_descr), 3 sys.getsizeof;
    /// modes 0-2 add size_delta (getsizeof's GC header and pre-header: a function of the
    /// type alone, measured on the first object)
    size_mode: u8,
    size_descr: *mut ffi::PyObject,
    size_delta: Option<i64>,
    /// preview mode: None = not asked yet
    pmode: Option<(u8, *mut ffi::PyObject)>,
}

unsafe extern "C" fn visit_count(_o: *mut ffi::PyObject, arg: *mut c_void) -> c_int {
    *(arg as *mut usize) += 1;
    0
}

unsafe extern "C" fn visit_collect(o: *mut ffi::PyObject, arg: *mut c_void) -> c_int {
    (*(arg as *mut Vec<usize>)).push(o as usize);
    0
}

/// Number of referents tp_traverse visits (0 for objects that are not GC: guarded).
unsafe fn referent_count(o: *mut ffi::PyObject) -> usize {
    if ffi::PyObject_IS_GC(o) == 0 {
        return 0;
    }
    let t = ffi::Py_TYPE(o);
    let mut n: usize = 0;
    if let Some(tr) = (*t).tp_traverse {
        tr(o, visit_count, &mut n as *mut usize as *mut c_void);
    }
    n
}

unsafe fn referents(o: *mut ffi::PyObject, out: &mut Vec<usize>) {
    out.clear();
    if ffi::PyObject_IS_GC(o) == 0 {
        return;
    }
    let t = ffi::Py_TYPE(o);
    if let Some(tr) = (*t).tp_traverse {
        tr(o, visit_collect, out as *mut Vec<usize> as *mut c_void);
    }
}

fn fetch_err(py: Python<'_>) -> PyErr {
    PyErr::fetch(py)
}

/// The characters of an exact-or-not str that is compact ASCII (its bytes are its UTF-8).
#[inline]
unsafe fn ascii_bytes<'a>(s: *mut ffi::PyObject) -> Option<&'a [u8]> {
    if ffi::PyUnicode_IS_COMPACT_ASCII(s) != 0 {
        let n = ffi::PyUnicode_GET_LENGTH(s) as usize;
        Some(std::slice::from_raw_parts(ffi::PyUnicode_1BYTE_DATA(s) as *const u8, n))
    } else {
        None
    }
}

/// Python's `repr` of an ASCII str, appended to `out`.
fn ascii_repr(b: &[u8], out: &mut Vec<u8>) {
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
fn py_float_repr(x: f64, out: &mut String) -> bool {
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
fn float_repr(x: f64) -> Option<String> {
    let mut s = String::new();
    if py_float_repr(x, &mut s) {
        Some(s)
    } else {
        None
    }
}

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

fn section(out: &mut Vec<u8>, tag: &[u8; 4], payload: &[u8]) {
    out.extend_from_slice(tag);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
}

/// Sections of `tag` holding packed columns, SUB records each.
fn column_sections(out: &mut Vec<u8>, tag: &[u8; 4], cols: &[&[u64]]) {
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

fn pairs_section(out: &mut Vec<u8>, tag: &[u8; 4], o: &[u32], s: &[u32]) {
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

const INDEX_CAPSULE: &std::ffi::CStr = c"heaplens_native.index";

static mut INDEX_GET_DEF: ffi::PyMethodDef = ffi::PyMethodDef {
    ml_name: c"get".as_ptr(),
    ml_meth: ffi::PyMethodDefPointer { PyCFunction: index_get },
    ml_flags: ffi::METH_O,
    ml_doc: c"get(k): the object number of identity k, or None".as_ptr(),
};

unsafe extern "C" fn index_get(cap: *mut ffi::PyObject, k: *mut ffi::PyObject) -> *mut ffi::PyObject {
    let p = ffi::PyCapsule_GetPointer(cap, INDEX_CAPSULE.as_ptr()) as *const AddrMap<u32>;
    if p.is_null() {
        return ptr::null_mut();
    }
    let k = ffi::PyLong_AsSize_t(k);
    if k == usize::MAX && !ffi::PyErr_Occurred().is_null() {
        return ptr::null_mut();
    }
    match (*p).get(&k) {
        Some(n) => ffi::PyLong_FromUnsignedLong(*n as std::os::raw::c_ulong),
        None => {
            let none = ffi::Py_None();
            ffi::Py_INCREF(none);
            none
        }
    }
}

#[pyclass(unsendable, module = "heaplens_native")]
struct Walker {
    /// every discovered object, strong; objs[0] is None (the root's placeholder)
    objs: Vec<*mut ffi::PyObject>,
    index: AddrMap<u32>,
    hidden: AddrSet,
    pos: usize,
    // columns
    typ: Vec<u32>,
    size: Vec<u64>,
    deg: Vec<u32>,
    et: Vec<u32>,
    en: Vec<u32>,
    // strings
    strs: Strings,
    // types
    tinfo: Vec<TypeInfo>,
    tmap: AddrMap<usize>,
    /// the last type looked up and its entry
    last_type: (usize, usize),
    /// type objects by type number (strong)
    tlist: Vec<*mut ffi::PyObject>,
    tlabel: Vec<u32>,
    /// str key object (strong) -> string number of its `[repr]` edge name
    keycache: AddrMap<u32>,
    keyheld: Vec<*mut ffi::PyObject>,
    modn_o: Vec<u32>,
    modn_s: Vec<u32>,
    pv_o: Vec<u32>,
    pv_s: Vec<u32>,
    pd_o: Vec<u32>,
    pd_s: Vec<u32>,
    /// dicts not entered because of guppy's hiding tag (borrowed: they are in objs)
    tagged: Vec<*mut ffi::PyObject>,
    materialized: u64,
    // Python helpers (strong)
    classify: *mut ffi::PyObject,
    keyname: *mut ffi::PyObject,
    getsizeof: *mut ffi::PyObject,
    encode: *mut ffi::PyObject,
    hide_tag: *mut ffi::PyObject,
    hiding_key: *mut ffi::PyObject,
    minor: u8,
    // interned names
    n_dict: u32,
    n_type: u32,
    n_cell: u32,
    n_empty: u32,
    scratch: Vec<usize>,
    fmtbuf: String,
    bytebuf: Vec<u8>,
    released: bool,
}

impl Walker {
    unsafe fn intern_bytes(&mut self, b: &[u8]) -> PyResult<u32> {
        let n = self.strs.intern(b);
        if n > LOW {
            return Err(PyOverflowError::new_err("more than 2**29 distinct strings"));
        }
        Ok(n)
    }

    /// String number of Python str `s` (encoded as the pure writer does).  The str is
    /// not changed: its UTF-8 form is not cached in it (that would change its size).
    unsafe fn intern_str(&mut self, py: Python<'_>, s: *mut ffi::PyObject) -> PyResult<u32> {
        if let Some(b) = ascii_bytes(s) {
            return self.intern_bytes(b);
        }
        let u = ffi::PyUnicode_AsUTF8String(s);
        if !u.is_null() {
            let mut bp: *mut std::os::raw::c_char = ptr::null_mut();
            let mut blen: ffi::Py_ssize_t = 0;
            let r = if ffi::PyBytes_AsStringAndSize(u, &mut bp, &mut blen) == 0 {
                let b = std::slice::from_raw_parts(bp as *const u8, blen as usize);
                self.intern_bytes(b)
            } else {
                Err(fetch_err(py))
            };
            ffi::Py_DECREF(u);
            return r;
        }
        ffi::PyErr_Clear();
        // lone surrogates: the writer's own encoding, from Python
        let r = ffi::PyObject_CallOneArg(self.encode, s);
        if r.is_null() {
            return Err(fetch_err(py));
        }
        let mut bp: *mut std::os::raw::c_char = ptr::null_mut();
        let mut blen: ffi::Py_ssize_t = 0;
        if ffi::PyBytes_AsStringAndSize(r, &mut bp, &mut blen) != 0 {
            ffi::Py_DECREF(r);
            return Err(fetch_err(py));
        }
        let b = std::slice::from_raw_parts(bp as *const u8, blen as usize).to_vec();
        ffi::Py_DECREF(r);
        self.intern_bytes(&b)
    }

    /// The edge to `o` named `name`; dropped (false) when `o` is the agent's own.
    #[inline]
    unsafe fn edge(&mut self, o: *mut ffi::PyObject, name: u32) -> bool {
        let k = o as usize;
        let next = self.objs.len() as u32;
        let num = match self.index.entry(k) {
            std::collections::hash_map::Entry::Occupied(e) => *e.get(),
            std::collections::hash_map::Entry::Vacant(e) => {
                if self.hidden.contains(&k) {
                    return false;
                }
                e.insert(next);
                ffi::Py_INCREF(o);
                self.objs.push(o);
                next
            }
        };
        self.et.push(num);
        self.en.push(name);
        true
    }

    /// A name object from a producer: an int is a name code, a str is interned.
    unsafe fn name_code(&mut self, py: Python<'_>, n: *mut ffi::PyObject) -> PyResult<u32> {
        if ffi::PyLong_Check(n) != 0 {
            let v = ffi::PyLong_AsUnsignedLong(n);
            if v == std::os::raw::c_ulong::MAX && !ffi::PyErr_Occurred().is_null() {
                return Err(fetch_err(py));
            }
            return Ok(v as u32);
        }
        if ffi::PyUnicode_Check(n) != 0 {
            return self.intern_str(py, n);
        }
        Err(PyTypeError::new_err("edge name must be str or int"))
    }

    /// Edges from a producer's (targets, names) pair of sequences.  Returns the degree.
    unsafe fn emit_py(
        &mut self,
        py: Python<'_>,
        tg: *mut ffi::PyObject,
        nm: *mut ffi::PyObject,
    ) -> PyResult<u32> {
        let tf = ffi::PySequence_Fast(tg, c"targets".as_ptr());
        if tf.is_null() {
            return Err(fetch_err(py));
        }
        let nf = ffi::PySequence_Fast(nm, c"names".as_ptr());
        if nf.is_null() {
            ffi::Py_DECREF(tf);
            return Err(fetch_err(py));
        }
        let n = ffi::PySequence_Fast_GET_SIZE(tf);
        let res = (|| {
            if ffi::PySequence_Fast_GET_SIZE(nf) != n {
                return Err(PyRuntimeError::new_err("producer: targets and names differ in length"));
            }
            // names first (interning may call Python for odd strings), then the edges:
            // nothing runs between reading a target and holding it
            let mut codes = Vec::with_capacity(n as usize);
            for j in 0..n {
                let x = *ffi::PySequence_Fast_ITEMS(nf).offset(j);
                codes.push(self.name_code(py, x)?);
            }
            let mut d = 0u32;
            let items = ffi::PySequence_Fast_ITEMS(tf);
            for j in 0..n {
                if self.edge(*items.offset(j), codes[j as usize]) {
                    d += 1;
                }
            }
            Ok(d)
        })();
        ffi::Py_DECREF(tf);
        ffi::Py_DECREF(nf);
        res
    }

    unsafe fn type_info(&mut self, py: Python<'_>, t: *mut ffi::PyTypeObject) -> PyResult<usize> {
        if self.last_type.0 == t as usize {
            return Ok(self.last_type.1);
        }
        if let Some(i) = self.tmap.get(&(t as usize)) {
            self.last_type = (t as usize, *i);
            return Ok(*i);
        }
        let r = ffi::PyObject_CallOneArg(self.classify, t as *mut ffi::PyObject);
        if r.is_null() {
            return Err(fetch_err(py));
        }
        let res = (|| -> PyResult<TypeInfo> {
            if ffi::PyTuple_Check(r) == 0 || ffi::PyTuple_GET_SIZE(r) != 9 {
                return Err(PyTypeError::new_err("classify must return a 9-tuple"));
            }
            let it = |j| ffi::PyTuple_GET_ITEM(r, j);
            let kind = match ffi::PyLong_AsLong(it(0)) {
                0 => Kind::Leaf,
                1 => Kind::List,
                2 => Kind::Tuple,
                3 => Kind::Dict,
                4 => Kind::Set,
                5 => Kind::Inst,
                6 => Kind::Prod,
                7 => Kind::Sub,
                8 => Kind::Func,
                9 => Kind::Cell,
                _ => return Err(PyTypeError::new_err("bad kind")),
            };
            let prod = it(1);
            let producer = if prod == ffi::Py_None() {
                ptr::null_mut()
            } else {
                ffi::Py_INCREF(prod);
                prod
            };
            let mut members = Vec::new();
            let ms = ffi::PySequence_Fast(it(2), c"members".as_ptr());
            if ms.is_null() {
                return Err(fetch_err(py));
            }
            for j in 0..ffi::PySequence_Fast_GET_SIZE(ms) {
                let pair = *ffi::PySequence_Fast_ITEMS(ms).offset(j);
                if ffi::PyTuple_Check(pair) == 0 || ffi::PyTuple_GET_SIZE(pair) != 2 {
                    ffi::Py_DECREF(ms);
                    return Err(PyTypeError::new_err("members: (name, descriptor) pairs"));
                }
                let name = self.intern_str(py, ffi::PyTuple_GET_ITEM(pair, 0))?;
                let d = ffi::PyTuple_GET_ITEM(pair, 1);
                ffi::Py_INCREF(d);
                members.push((d, name));
            }
            ffi::Py_DECREF(ms);
            let b = |j| ffi::PyObject_IsTrue(it(j)) == 1;
            let sm = it(7);
            if ffi::PyTuple_Check(sm) == 0 || ffi::PyTuple_GET_SIZE(sm) != 2 {
                return Err(PyTypeError::new_err("size mode: (mode, descriptor)"));
            }
            let size_mode = ffi::PyLong_AsLong(ffi::PyTuple_GET_ITEM(sm, 0)) as u8;
            let sd = ffi::PyTuple_GET_ITEM(sm, 1);
            let size_descr = if sd == ffi::Py_None() {
                ptr::null_mut()
            } else {
                ffi::Py_INCREF(sd);
                sd
            };
            let label = self.intern_str(py, it(8))?;
            let tnum = self.tlist.len() as u32;
            ffi::Py_INCREF(t as *mut ffi::PyObject);
            self.tlist.push(t as *mut ffi::PyObject);
            self.tlabel.push(label);
            Ok(TypeInfo {
                kind,
                tnum,
                producer,
                members,
                has_dict: b(3),
                managed: b(4),
                inline_values: b(5),
                is_module: b(6),
                size_mode: if size_mode == 2 && size_descr.is_null() { 3 } else { size_mode.min(3) },
                size_descr,
                size_delta: None,
                pmode: None,
            })
        })();
        ffi::Py_DECREF(r);
        let info = res?;
        let i = self.tinfo.len();
        self.tinfo.push(info);
        self.tmap.insert(t as usize, i);
        Ok(i)
    }

    /// sys.getsizeof(o); 0 when it raises (as the pure walker).
    unsafe fn getsizeof(&mut self, o: *mut ffi::PyObject) -> Option<u64> {
        let r = ffi::PyObject_CallOneArg(self.getsizeof, o);
        if r.is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        let v = ffi::PyLong_AsUnsignedLongLong(r);
        ffi::Py_DECREF(r);
        if v == u64::MAX && !ffi::PyErr_Occurred().is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        Some(v)
    }

    unsafe fn sizeof(&mut self, ti: usize, o: *mut ffi::PyObject) -> u64 {
        let t = ffi::Py_TYPE(o);
        let base: Option<i64> = match self.tinfo[ti].size_mode {
            0 => Some((*t).tp_basicsize as i64),
            1 => Some((*t).tp_basicsize as i64 + ffi::Py_SIZE(o) as i64 * (*t).tp_itemsize as i64),
            2 => {
                let d = self.tinfo[ti].size_descr;
                let args = [o];
                let r = ffi::PyObject_Vectorcall(d, args.as_ptr(), 1, ptr::null_mut());
                if r.is_null() {
                    ffi::PyErr_Clear();
                    None
                } else {
                    let v = ffi::PyLong_AsLongLong(r);
                    ffi::Py_DECREF(r);
                    if v == -1 && !ffi::PyErr_Occurred().is_null() {
                        ffi::PyErr_Clear();
                        None
                    } else {
                        Some(v)
                    }
                }
            }
            _ => None,
        };
        match (base, self.tinfo[ti].size_delta) {
            (Some(b), Some(d)) if b + d >= 0 => (b + d) as u64,
            (Some(b), None) => match self.getsizeof(o) {
                Some(s) => {
                    self.tinfo[ti].size_delta = Some(s as i64 - b);
                    s
                }
                None => 0,
            },
            _ => self.getsizeof(o).unwrap_or(0),
        }
    }

    unsafe fn seq_edges(&mut self, items: *mut *mut ffi::PyObject, n: isize) -> u32 {
        let mut d = 0;
        for j in 0..n {
            // an empty slot (a C extension's tuple or list, e.g. guppy's classifier
            // tuples): skipped, the filled ones keep their index names (as the pure walker)
            if (*items.offset(j)).is_null() {
                continue;
            }
            let name = if (j as u32) <= LOW && (j as u64) <= LOW as u64 {
                TAG_INDEX | j as u32
            } else {
                // beyond 2**29 items: a string name (never seen in practice)
                let s = format!("[{}]", j);
                match self.intern_bytes(s.as_bytes()) {
                    Ok(x) => x,
                    Err(_) => 0,
                }
            };
            if self.edge(*items.offset(j), name) {
                d += 1;
            }
        }
        d
    }

    /// heapy's name of a dict key's value edge: `[repr(k)]`.
    unsafe fn key_name(&mut self, py: Python<'_>, k: *mut ffi::PyObject) -> PyResult<u32> {
        let exact_str = ffi::PyUnicode_CheckExact(k) != 0;
        if exact_str {
            if let Some(n) = self.keycache.get(&(k as usize)) {
                return Ok(*n);
            }
        }
        let text = if exact_str || ffi::PyLong_CheckExact(k) != 0 {
            // the builtin repr of str and int: C code, no user code
            let r = ffi::PyObject_Repr(k);
            if r.is_null() {
                return Err(fetch_err(py));
            }
            let mut len: ffi::Py_ssize_t = 0;
            let p = ffi::PyUnicode_AsUTF8AndSize(r, &mut len);
            if p.is_null() {
                ffi::PyErr_Clear();
                ffi::Py_DECREF(r);
                None
            } else {
                let mut b = Vec::with_capacity(len as usize + 2);
                b.push(b'[');
                b.extend_from_slice(std::slice::from_raw_parts(p as *const u8, len as usize));
                b.push(b']');
                ffi::Py_DECREF(r);
                Some(b)
            }
        } else {
            None
        };
        let n = match text {
            Some(b) => self.intern_bytes(&b)?,
            None => {
                let r = ffi::PyObject_CallOneArg(self.keyname, k);
                if r.is_null() {
                    return Err(fetch_err(py));
                }
                let x = self.intern_str(py, r);
                ffi::Py_DECREF(r);
                x?
            }
        };
        if exact_str {
            ffi::Py_INCREF(k);
            self.keyheld.push(k);
            self.keycache.insert(k as usize, n);
        }
        Ok(n)
    }

    unsafe fn dict_edges(&mut self, py: Python<'_>, o: *mut ffi::PyObject) -> PyResult<u32> {
        let n = ffi::PyDict_Size(o);
        if n <= 0 {
            return Ok(0);
        }
        if !self.hide_tag.is_null() {
            let v = ffi::PyDict_GetItemWithError(o, self.hiding_key);
            if v.is_null() && !ffi::PyErr_Occurred().is_null() {
                return Err(fetch_err(py));
            }
            if v == self.hide_tag {
                self.tagged.push(o);
                return Ok(0);
            }
        }
        // the items, held: naming an odd key runs Python code (its repr)
        let mut pairs: Vec<(*mut ffi::PyObject, *mut ffi::PyObject)> = Vec::with_capacity(n as usize);
        let mut pos: ffi::Py_ssize_t = 0;
        let mut k: *mut ffi::PyObject = ptr::null_mut();
        let mut v: *mut ffi::PyObject = ptr::null_mut();
        while ffi::PyDict_Next(o, &mut pos, &mut k, &mut v) != 0 {
            ffi::Py_INCREF(k);
            ffi::Py_INCREF(v);
            pairs.push((k, v));
        }
        let res = (|| -> PyResult<u32> {
            let mut names = Vec::with_capacity(pairs.len());
            for (k, _) in &pairs {
                names.push(self.key_name(py, *k)?);
            }
            let keys_visited = referent_count(o) != pairs.len();
            let mut d = 0;
            for (j, (_, v)) in pairs.iter().enumerate() {
                if self.edge(*v, names[j]) {
                    d += 1;
                }
            }
            if keys_visited {
                for (j, (k, _)) in pairs.iter().enumerate() {
                    let name = if j as u32 <= LOW {
                        TAG_KEY | j as u32
                    } else {
                        self.intern_bytes(format!(".keys()[{}]", j).as_bytes())?
                    };
                    if self.edge(*k, name) {
                        d += 1;
                    }
                }
            }
            Ok(d)
        })();
        for (k, v) in pairs {
            ffi::Py_DECREF(k);
            ffi::Py_DECREF(v);
        }
        res
    }

    unsafe fn set_edges(&mut self, py: Python<'_>, o: *mut ffi::PyObject) -> PyResult<u32> {
        let it = ffi::PyObject_GetIter(o);
        if it.is_null() {
            return Err(fetch_err(py));
        }
        let mut items = Vec::new();
        loop {
            let x = ffi::PyIter_Next(it);
            if x.is_null() {
                break;
            }
            items.push(x);
        }
        ffi::Py_DECREF(it);
        let err = !ffi::PyErr_Occurred().is_null();
        let mut d = 0;
        for x in &items {
            if !err && self.edge(*x, TAG_SET) {
                d += 1;
            }
            ffi::Py_DECREF(*x);
        }
        if err {
            return Err(fetch_err(py));
        }
        Ok(d)
    }

    #[inline]
    unsafe fn no_dict(&self, w: usize) -> bool {
        if self.minor == 12 {
            w == 0 || w & 1 != 0
        } else {
            w == 0
        }
    }

    /// An instance of a Python class whose solid base is object (`_names.instance`).
    unsafe fn inst_edges(
        &mut self,
        py: Python<'_>,
        o: *mut ffi::PyObject,
        ti: usize,
    ) -> PyResult<u32> {
        let t = ffi::Py_TYPE(o);
        let mut d = 0;
        let managed_check = self.minor >= 11 && self.tinfo[ti].managed;
        let pre_word = o as *const usize;
        let pre = managed_check && self.no_dict(*pre_word.sub(3));
        // slots: the member descriptors' C getter (no user code)
        let nmem = self.tinfo[ti].members.len();
        for j in 0..nmem {
            let (desc, name) = self.tinfo[ti].members[j];
            let get = (*ffi::Py_TYPE(desc)).tp_descr_get;
            let v = match get {
                Some(g) => g(desc, o, t as *mut ffi::PyObject),
                None => ptr::null_mut(),
            };
            if v.is_null() {
                ffi::PyErr_Clear();
                continue;
            }
            if self.edge(v, name) {
                d += 1;
            }
            ffi::Py_DECREF(v);
        }
        if self.tinfo[ti].has_dict {
            let pp = _PyObject_GetDictPtr(o);
            if !ffi::PyErr_Occurred().is_null() {
                ffi::PyErr_Clear();
            }
            let dict = if pp.is_null() { ptr::null_mut() } else { *pp };
            if !dict.is_null() {
                ffi::Py_INCREF(dict);
                let n_dict = self.n_dict;
                if self.edge(dict, n_dict) {
                    d += 1;
                }
                if self.minor >= 13
                    && self.tinfo[ti].inline_values
                    && ffi::PyDict_Check(dict) != 0
                    && ffi::PyDict_Size(dict) > 0
                {
                    d += self.inline_edges(py, o, dict)?;
                }
                ffi::Py_DECREF(dict);
            }
        }
        let n_type = self.n_type;
        if self.edge(t as *mut ffi::PyObject, n_type) {
            d += 1;
        }
        if pre && !self.no_dict(*pre_word.sub(3)) {
            self.materialized += 1;
        }
        Ok(d)
    }

    /// 3.13+: the inline values an instance still visits, named `.attr`.
    unsafe fn inline_edges(
        &mut self,
        py: Python<'_>,
        o: *mut ffi::PyObject,
        dict: *mut ffi::PyObject,
    ) -> PyResult<u32> {
        let mut refs = std::mem::take(&mut self.scratch);
        referents(o, &mut refs);
        let set: AddrSet = refs.iter().copied().collect();
        self.scratch = refs;
        let mut pairs = Vec::new();
        let mut pos: ffi::Py_ssize_t = 0;
        let mut k: *mut ffi::PyObject = ptr::null_mut();
        let mut v: *mut ffi::PyObject = ptr::null_mut();
        while ffi::PyDict_Next(dict, &mut pos, &mut k, &mut v) != 0 {
            if set.contains(&(v as usize)) && ffi::PyUnicode_CheckExact(k) != 0 {
                ffi::Py_INCREF(k);
                ffi::Py_INCREF(v);
                pairs.push((k, v));
            }
        }
        let mut d = 0;
        let mut err = None;
        for (k, v) in &pairs {
            if err.is_none() {
                let dot = ffi::PyUnicode_FromString(c".".as_ptr());
                let name = ffi::PyUnicode_Concat(dot, *k);
                ffi::Py_DECREF(dot);
                if name.is_null() {
                    err = Some(fetch_err(py));
                } else {
                    match self.intern_str(py, name) {
                        Ok(n) => {
                            if self.edge(*v, n) {
                                d += 1;
                            }
                        }
                        Err(e) => err = Some(e),
                    }
                    ffi::Py_DECREF(name);
                }
            }
            ffi::Py_DECREF(*k);
            ffi::Py_DECREF(*v);
        }
        match err {
            Some(e) => Err(e),
            None => Ok(d),
        }
    }

    unsafe fn func_edges(&mut self, o: *mut ffi::PyObject) -> PyResult<u32> {
        let mut cands = Vec::with_capacity(12);
        func_cands(o, self.minor, &mut cands);
        let mut named = Vec::with_capacity(cands.len());
        for (p, n) in &cands {
            named.push((*p, self.intern_bytes(n)?));
        }
        let mut refs = std::mem::take(&mut self.scratch);
        referents(o, &mut refs);
        let mut out = Vec::with_capacity(refs.len() + 2);
        let empty = self.n_empty;
        assign(&refs, &named, empty, &mut out);
        self.scratch = refs;
        let mut d = 0;
        for (t, n) in out {
            if self.edge(t as *mut ffi::PyObject, n) {
                d += 1;
            }
        }
        Ok(d)
    }

    unsafe fn prod_edges(
        &mut self,
        py: Python<'_>,
        o: *mut ffi::PyObject,
        ti: usize,
    ) -> PyResult<u32> {
        let f = self.tinfo[ti].producer;
        let r = ffi::PyObject_CallOneArg(f, o);
        if r.is_null() {
            return Err(fetch_err(py));
        }
        let res = (|| -> PyResult<u32> {
            if ffi::PyTuple_Check(r) == 0 || ffi::PyTuple_GET_SIZE(r) < 2 {
                return Err(PyTypeError::new_err("a producer returns (targets, names[, materialised])"));
            }
            let d = self.emit_py(py, ffi::PyTuple_GET_ITEM(r, 0), ffi::PyTuple_GET_ITEM(r, 1))?;
            if ffi::PyTuple_GET_SIZE(r) >= 3 && ffi::PyObject_IsTrue(ffi::PyTuple_GET_ITEM(r, 2)) == 1 {
                self.materialized += 1;
            }
            Ok(d)
        })();
        ffi::Py_DECREF(r);
        res
    }

    unsafe fn module_name(&mut self, py: Python<'_>, i: usize, o: *mut ffi::PyObject) -> PyResult<()> {
        let r = ffi::PyObject_GetAttrString(o, c"__name__".as_ptr());
        if r.is_null() {
            ffi::PyErr_Clear();
            return Ok(());
        }
        let res = if ffi::PyUnicode_Check(r) != 0 {
            self.intern_str(py, r).map(|s| {
                self.modn_o.push(i as u32);
                self.modn_s.push(s);
            })
        } else {
            Ok(())
        };
        ffi::Py_DECREF(r);
        res
    }

    unsafe fn process(&mut self, py: Python<'_>, i: usize) -> PyResult<()> {
        let o = self.objs[i];
        let t = ffi::Py_TYPE(o);
        let ti = self.type_info(py, t)?;
        let kind = self.tinfo[ti].kind;
        let d = match kind {
            Kind::Leaf => 0,
            Kind::List => {
                let n = ffi::PyList_GET_SIZE(o);
                let items = (*(o as *mut ffi::PyListObject)).ob_item;
                self.seq_edges(items, n)
            }
            Kind::Tuple => {
                let n = ffi::PyTuple_GET_SIZE(o);
                let items = (*(o as *mut ffi::PyTupleObject)).ob_item.as_mut_ptr();
                self.seq_edges(items, n)
            }
            Kind::Dict => self.dict_edges(py, o)?,
            Kind::Func => self.func_edges(o)?,
            Kind::Cell => {
                let mut refs = std::mem::take(&mut self.scratch);
                referents(o, &mut refs);
                let n_cell = self.n_cell;
                let mut d = 0;
                for &r in &refs {
                    if self.edge(r as *mut ffi::PyObject, n_cell) {
                        d += 1;
                    }
                }
                self.scratch = refs;
                d
            }
            Kind::Set => self.set_edges(py, o)?,
            Kind::Inst => self.inst_edges(py, o, ti)?,
            Kind::Prod | Kind::Sub => {
                let d = self.prod_edges(py, o, ti)?;
                if self.tinfo[ti].is_module {
                    self.module_name(py, i, o)?;
                }
                d
            }
        };
        self.deg.push(d);
        let tnum = self.tinfo[ti].tnum;
        self.typ.push(tnum);
        let s = self.sizeof(ti, o);
        self.size.push(s);
        Ok(())
    }

    unsafe fn release_all(&mut self) {
        if self.released {
            return;
        }
        self.released = true;
        for o in self.objs.drain(..) {
            ffi::Py_DECREF(o);
        }
        for k in self.keyheld.drain(..) {
            ffi::Py_DECREF(k);
        }
        for t in self.tlist.drain(..) {
            ffi::Py_DECREF(t);
        }
        for ti in self.tinfo.drain(..) {
            if !ti.producer.is_null() {
                ffi::Py_DECREF(ti.producer);
            }
            if !ti.size_descr.is_null() {
                ffi::Py_DECREF(ti.size_descr);
            }
            for (d, _) in ti.members {
                ffi::Py_DECREF(d);
            }
            if let Some((_, f)) = ti.pmode {
                if !f.is_null() {
                    ffi::Py_DECREF(f);
                }
            }
        }
        for p in [
            self.classify,
            self.keyname,
            self.getsizeof,
            self.encode,
            self.hide_tag,
            self.hiding_key,
        ] {
            if !p.is_null() {
                ffi::Py_DECREF(p);
            }
        }
        self.classify = ptr::null_mut();
        self.keyname = ptr::null_mut();
        self.getsizeof = ptr::null_mut();
        self.encode = ptr::null_mut();
        self.hide_tag = ptr::null_mut();
        self.hiding_key = ptr::null_mut();
        self.index = AddrMap::default();
        self.keycache = AddrMap::default();
        self.tmap = AddrMap::default();
        self.last_type = (0, 0);
        self.tagged.clear();
    }

    fn check_live(&self) -> PyResult<()> {
        if self.released {
            Err(PyRuntimeError::new_err("walker already released"))
        } else {
            Ok(())
        }
    }

    /// Edge range of objects [a, b).
    fn edge_range(&self, a: usize, b: usize) -> (usize, usize) {
        let s: usize = self.deg[..a].iter().map(|&x| x as usize).sum();
        let e: usize = s + self.deg[a..b].iter().map(|&x| x as usize).sum::<usize>();
        (s, e)
    }

    unsafe fn preview_one(
        &mut self,
        py: Python<'_>,
        o: *mut ffi::PyObject,
        mode: u8,
        f: *mut ffi::PyObject,
    ) -> PyResult<Option<u32>> {
        // mode 1: exact str, 2: exact int, 3: builtin repr (float, bool, complex, None),
        // 4: the Python function f, 5: exact float (repr formatted here), 6: function
        let r = match mode {
            1 => {
                if ffi::PyUnicode_GET_LENGTH(o) <= 30 {
                    if let Some(b) = ascii_bytes(o) {
                        let mut out = std::mem::take(&mut self.bytebuf);
                        out.clear();
                        ascii_repr(b, &mut out);
                        if out.len() <= 30 {
                            let n = self.intern_bytes(&out);
                            self.bytebuf = out;
                            return n.map(Some);
                        }
                        self.bytebuf = out;
                    }
                    let r = ffi::PyObject_Repr(o);
                    if !r.is_null() && ffi::PyUnicode_GET_LENGTH(r) > 30 {
                        ffi::Py_DECREF(r);
                        ffi::PyObject_CallOneArg(f, o)
                    } else {
                        r
                    }
                } else {
                    ffi::PyObject_CallOneArg(f, o)
                }
            }
            2 => {
                let mut overflow: c_int = 0;
                let v = ffi::PyLong_AsLongLongAndOverflow(o, &mut overflow);
                if overflow == 0 && ffi::PyErr_Occurred().is_null() {
                    // repr of an int that fits 64 bits: its decimal digits
                    let mut buf = std::mem::take(&mut self.fmtbuf);
                    buf.clear();
                    use std::fmt::Write;
                    let _ = write!(buf, "{}", v);
                    let n = self.intern_bytes(buf.as_bytes());
                    self.fmtbuf = buf;
                    return n.map(Some);
                } else {
                    ffi::PyErr_Clear();
                    ffi::PyObject_CallOneArg(f, o)
                }
            }
            6 => {
                // function: module.name (both ASCII str, at most 200 characters)
                let fo = o as *mut ffi::PyFunctionObject;
                let (m, nm) = ((*fo).func_module, (*fo).func_name);
                let fast = !m.is_null()
                    && !nm.is_null()
                    && ffi::PyUnicode_CheckExact(m) != 0
                    && ffi::PyUnicode_CheckExact(nm) != 0;
                if fast {
                    if let (Some(a), Some(b)) = (ascii_bytes(m), ascii_bytes(nm)) {
                        if a.len() + 1 + b.len() <= 200 {
                            let mut out = std::mem::take(&mut self.bytebuf);
                            out.clear();
                            out.extend_from_slice(a);
                            out.push(b'.');
                            out.extend_from_slice(b);
                            let n = self.intern_bytes(&out);
                            self.bytebuf = out;
                            return n.map(Some);
                        }
                    }
                }
                ffi::PyObject_CallOneArg(f, o)
            }
            5 => {
                let mut buf = std::mem::take(&mut self.fmtbuf);
                if py_float_repr(ffi::PyFloat_AS_DOUBLE(o), &mut buf) {
                    let n = self.intern_bytes(buf.as_bytes());
                    self.fmtbuf = buf;
                    return n.map(Some);
                }
                self.fmtbuf = buf;
                ffi::PyObject_Repr(o)
            }
            3 => ffi::PyObject_Repr(o),
            _ => ffi::PyObject_CallOneArg(f, o),
        };
        if r.is_null() {
            // as the pure walker: a preview that raises is left out
            ffi::PyErr_Clear();
            return Ok(None);
        }
        let res = if ffi::PyUnicode_Check(r) != 0 {
            self.intern_str(py, r).map(Some)
        } else {
            Ok(None)
        };
        ffi::Py_DECREF(r);
        res
    }
}

impl Drop for Walker {
    fn drop(&mut self) {
        if !self.released {
            Python::attach(|_py| unsafe { self.release_all() });
        }
    }
}

#[pymethods]
impl Walker {
    /// Walker(classify, keyname, getsizeof, encode, hide_tag, hidden)
    ///
    /// ``classify(t)`` -> (kind, producer, members, has_dict, managed, inline_values,
    /// is_module, const_size, label); ``keyname(k)`` -> str; ``encode(s)`` -> bytes (the
    /// writer's encoding of a str that is not valid UTF-8); ``hide_tag``: guppy's hiding
    /// tag or None; ``hidden``: identities whose edges are dropped.
    #[new]
    fn new(
        py: Python<'_>,
        classify: &Bound<'_, PyAny>,
        keyname: &Bound<'_, PyAny>,
        getsizeof: &Bound<'_, PyAny>,
        encode: &Bound<'_, PyAny>,
        hide_tag: &Bound<'_, PyAny>,
        hidden: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let minor = py.version_info().minor;
        let strong = |b: &Bound<'_, PyAny>| {
            let p = b.as_ptr();
            unsafe { ffi::Py_INCREF(p) };
            p
        };
        let mut w = Walker {
            objs: Vec::new(),
            index: AddrMap::default(),
            hidden: AddrSet::default(),
            pos: 1,
            typ: Vec::new(),
            size: Vec::new(),
            deg: Vec::new(),
            et: Vec::new(),
            en: Vec::new(),
            strs: Strings::default(),
            tinfo: Vec::new(),
            tmap: AddrMap::default(),
            last_type: (0, 0),
            tlist: Vec::new(),
            tlabel: Vec::new(),
            keycache: AddrMap::default(),
            keyheld: Vec::new(),
            modn_o: Vec::new(),
            modn_s: Vec::new(),
            pv_o: Vec::new(),
            pv_s: Vec::new(),
            pd_o: Vec::new(),
            pd_s: Vec::new(),
            tagged: Vec::new(),
            materialized: 0,
            classify: strong(classify),
            keyname: strong(keyname),
            getsizeof: strong(getsizeof),
            encode: strong(encode),
            hide_tag: if hide_tag.is_none() { ptr::null_mut() } else { strong(hide_tag) },
            hiding_key: ptr::null_mut(),
            minor,
            n_dict: 0,
            n_type: 0,
            n_cell: 0,
            n_empty: 0,
            scratch: Vec::new(),
            fmtbuf: String::new(),
            bytebuf: Vec::new(),
            released: false,
        };
        unsafe {
            w.hiding_key = ffi::PyUnicode_InternFromString(c"_hiding_tag_".as_ptr());
            w.n_dict = w.intern_bytes(b".__dict__")?;
            w.n_type = w.intern_bytes(b"->ob_type")?;
            w.n_cell = w.intern_bytes(b".cell_contents")?;
            w.n_empty = w.intern_bytes(b"")?;
            ffi::Py_INCREF(ffi::Py_None());
            w.objs.push(ffi::Py_None());
        }
        w.set_hidden(hidden)?;
        Ok(w)
    }

    /// Replace the set of hidden identities (an iterable of ints).
    fn set_hidden(&mut self, hidden: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut s = AddrSet::default();
        for x in hidden.try_iter()? {
            s.insert(x?.extract::<usize>()?);
        }
        self.hidden = s;
        Ok(())
    }

    /// The root's edges (object 0): targets and their str names.
    fn root(&mut self, py: Python<'_>, targets: &Bound<'_, PyAny>, names: &Bound<'_, PyAny>) -> PyResult<()> {
        self.check_live()?;
        if !self.deg.is_empty() {
            return Err(PyRuntimeError::new_err("root already emitted"));
        }
        let d = unsafe { self.emit_py(py, targets.as_ptr(), names.as_ptr())? };
        self.deg.push(d);
        self.typ.push(NONE);
        self.size.push(0);
        Ok(())
    }

    /// Process every discovered object not processed yet (the GIL held throughout).
    fn run(&mut self, py: Python<'_>) -> PyResult<()> {
        self.check_live()?;
        if self.deg.is_empty() {
            return Err(PyRuntimeError::new_err("root() first"));
        }
        while self.pos < self.objs.len() {
            let i = self.pos;
            unsafe { self.process(py, i)? };
            self.pos += 1;
        }
        Ok(())
    }

    fn __len__(&self) -> usize {
        self.objs.len()
    }

    /// The object number of the object with identity k, or None (the walker as an index).
    fn get(&self, k: usize) -> Option<u32> {
        self.index.get(&k).copied()
    }

    /// A fast ``get`` (a C function taking one argument) over the walker's index; it
    /// keeps the walker alive (as its ``__module__``).
    fn index_getter(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let me = slf.borrow();
        let p = &me.index as *const AddrMap<u32> as *mut c_void;
        unsafe {
            let cap = ffi::PyCapsule_New(p, INDEX_CAPSULE.as_ptr(), None);
            if cap.is_null() {
                return Err(fetch_err(py));
            }
            let f = ffi::PyCMethod_New(
                ptr::addr_of_mut!(INDEX_GET_DEF),
                cap,
                slf.as_ptr(),
                ptr::null_mut(),
            );
            ffi::Py_DECREF(cap);
            if f.is_null() {
                return Err(fetch_err(py));
            }
            Ok(Bound::from_owned_ptr(py, f).unbind())
        }
    }

    /// The objects of list ``objs`` the walk has not numbered (the candidates of heapu).
    fn unreached<'py>(&self, py: Python<'py>, objs: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.check_live()?;
        unsafe {
            let l = objs.as_ptr();
            if ffi::PyList_Check(l) == 0 {
                return Err(PyTypeError::new_err("a list expected"));
            }
            let n = ffi::PyList_GET_SIZE(l);
            let mut out = Vec::new();
            for j in 0..n {
                let x = ffi::PyList_GET_ITEM(l, j);
                if !self.index.contains_key(&(x as usize)) {
                    out.push(Bound::from_borrowed_ptr(py, x));
                }
            }
            Ok(out)
        }
    }

    /// `index[id(x)] = n`: the walker numbers objects itself (checked in extend).
    fn __setitem__(&self, _k: usize, _v: usize) {}

    /// Append objects (heapy's heapu seeds) to be walked; already known ones are an error.
    fn extend(&mut self, objs: &Bound<'_, PyAny>) -> PyResult<()> {
        self.check_live()?;
        for x in objs.try_iter()? {
            let x = x?;
            let k = x.as_ptr() as usize;
            if self.index.contains_key(&k) {
                return Err(PyRuntimeError::new_err("extend: object already walked"));
            }
            unsafe { ffi::Py_INCREF(x.as_ptr()) };
            self.index.insert(k, self.objs.len() as u32);
            self.objs.push(x.as_ptr());
        }
        Ok(())
    }

    /// The dicts left out because they carry guppy's hiding tag.
    fn tagged<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.check_live()?;
        Ok(self
            .tagged
            .iter()
            .map(|p| unsafe { Bound::from_borrowed_ptr(py, *p) })
            .collect())
    }

    /// Objects a..b as a new list (object 0, the root, as None).
    fn objects<'py>(&self, py: Python<'py>, a: usize, b: usize) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.check_live()?;
        let b = b.min(self.objs.len());
        Ok(self.objs[a.min(b)..b]
            .iter()
            .map(|p| unsafe { Bound::from_borrowed_ptr(py, *p) })
            .collect())
    }

    /// Addresses of objects a..b as little-endian u64 bytes (the root's is 0).
    fn addresses<'py>(&self, py: Python<'py>, a: usize, b: usize) -> Bound<'py, PyBytes> {
        let mut out = Vec::with_capacity((b - a) * 8);
        for i in a..b {
            let v = if i == 0 { 0u64 } else { self.objs[i] as u64 };
            out.extend_from_slice(&v.to_le_bytes());
        }
        PyBytes::new(py, &out)
    }

    /// Sizes of objects a..b as little-endian u64 bytes.
    fn sizes<'py>(&self, py: Python<'py>, a: usize, b: usize) -> Bound<'py, PyBytes> {
        let mut out = Vec::with_capacity((b - a) * 8);
        for v in &self.size[a..b] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        PyBytes::new(py, &out)
    }

    /// String number of s.
    fn intern(&mut self, py: Python<'_>, s: &Bound<'_, PyAny>) -> PyResult<u32> {
        if unsafe { ffi::PyUnicode_Check(s.as_ptr()) } == 0 {
            return Err(PyTypeError::new_err("str expected"));
        }
        unsafe { self.intern_str(py, s.as_ptr()) }
    }

    /// The value previews of every object (the `prev` section).  ``pfunc(t)`` ->
    /// (mode, function) per exact type (mode 0: none; 1: str, 2: int, 3: builtin repr,
    /// handled here, with ``function`` as the fallback; 4: call ``function``).
    fn previews(&mut self, py: Python<'_>, pfunc: &Bound<'_, PyAny>) -> PyResult<usize> {
        self.check_live()?;
        for i in 1..self.objs.len() {
            let o = self.objs[i];
            let t = unsafe { ffi::Py_TYPE(o) };
            let ti = unsafe { self.type_info(py, t)? };
            let (mode, f) = match self.tinfo[ti].pmode {
                Some(x) => x,
                None => {
                    let r = pfunc.call1((unsafe { Bound::from_borrowed_ptr(py, t as *mut ffi::PyObject) },))?;
                    let (mode, f): (u8, Bound<'_, PyAny>) = r.extract()?;
                    let fp = if f.is_none() { ptr::null_mut() } else { f.into_ptr() };
                    self.tinfo[ti].pmode = Some((mode, fp));
                    (mode, fp)
                }
            };
            if mode == 0 {
                continue;
            }
            if let Some(s) = unsafe { self.preview_one(py, o, mode, f)? } {
                self.pv_o.push(i as u32);
                self.pv_s.push(s);
            }
        }
        Ok(self.pv_o.len())
    }

    /// Record allocation sites (`prod`): object numbers and site strings.
    fn add_producers(&mut self, py: Python<'_>, objnums: Vec<u32>, sites: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut k = 0;
        for s in sites.try_iter()? {
            let s = s?;
            let n = unsafe { self.intern_str(py, s.as_ptr())? };
            self.pd_o.push(objnums[k]);
            self.pd_s.push(n);
            k += 1;
        }
        Ok(())
    }

    /// Statistics of the walk.
    fn stats(&self) -> (usize, usize, usize, usize, u64, usize, usize) {
        (
            self.objs.len(),
            self.et.len(),
            self.strs.len(),
            self.tlist.len(),
            self.materialized,
            self.pv_o.len(),
            self.pd_o.len(),
        )
    }

    /// STRC sections of strings a.. (all not yet written): (bytes, count).
    fn strc<'py>(&self, py: Python<'py>, a: usize) -> (Bound<'py, PyBytes>, usize) {
        let mut out = Vec::new();
        let n = self.strs.len();
        let a = a.min(n);
        let mut s = a;
        while s < n {
            let e = (s + 65536).min(n);
            let mut payload = Vec::new();
            payload.extend_from_slice(&((e - s) as u32).to_le_bytes());
            for j in s..e {
                let b = self.strs.get(j as u32);
                payload.extend_from_slice(&(b.len() as u32).to_le_bytes());
                payload.extend_from_slice(b);
            }
            section(&mut out, b"STRC", &payload);
            s = e;
        }
        (PyBytes::new(py, &out), n - a)
    }

    /// OBJC then EDGC sections of objects [a, b): (bytes, objects, edges).
    fn chunk<'py>(&self, py: Python<'py>, a: usize, b: usize) -> (Bound<'py, PyBytes>, usize, usize) {
        let b = b.min(self.deg.len());
        let addr: Vec<u64> = (a..b).map(|i| if i == 0 { 0 } else { self.objs[i] as u64 }).collect();
        let typ: Vec<u64> = self.typ[a..b].iter().map(|&x| x as u64).collect();
        let deg: Vec<u64> = self.deg[a..b].iter().map(|&x| x as u64).collect();
        let mut out = Vec::new();
        column_sections(&mut out, b"OBJC", &[&addr, &typ, &self.size[a..b], &deg]);
        let (s, e) = self.edge_range(a, b);
        let et: Vec<u64> = self.et[s..e].iter().map(|&x| x as u64).collect();
        let en: Vec<u64> = self.en[s..e].iter().map(|&x| x as u64).collect();
        column_sections(&mut out, b"EDGC", &[&et, &en]);
        (PyBytes::new(py, &out), b - a, e - s)
    }

    /// TYPC, MODN, prev, prod and unrc (objects from n_reach on) sections.
    fn tail<'py>(&self, py: Python<'py>, n_reach: usize) -> Bound<'py, PyBytes> {
        let mut out = Vec::new();
        let tob: Vec<u32> = self
            .tlist
            .iter()
            .map(|t| self.index.get(&(*t as usize)).copied().unwrap_or(NONE))
            .collect();
        for (o, l) in tob.chunks(65536).zip(self.tlabel.chunks(65536)) {
            pairs_section(&mut out, b"TYPC", o, l);
        }
        pairs_section(&mut out, b"MODN", &self.modn_o, &self.modn_s);
        for (o, s) in self.pv_o.chunks(65536).zip(self.pv_s.chunks(65536)) {
            pairs_section(&mut out, b"prev", o, s);
        }
        for (o, s) in self.pd_o.chunks(65536).zip(self.pd_s.chunks(65536)) {
            pairs_section(&mut out, b"prod", o, s);
        }
        let n = self.objs.len();
        if n_reach < n {
            for ch in (n_reach as u32..n as u32).collect::<Vec<_>>().chunks(65536) {
                let mut payload = Vec::with_capacity(4 + 4 * ch.len());
                payload.extend_from_slice(&(ch.len() as u32).to_le_bytes());
                for x in ch {
                    payload.extend_from_slice(&x.to_le_bytes());
                }
                section(&mut out, b"unrc", &payload);
            }
        }
        PyBytes::new(py, &out)
    }

    /// Drop every reference the walker holds (objects, types, helpers).
    fn release(&mut self) {
        unsafe { self.release_all() };
    }
}

static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Whether `heaplens.dump` walks natively (state kept here, outside the Python heap, so
/// that switching walkers does not change the heap being compared).
#[pyfunction]
fn enabled() -> bool {
    ENABLED.load(std::sync::atomic::Ordering::Relaxed)
}

#[pyfunction]
fn set_enabled(on: bool) {
    ENABLED.store(on, std::sync::atomic::Ordering::Relaxed)
}

/// The edges the walker gives function ``f`` (kind 8): [(target, name)], to check them
/// against `_names.function` before the walker is trusted with functions.
#[pyfunction]
fn function_edges<'py>(py: Python<'py>, f: &Bound<'py, PyAny>) -> PyResult<Vec<(Bound<'py, PyAny>, String)>> {
    unsafe {
        if ffi::PyFunction_Check(f.as_ptr()) == 0 {
            return Err(PyTypeError::new_err("a function expected"));
        }
        let mut cands = Vec::new();
        func_cands(f.as_ptr(), py.version_info().minor, &mut cands);
        let mut refs = Vec::new();
        referents(f.as_ptr(), &mut refs);
        let mut out = Vec::new();
        assign(&refs, &cands, &b""[..], &mut out);
        Ok(out
            .into_iter()
            .map(|(t, n)| {
                (
                    Bound::from_borrowed_ptr(py, t as *mut ffi::PyObject),
                    String::from_utf8_lossy(n).into_owned(),
                )
            })
            .collect())
    }
}

/// `seen` sections from little-endian u64 values (one per object, in object order).
#[pyfunction]
fn seen_sections<'py>(py: Python<'py>, values: &[u8]) -> Bound<'py, PyBytes> {
    let v: Vec<u64> = values
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let mut out = Vec::new();
    column_sections(&mut out, b"seen", &[&v]);
    PyBytes::new(py, &out)
}

#[pymodule]
fn heaplens_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Walker>()?;
    m.add_function(wrap_pyfunction!(seen_sections, m)?)?;
    m.add_function(wrap_pyfunction!(enabled, m)?)?;
    m.add_function(wrap_pyfunction!(function_edges, m)?)?;
    m.add_function(wrap_pyfunction!(float_repr, m)?)?;
    // the interface _native.py expects; bumped whenever it changes
    m.add_function(wrap_pyfunction!(fork::fork, m)?)?;
    m.add("API", 6)?;
    m.add_function(wrap_pyfunction!(set_enabled, m)?)?;
    Ok(())
}
