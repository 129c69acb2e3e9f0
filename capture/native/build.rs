// the Py_3_x cfgs of the interpreter being built for (PyFunctionObject's fields differ)
fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
