//! Embeds the Python capture agent (`capture/heaplens/*.py`) in the `heaplens` binary, so
//! `heaplens attach` can place it in a target process that never installed it.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let agent = manifest.join("../capture/heaplens").canonicalize().expect("capture/heaplens exists");
    println!("cargo:rerun-if-changed={}", agent.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&agent)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    let mut out =
        String::from("/// The agent's modules: (file name, source).\npub const AGENT_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_str().unwrap();
        writeln!(out, "    ({name:?}, include_str!({:?})),", f.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("agent_files.rs");
    std::fs::write(dest, out).unwrap();
}
