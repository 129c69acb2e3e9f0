//! The `Walker` (a Python class): its state, the edge-name tags and sentinels, `fetch_err`,
//! and the release of every reference it holds.  Its work is in the `walker_*` modules: the
//! walk (`walker_discover`), type facts and sizes (`walker_types`), edges by kind
//! (`walker_edges`), names (`walker_names`), previews (`walker_preview`) and its Python
//! methods (`walker_methods`).

use crate::hash::{AddrMap, AddrSet};
use crate::strings::Strings;
use crate::typeinfo::TypeInfo;
use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use std::ptr;

pub(crate) const TAG_INDEX: u32 = 1 << 29;
pub(crate) const TAG_KEY: u32 = 2 << 29;
pub(crate) const TAG_SET: u32 = 3 << 29;
pub(crate) const LOW: u32 = (1 << 29) - 1;
pub(crate) const NONE: u32 = u32::MAX;

pub(crate) fn fetch_err(py: Python<'_>) -> PyErr {
    PyErr::fetch(py)
}

#[pyclass(unsendable, module = "heaplens_native")]
pub(crate) struct Walker {
    /// every discovered object, strong; objs[0] is None (the root's placeholder)
    pub(crate) objs: Vec<*mut ffi::PyObject>,
    pub(crate) index: AddrMap<u32>,
    pub(crate) hidden: AddrSet,
    pub(crate) pos: usize,
    // columns
    pub(crate) typ: Vec<u32>,
    pub(crate) size: Vec<u64>,
    pub(crate) deg: Vec<u32>,
    pub(crate) et: Vec<u32>,
    pub(crate) en: Vec<u32>,
    // strings
    pub(crate) strs: Strings,
    // types
    pub(crate) tinfo: Vec<TypeInfo>,
    pub(crate) tmap: AddrMap<usize>,
    /// the last type looked up and its entry
    pub(crate) last_type: (usize, usize),
    /// type objects by type number (strong)
    pub(crate) tlist: Vec<*mut ffi::PyObject>,
    pub(crate) tlabel: Vec<u32>,
    /// str key object (strong) -> string number of its `[repr]` edge name
    pub(crate) keycache: AddrMap<u32>,
    pub(crate) keyheld: Vec<*mut ffi::PyObject>,
    pub(crate) modn_o: Vec<u32>,
    pub(crate) modn_s: Vec<u32>,
    pub(crate) pv_o: Vec<u32>,
    pub(crate) pv_s: Vec<u32>,
    pub(crate) pd_o: Vec<u32>,
    pub(crate) pd_s: Vec<u32>,
    /// dicts not entered because of guppy's hiding tag (borrowed: they are in objs)
    pub(crate) tagged: Vec<*mut ffi::PyObject>,
    pub(crate) materialized: u64,
    // Python helpers (strong)
    pub(crate) classify: *mut ffi::PyObject,
    pub(crate) keyname: *mut ffi::PyObject,
    pub(crate) getsizeof: *mut ffi::PyObject,
    pub(crate) encode: *mut ffi::PyObject,
    pub(crate) hide_tag: *mut ffi::PyObject,
    pub(crate) hiding_key: *mut ffi::PyObject,
    pub(crate) minor: u8,
    // interned names
    pub(crate) n_dict: u32,
    pub(crate) n_type: u32,
    pub(crate) n_cell: u32,
    pub(crate) n_empty: u32,
    pub(crate) scratch: Vec<usize>,
    pub(crate) fmtbuf: String,
    pub(crate) bytebuf: Vec<u8>,
    pub(crate) released: bool,
}

impl Walker {
    pub(crate) unsafe fn release_all(&mut self) {
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

    pub(crate) fn check_live(&self) -> PyResult<()> {
        if self.released {
            Err(PyRuntimeError::new_err("walker already released"))
        } else {
            Ok(())
        }
    }

    /// Edge range of objects [a, b).
    pub(crate) fn edge_range(&self, a: usize, b: usize) -> (usize, usize) {
        let s: usize = self.deg[..a].iter().map(|&x| x as usize).sum();
        let e: usize = s + self.deg[a..b].iter().map(|&x| x as usize).sum::<usize>();
        (s, e)
    }
}

impl Drop for Walker {
    fn drop(&mut self) {
        if !self.released {
            Python::attach(|_py| unsafe { self.release_all() });
        }
    }
}
