//! An object's referents as `tp_traverse` visits them (guarded by `PyObject_IS_GC`).

use pyo3::ffi;
use std::os::raw::{c_int, c_void};

unsafe extern "C" fn visit_count(_o: *mut ffi::PyObject, arg: *mut c_void) -> c_int {
    *(arg as *mut usize) += 1;
    0
}

unsafe extern "C" fn visit_collect(o: *mut ffi::PyObject, arg: *mut c_void) -> c_int {
    (*(arg as *mut Vec<usize>)).push(o as usize);
    0
}
/// Number of referents tp_traverse visits (0 for objects that are not GC: guarded).
pub(crate) unsafe fn referent_count(o: *mut ffi::PyObject) -> usize {
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

pub(crate) unsafe fn referents(o: *mut ffi::PyObject, out: &mut Vec<usize>) {
    out.clear();
    if ffi::PyObject_IS_GC(o) == 0 {
        return;
    }
    let t = ffi::Py_TYPE(o);
    if let Some(tr) = (*t).tp_traverse {
        tr(o, visit_collect, out as *mut Vec<usize> as *mut c_void);
    }
}
