//! Helpers shared by the CLI tests: run the `heaplens` binary.

use std::process::Command;

/// Runs `heaplens ARGS`: exit code, stdout, stderr.
pub fn heaplens(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heaplens")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
