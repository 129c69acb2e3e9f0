#!/usr/bin/env bash
# heaplens developer entry point: the README's two commands call this script.
#
#   scripts/dev.sh run    install what is missing, build, capture the demo's heap, serve it
#   scripts/dev.sh test   install what is missing, build, run every test (Rust, Python, browser)
#   scripts/dev.sh setup  only install what is missing (idempotent; seconds when all is there)
#
# Everything comes from crates.io, PyPI, Debian and npm, pinned. Trunk never downloads
# (offline, tools from PATH at the exact versions below). See ../shared/notes/toolchain.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
PYTHON="${HEAPLENS_PYTHON:-python3}"
VENV="$ROOT/.venv"
PORT="${HEAPLENS_PORT:-7878}"
export PATH="$HOME/.cargo/bin:$PATH"
export TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true

log() { printf '\033[1m[heaplens]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The wasm-bindgen version the workspace locks; the CLI must be exactly this one.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# Runs a command as root (directly, or with sudo when available).
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

# A stamp file remembers the hash of an input, so a step reruns only when the input changes.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

setup_rust() {
    command -v cargo >/dev/null || die "cargo is not installed (this machine kind ships Rust; install rustup first)"
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        log "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
    if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
        log "installing trunk $TRUNK_VERSION (compiles for ~15 minutes on 2 cores, once)"
        cargo install trunk --version "$TRUNK_VERSION" --locked
    fi
    local wbg
    wbg="$(wasm_bindgen_version)"
    [ -n "$wbg" ] || die "no wasm-bindgen in Cargo.lock"
    if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
        log "installing wasm-bindgen-cli $wbg (must equal the wasm-bindgen crate in Cargo.lock)"
        # Its own lock file names a crate version crates.io no longer serves for some releases:
        # try --locked first, then resolve afresh (toolchain notes).
        cargo install wasm-bindgen-cli --version "$wbg" --locked --force ||
            cargo install wasm-bindgen-cli --version "$wbg" --force
    fi
    # Trunk builds offline, so every crate must already be in the local registry.
    local lock_hash
    lock_hash="$(sha256sum Cargo.lock | cut -d' ' -f1)"
    if ! stamp_ok target/.fetch-stamp "$lock_hash"; then
        log "fetching crates"
        cargo fetch --locked
        mkdir -p target && echo "$lock_hash" >target/.fetch-stamp
    fi
    setup_app_tools
}

# The app's build tools from npm (wasm-opt of binaryen 132), pinned by app/package-lock.json.
setup_app_tools() {
    local lock_hash
    lock_hash="$(sha256sum app/package-lock.json | cut -d' ' -f1)"
    if [ ! -x app/node_modules/.bin/wasm-opt ] || ! stamp_ok app/node_modules/.stamp "$lock_hash"; then
        log "installing the app's build tools (npm ci in app/)"
        (cd app && npm ci --no-audit --no-fund --loglevel=error)
        echo "$lock_hash" >app/node_modules/.stamp
    fi
}

# make_venv DIR PYTHON WHAT REQUIREMENTS...: a virtual environment with those requirement
# files installed, made again only when the interpreter or the files change.
make_venv() {
    local dir="$1" py="$2" what="$3" want
    shift 3
    want="$("$py" --version 2>&1) $(cat "$@" | sha256sum | cut -d' ' -f1)"
    if [ -x "$dir/bin/python" ] && stamp_ok "$dir/.stamp" "$want"; then
        return
    fi
    log "creating $dir ($what)"
    rm -rf "$dir"
    "$py" -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$1"
    echo "$want" >"$dir/.stamp"
}

setup_python() {
    make_venv "$VENV" "$PYTHON" "the test dependencies" \
        "$ROOT/capture/requirements-test.txt" "$ROOT/capture/requirements-web.txt"
    # the native walker (capture/native, PyO3) into the venv: rebuilt only when its sources
    # or the interpreter change (seconds when nothing did)
    "$ROOT/capture/native/build.sh" "$VENV/bin/python"
}

# FastAPI and uvicorn for pyenv's CPython 3.12 and 3.13 (the test environment has them for
# its own): capture/tests/test_web_servers.py captures inside them. Pinned by
# capture/requirements-web.txt; a version pyenv lacks is left out (the test says so).
setup_web() {
    local v py
    for v in 3.12 3.13; do
        py="$(ls "$HOME"/.pyenv/versions/"$v".*/bin/python"$v" 2>/dev/null | sort -V | tail -1 || true)"
        [ -n "$py" ] || continue
        make_venv "$ROOT/.venv-web/$v" "$py" "FastAPI and uvicorn for CPython $v" \
            "$ROOT/capture/requirements-web.txt"
    done
}

# The native walker for pyenv's other CPythons (the test environment has its own):
# capture/tests/test_stress.py runs both walkers on each. One small venv per version
# (.venv-native/3.X: maturin only), the wheel built and installed there by build.sh.
setup_native_versions() {
    local v py
    for v in 3.9 3.10 3.12 3.13; do
        py="$(ls "$HOME"/.pyenv/versions/"$v".*/bin/python"$v" 2>/dev/null | sort -V | tail -1 || true)"
        [ -n "$py" ] || continue
        make_venv "$ROOT/.venv-native/$v" "$py" "the native walker for CPython $v" \
            "$ROOT/capture/native/requirements-build.txt"
        "$ROOT/capture/native/build.sh" "$ROOT/.venv-native/$v/bin/python"
    done
}

# What `heaplens attach` needs (gdb) and the interpreters its tests run beside pyenv's:
# CPython 3.14 and 3.15 in a Debian testing chroot (scripts/py-chroot.sh; root only).
setup_attach() {
    if ! command -v gdb >/dev/null; then
        log "installing Debian's gdb (heaplens attach)"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq gdb >/dev/null
    fi
    if [ "$(id -u)" = 0 ]; then
        PY_CHROOT="$(scripts/py-chroot.sh)" || die "could not make the CPython 3.14/3.15 chroot"
        export PY_CHROOT
        # the native walker for the chroot's 3.14 and 3.15 (tests/test_native.py runs them)
        PATH="$VENV/bin:$PATH" capture/native/build-chroot.sh "$PY_CHROOT" \
            || die "could not build the native walker for the chroot's CPython 3.14/3.15"
    fi
}

setup_browser() {
    if [ ! -x /usr/bin/chromium ]; then
        log "installing Debian's chromium"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
    fi
    local lock_hash
    lock_hash="$(sha256sum e2e/package-lock.json | cut -d' ' -f1)"
    if [ ! -d e2e/node_modules ] || ! stamp_ok e2e/node_modules/.stamp "$lock_hash"; then
        log "installing the e2e node packages (npm ci)"
        (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
        echo "$lock_hash" >e2e/node_modules/.stamp
    fi
}

build_server() {
    log "building the heaplens server (release)"
    cargo build --release --locked -p heaplens-server
}

build_app() {
    log "building the browser app with trunk (offline)"
    PATH="$ROOT/app/node_modules/.bin:$PATH" trunk build --release --offline
}

capture_demo() {
    log "running the demo program and capturing its heap"
    mkdir -p target/demo
    "$VENV/bin/python" demo/demo_app.py target/demo/demo.hls
}

cmd_run() {
    setup_rust
    setup_python
    build_server
    build_app
    capture_demo
    log "starting heaplens on http://127.0.0.1:$PORT/ (Ctrl-C stops it)"
    exec target/release/heaplens serve --addr "127.0.0.1:$PORT" --static dist --data target/demo/data target/demo/demo.hls
}

# Invariants from ARCHITECTURE.md: the source-level ones (file size, import cycles, engine
# layers, no edge walking outside the engine, spawn_blocking and Query::parse only in the
# server's shared core) in scripts/invariants.py; then the engine's and the wire's
# dependencies, and the engine on wasm32.
check_invariants() {
    log "checking architecture invariants"
    python3 scripts/invariants.py || die "architecture invariants broken (above; ARCHITECTURE.md, Invariants)"
    local deps
    deps="$(cargo tree --locked -p heaplens-engine -e normal --prefix none | cut -d' ' -f1 | sort -u)"
    for banned in axum tokio leptos hyper tower wasm-bindgen; do
        if grep -qx "$banned" <<<"$deps"; then die "heaplens-engine depends on $banned (see ARCHITECTURE.md)"; fi
    done
    deps="$(cargo tree --locked -p heaplens-wire -e normal --prefix none | cut -d' ' -f1 | sort -u)"
    if grep -qvxE 'heaplens-wire|serde|serde_derive|proc-macro2|quote|syn|unicode-ident|serde_core' <<<"$deps"; then
        die "heaplens-wire depends on more than serde: $(tr '\n' ' ' <<<"$deps")"
    fi
    cargo check --locked -q -p heaplens-engine --target wasm32-unknown-unknown
}

# shellcheck source=lib/serve.sh
. "$ROOT/scripts/lib/serve.sh"

# Runs one test suite, keeping its output to count the tests at the end.
TEST_LOG="$(mktemp)"
suite() { "$@" 2>&1 | tee -a "$TEST_LOG"; }

cmd_test() {
    set -o pipefail
    setup_rust
    setup_python
    setup_web
    setup_native_versions
    setup_attach
    setup_browser
    check_invariants
    log "Rust tests"
    CI=true suite cargo test --locked --workspace --exclude heaplens-app
    log "app unit tests (URL state, exports; on the host)"
    CI=true suite cargo test --locked -p heaplens-app
    build_server
    log "Python tests (agent, and fidelity against guppy3)"
    HEAPLENS_BIN="$ROOT/target/release/heaplens" suite "$VENV/bin/python" -m pytest -q capture/tests
    build_app
    capture_demo
    log "browser tests (Playwright, Debian chromium)"
    start_server target/release/heaplens --static dist --exit-after 1200 target/demo/demo.hls
    (cd e2e && HEAPLENS_URL="http://127.0.0.1:$SERVER_PORT" HEAPLENS_SNAPSHOT=demo suite npx playwright test)
    stop_server
    # Every suite passed (set -e stops at the first failure): one closing line with the total.
    local total
    total="$(grep -oE '[0-9]+ passed' "$TEST_LOG" | awk '{ n += $1 } END { print n + 0 }')"
    log "all tests passed"
    echo "tests: $total passed, 0 failed"
}

case "${1:-}" in
    run) cmd_run ;;
    test) cmd_test ;;
    setup) setup_rust; setup_python; setup_web; setup_native_versions; setup_attach; setup_browser ;;
    *) echo "usage: scripts/dev.sh run|test|setup" >&2; exit 2 ;;
esac
