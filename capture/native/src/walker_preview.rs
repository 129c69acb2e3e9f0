//! One object's value preview (the `prev` section), formatted here for exact str, int,
//! float and function, else by `repr` or the agent's function.

use crate::repr::{ascii_bytes, ascii_repr, py_float_repr};
use crate::walker::Walker;
use pyo3::ffi;
use pyo3::prelude::*;
use std::os::raw::c_int;

impl Walker {
    pub(crate) unsafe fn preview_one(
        &mut self,
        py: Python<'_>,
        o: *mut ffi::PyObject,
        mode: u8,
        f: *mut ffi::PyObject,
    ) -> PyResult<Option<u32>> {
        // mode 1: exact str, 2: exact int, 3: builtin repr (float, bool, complex, None),
        // 4: the Python function f, 5: exact float (repr formatted here), 6: function,
        // 7: exact bytes (reprlib's cut of repr() up to 4 KiB, else the function f)
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
            7 if ffi::PyBytes_Size(o) <= 4096 => {
                // reprlib.repr(bytes): repr() (ASCII, C code), over 30 characters cut to
                // its first 13 and last 14 around '...'
                let r = ffi::PyObject_Repr(o);
                if r.is_null() {
                    ffi::PyErr_Clear();
                    return Ok(None);
                }
                let res = match ascii_bytes(r) {
                    Some(b) if b.len() > 30 => {
                        let mut out = std::mem::take(&mut self.bytebuf);
                        out.clear();
                        out.extend_from_slice(&b[..13]);
                        out.extend_from_slice(b"...");
                        out.extend_from_slice(&b[b.len() - 14..]);
                        let n = self.intern_bytes(&out);
                        self.bytebuf = out;
                        n.map(Some)
                    }
                    Some(b) => self.intern_bytes(b).map(Some),
                    None => self.intern_str(py, r).map(Some),
                };
                ffi::Py_DECREF(r);
                return res;
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
