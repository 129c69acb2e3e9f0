//! `subclass_dict_candidates`: the dicts among the GC's objects shaped like a type's
//! `tp_subclasses` dict (first item `id(S): weakref(S)`), picked in Rust so the agent's
//! Python check (`_cfields.find_static_subclasses`) runs over a few thousand dicts, not
//! over every object of the heap.

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;

/// The dicts of the list `objs` (from `gc.get_objects()`) that are exactly `dict`, not
/// empty, and whose first item has an exact `int` key and an exact `weakref.ref` value.
/// Reads items with `PyDict_Next` (borrowed, no Python code runs).
#[pyfunction]
pub(crate) fn subclass_dict_candidates<'py>(py: Python<'py>, objs: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    unsafe {
        let l = objs.as_ptr();
        if ffi::PyList_CheckExact(l) == 0 {
            return Err(PyTypeError::new_err("subclass_dict_candidates needs a list"));
        }
        let out = ffi::PyList_New(0);
        if out.is_null() {
            return Err(PyErr::fetch(py));
        }
        let out = Bound::from_owned_ptr(py, out);
        let dict_type = std::ptr::addr_of_mut!(ffi::PyDict_Type);
        let int_type = std::ptr::addr_of_mut!(ffi::PyLong_Type);
        let ref_type = std::ptr::addr_of_mut!(ffi::_PyWeakref_RefType);
        // the list does not change meanwhile: nothing below runs Python code
        let n = ffi::PyList_GET_SIZE(l);
        for i in 0..n {
            let d = ffi::PyList_GET_ITEM(l, i);
            if ffi::Py_TYPE(d) != dict_type || ffi::PyDict_Size(d) == 0 {
                continue;
            }
            let mut pos: ffi::Py_ssize_t = 0;
            let mut k: *mut ffi::PyObject = std::ptr::null_mut();
            let mut v: *mut ffi::PyObject = std::ptr::null_mut();
            if ffi::PyDict_Next(d, &mut pos, &mut k, &mut v) == 0 {
                continue;
            }
            if ffi::Py_TYPE(k) == int_type && ffi::Py_TYPE(v) == ref_type && ffi::PyList_Append(out.as_ptr(), d) != 0 {
                return Err(PyErr::fetch(py));
            }
        }
        Ok(out)
    }
}
