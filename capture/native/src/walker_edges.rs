//! The edges of the kinds walked in Rust: lists and tuples, dicts, sets, instances of
//! Python classes (slots, `__dict__`, 3.13+ inline values) and functions.

use crate::function::{assign, func_cands};
use crate::hash::AddrSet;
use crate::traverse::{referent_count, referents};
use crate::walker::{fetch_err, Walker, LOW, TAG_INDEX, TAG_KEY, TAG_SET};
use pyo3::ffi;
use pyo3::prelude::*;
use std::ptr;

extern "C" {
    fn _PyObject_GetDictPtr(o: *mut ffi::PyObject) -> *mut *mut ffi::PyObject;
}

impl Walker {
    pub(crate) unsafe fn seq_edges(&mut self, items: *mut *mut ffi::PyObject, n: isize) -> u32 {
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

    pub(crate) unsafe fn dict_edges(&mut self, py: Python<'_>, o: *mut ffi::PyObject) -> PyResult<u32> {
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

    pub(crate) unsafe fn set_edges(&mut self, py: Python<'_>, o: *mut ffi::PyObject) -> PyResult<u32> {
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
    pub(crate) unsafe fn inst_edges(
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

    pub(crate) unsafe fn func_edges(&mut self, o: *mut ffi::PyObject) -> PyResult<u32> {
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
}
