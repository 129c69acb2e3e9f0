//! What the walker knows of a type, asked of Python (`classify`) once per type: its
//! `Kind` (how its objects' edges are found) and its `TypeInfo`.

use pyo3::ffi;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Leaf,
    List,
    Tuple,
    Dict,
    Set,
    Inst,
    Prod,
    Sub,
    /// exact `function`: `_names.function` in Rust
    Func,
    /// exact `cell`: every referent is `.cell_contents`
    Cell,
}

pub(crate) struct TypeInfo {
    pub(crate) kind: Kind,
    pub(crate) tnum: u32,
    /// Python producer (strong) for Prod and Sub, else null
    pub(crate) producer: *mut ffi::PyObject,
    /// Inst: the member descriptors of the MRO (strong) and their edge names
    pub(crate) members: Vec<(*mut ffi::PyObject, u32)>,
    pub(crate) has_dict: bool,
    pub(crate) managed: bool,
    pub(crate) inline_values: bool,
    pub(crate) is_module: bool,
    /// how sizes are found: 0 the type's basic size, 1 basic size + items (both
    /// object.__sizeof__), 2 the type's own C __sizeof__ (size_descr), 3 sys.getsizeof;
    /// modes 0-2 add size_delta (getsizeof's GC header and pre-header: a function of the
    /// type alone, measured on the first object)
    pub(crate) size_mode: u8,
    pub(crate) size_descr: *mut ffi::PyObject,
    pub(crate) size_delta: Option<i64>,
    /// preview mode: None = not asked yet
    pub(crate) pmode: Option<(u8, *mut ffi::PyObject)>,
}
