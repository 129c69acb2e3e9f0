//! The walker's index as a C function (`get`, in a capsule): `Walker.index_getter`.

use crate::hash::AddrMap;
use pyo3::ffi;
use std::ptr;

pub(crate) const INDEX_CAPSULE: &std::ffi::CStr = c"heaplens_native.index";

pub(crate) static mut INDEX_GET_DEF: ffi::PyMethodDef = ffi::PyMethodDef {
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
