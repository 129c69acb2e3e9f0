//! heaplens_native: the hot loop of the heaplens capture agent's heap walk, in Rust.
//!
//! The walk (`capture/heaplens/_native.py` drives it) discovers objects breadth first from
//! heapy's root edges, numbers them in the order the pure-Python walker (`_walk.py`) does,
//! and produces the same columns: type numbers, `sys.getsizeof` sizes, degrees, edge
//! targets and edge names.  Lists, tuples, dicts, sets, frozensets and plain instances of
//! Python classes are walked here; every other kind of object (types, code, frames,
//! functions, modules, subclasses of containers, C objects) is named by the pure-Python
//! producers of `_names.py`, called from here once per object.  Type labels, members and
//! per-type facts come from Python once per type.
//!
//! Safety rules (issue 18):
//! * every object is reached through a strong reference: a container's items read under
//!   the GIL with no Python code run in between, a producer's returned lists (held while
//!   read), or a new reference the C API handed out; each discovered object is held
//!   (`Py_INCREF`) until the walker is released, so no address is reused mid-walk;
//! * `tp_traverse` is only called on objects for which `PyObject_IS_GC` is true;
//! * the GIL is held throughout: nothing here releases it (no I/O; the file is written by
//!   the caller after the walk).
//! * no memory is read by offset except the managed-dict word before a 3.11+ instance with
//!   `Py_TPFLAGS_MANAGED_DICT` (read as a number, to count materialised dicts, exactly as
//!   the pure walker does).
//! * `fork` (`dump(fork=True)`) is the one exception to "never write": in the forked child
//!   only, it re-initialises the GIL's pthread objects (`fork.rs` says why and how).

mod fork;
mod function;
mod hash;
mod index;
mod repr;
mod sections;
mod strings;
mod subclasses;
mod switch;
mod traverse;
mod typeinfo;
mod walker;
mod walker_discover;
mod walker_edges;
mod walker_methods;
mod walker_names;
mod walker_preview;
mod walker_types;

use function::function_edges;
use pyo3::prelude::*;
use repr::float_repr;
use sections::seen_sections;
use switch::{enabled, set_enabled};
use walker::Walker;

#[pymodule]
fn heaplens_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Walker>()?;
    m.add_function(wrap_pyfunction!(seen_sections, m)?)?;
    m.add_function(wrap_pyfunction!(enabled, m)?)?;
    m.add_function(wrap_pyfunction!(function_edges, m)?)?;
    m.add_function(wrap_pyfunction!(float_repr, m)?)?;
    // the interface _native.py expects; bumped whenever it changes
    m.add_function(wrap_pyfunction!(fork::fork, m)?)?;
    m.add_function(wrap_pyfunction!(subclasses::subclass_dict_candidates, m)?)?;
    m.add("API", 7)?;
    m.add_function(wrap_pyfunction!(set_enabled, m)?)?;
    Ok(())
}
