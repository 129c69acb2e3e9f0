//! Type facts (`type_info`: one `classify` call per type) and object sizes (`sizeof`,
//! as `sys.getsizeof`).

use crate::typeinfo::{Kind, TypeInfo};
use crate::walker::{fetch_err, Walker};
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use std::ptr;

impl Walker {
    pub(crate) unsafe fn type_info(&mut self, py: Python<'_>, t: *mut ffi::PyTypeObject) -> PyResult<usize> {
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

    pub(crate) unsafe fn sizeof(&mut self, ti: usize, o: *mut ffi::PyObject) -> u64 {
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
}
