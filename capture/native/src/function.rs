//! The edges of an exact function object: its fields as candidates (`func_cands`), each
//! referent named by them (`assign`, as `_names.assign`), and `function_edges`, which
//! exposes both so the agent can check them against `_names.function`.

use crate::traverse::referents;
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;

/// `_names.function`'s candidates: (field, edge name) of a function object, in its order.
pub(crate) unsafe fn func_cands(o: *mut ffi::PyObject, minor: u8, out: &mut Vec<(usize, &'static [u8])>) {
    out.clear();
    let f = o as *mut ffi::PyFunctionObject;
    let none = ffi::Py_None();
    let mut add = |p: *mut ffi::PyObject, n: &'static [u8]| {
        if !p.is_null() && p != none {
            out.push((p as usize, n));
        }
    };
    add((*f).func_code, b".__code__");
    add((*f).func_globals, b".__globals__");
    add((*f).func_module, b".__module__");
    add((*f).func_defaults, b".__defaults__");
    add((*f).func_kwdefaults, b".__kwdefaults__");
    add((*f).func_doc, b".__doc__");
    add((*f).func_name, b".__name__");
    add((*f).func_closure, b".__closure__");
    add((*f).func_qualname, b".__qualname__");
    add((*f).func_dict, b".__dict__");
    add((*f).func_annotations, b".__annotations__");
    #[cfg(Py_3_12)]
    {
        if minor >= 12 {
            // the __type_params__ getter gives () when the field is NULL
            let tp = (*f).func_typeparams;
            if tp.is_null() {
                let e = ffi::PyTuple_New(0);
                if !e.is_null() {
                    add(e, b".__type_params__");
                    ffi::Py_DECREF(e); // the empty tuple is a singleton
                } else {
                    ffi::PyErr_Clear();
                }
            } else {
                add(tp, b".__type_params__");
            }
        }
    }
    let _ = minor;
}

/// heapy's relate as `_names.assign`: name each referent by the candidates naming its
/// identity (one name per visit, then one extra edge per name left over); unnamed: "".
pub(crate) fn assign<N: Copy>(refs: &[usize], cands: &[(usize, N)], empty: N, out: &mut Vec<(usize, N)>) {
    out.clear();
    let mut used: Vec<(usize, usize)> = Vec::new();
    let names = |r: usize| cands.iter().filter(move |c| c.0 == r).map(|c| c.1);
    for &r in refs {
        let cnt = names(r).count();
        if cnt == 0 {
            out.push((r, empty));
            continue;
        }
        let u = match used.iter_mut().find(|x| x.0 == r) {
            Some(x) => {
                x.1 += 1;
                x.1 - 1
            }
            None => {
                used.push((r, 1));
                0
            }
        };
        let n = names(r).nth(u.min(cnt - 1)).unwrap();
        out.push((r, n));
    }
    if !used.is_empty() {
        for &r in refs {
            if let Some(x) = used.iter_mut().find(|x| x.0 == r) {
                let cnt = names(r).count();
                for n in names(r).skip(x.1) {
                    out.push((r, n));
                }
                x.1 = x.1.max(cnt);
            }
        }
    }
}

/// The edges the walker gives function ``f`` (kind 8): [(target, name)], to check them
/// against `_names.function` before the walker is trusted with functions.
#[pyfunction]
pub(crate) fn function_edges<'py>(py: Python<'py>, f: &Bound<'py, PyAny>) -> PyResult<Vec<(Bound<'py, PyAny>, String)>> {
    unsafe {
        if ffi::PyFunction_Check(f.as_ptr()) == 0 {
            return Err(PyTypeError::new_err("a function expected"));
        }
        let mut cands = Vec::new();
        func_cands(f.as_ptr(), py.version_info().minor, &mut cands);
        let mut refs = Vec::new();
        referents(f.as_ptr(), &mut refs);
        let mut out = Vec::new();
        assign(&refs, &cands, &b""[..], &mut out);
        Ok(out
            .into_iter()
            .map(|(t, n)| {
                (
                    Bound::from_borrowed_ptr(py, t as *mut ffi::PyObject),
                    String::from_utf8_lossy(n).into_owned(),
                )
            })
            .collect())
    }
}
