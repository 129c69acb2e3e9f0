//! The walker's string numbers: interning bytes and Python strs, a producer's name
//! objects, and the `[repr(key)]` names of dict values.

use crate::repr::ascii_bytes;
use crate::walker::{fetch_err, Walker, LOW};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use std::ptr;

impl Walker {
    pub(crate) unsafe fn intern_bytes(&mut self, b: &[u8]) -> PyResult<u32> {
        let n = self.strs.intern(b);
        if n > LOW {
            return Err(PyOverflowError::new_err("more than 2**29 distinct strings"));
        }
        Ok(n)
    }

    /// String number of Python str `s` (encoded as the pure writer does).  The str is
    /// not changed: its UTF-8 form is not cached in it (that would change its size).
    pub(crate) unsafe fn intern_str(&mut self, py: Python<'_>, s: *mut ffi::PyObject) -> PyResult<u32> {
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

    /// A name object from a producer: an int is a name code, a str is interned.
    pub(crate) unsafe fn name_code(&mut self, py: Python<'_>, n: *mut ffi::PyObject) -> PyResult<u32> {
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

    /// heapy's name of a dict key's value edge: `[repr(k)]`.
    pub(crate) unsafe fn key_name(&mut self, py: Python<'_>, k: *mut ffi::PyObject) -> PyResult<u32> {
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
}
