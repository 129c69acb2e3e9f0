//! The walk itself: `edge` (numbering each new object and holding it), `process` (one
//! object's edges by its kind, its type and its size), and the edges named by Python
//! producers (`emit_py`, `prod_edges`, a module's name).

use crate::traverse::referents;
use crate::typeinfo::Kind;
use crate::walker::{fetch_err, Walker};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;

impl Walker {
    /// The edge to `o` named `name`; dropped (false) when `o` is the agent's own.
    #[inline]
    pub(crate) unsafe fn edge(&mut self, o: *mut ffi::PyObject, name: u32) -> bool {
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

    /// Edges from a producer's (targets, names) pair of sequences.  Returns the degree.
    pub(crate) unsafe fn emit_py(
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

    pub(crate) unsafe fn process(&mut self, py: Python<'_>, i: usize) -> PyResult<()> {
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
}
