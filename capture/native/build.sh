#!/usr/bin/env bash
# Build the native walker (heaplens_native) for one Python and install it into that
# Python's environment.  Idempotent: the wheel is rebuilt only when a source or the
# interpreter changed, and reinstalled only when it is not installed yet.
#
#   capture/native/build.sh PYTHON          e.g. .venv/bin/python, /tmp/nv313/bin/python
#
# Needs cargo (crates fetched: `cargo fetch --manifest-path capture/native/Cargo.toml`
# once; the build runs --offline when they are) and maturin 1.16 in that environment
# (installed there with pip when missing).  One wheel per CPython version (the walker
# uses the full C API: tp_traverse, PyObject_IS_GC, _PyObject_GetDictPtr).
# The build uses its own target directory (capture/native/target, git-ignored).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${1:?usage: build.sh PYTHON}"
case "$PY" in /*) ;; */*) PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")" ;; esac  # the build runs elsewhere
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${HEAPLENS_NATIVE_TARGET:-$HERE/target}"
VER="$("$PY" -c 'import sys; print("%d%d" % sys.version_info[:2])')"
"$PY" -m maturin --version >/dev/null 2>&1 || "$PY" -m pip install -q 'maturin==1.16.0'
# the sources' fingerprint: rebuild only when it changes
SUM="$(cat "$HERE/Cargo.toml" "$HERE/Cargo.lock" "$HERE/pyproject.toml" "$HERE/build.rs" "$HERE"/src/*.rs | sha256sum | cut -c1-16)"
OUT="$CARGO_TARGET_DIR/wheels-$VER-$SUM"
WHEEL="$(ls "$OUT"/heaplens_native-*.whl 2>/dev/null | head -1 || true)"
if [ -z "$WHEEL" ]; then
  OFFLINE=--offline
  (cd "$HERE" && cargo fetch --offline >/dev/null 2>&1) || { (cd "$HERE" && cargo fetch); }
  echo "[native] building heaplens_native for $("$PY" -V)" >&2
  (cd "$HERE" && "$PY" -m maturin build --release $OFFLINE -i "$PY" -o "$OUT" >&2)
  WHEEL="$(ls "$OUT"/heaplens_native-*.whl | head -1)"
fi
# installed and the same build? (the wheel's fingerprint is recorded next to the module)
if [ "$("$PY" -c 'import heaplens_native, os; p = os.path.join(os.path.dirname(heaplens_native.__file__), "heaplens_native.build"); print(open(p).read().strip() if os.path.exists(p) else "")' 2>/dev/null || true)" != "$SUM" ]; then
  "$PY" -m pip install -q --force-reinstall --no-deps "$WHEEL"
  "$PY" -c 'import heaplens_native, os, sys; open(os.path.join(os.path.dirname(heaplens_native.__file__), "heaplens_native.build"), "w").write(sys.argv[1])' "$SUM"
fi
"$PY" -c 'import heaplens_native, sys; print("[native] heaplens_native ready for", sys.version.split()[0], "at", heaplens_native.__file__)' >&2
