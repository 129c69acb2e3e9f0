//! The `Walker`'s Python methods (`#[pymethods]`): construction, the walk's steps, lookups
//! in its index, previews and allocation sites, and the snapshot's sections.

use crate::hash::{AddrMap, AddrSet};
use crate::index::{INDEX_CAPSULE, INDEX_GET_DEF};
use crate::sections::{column_sections, pairs_section, section};
use crate::strings::Strings;
use crate::walker::{fetch_err, Walker, NONE};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::os::raw::c_void;
use std::ptr;

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
    /// (mode, function) per exact type (mode 0: none; 4: call ``function``; the others,
    /// str, int, builtin repr, float, function, bytes, are formatted in `preview_one`, with
    /// ``function`` as the fallback).
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
