#!/usr/bin/env bash
# Build the native walker (heaplens_native) for the CPython 3.14 and 3.15 of the Debian
# testing chroot (scripts/py-chroot.sh) and install the wheels there (pip, system site).
# This machine's own Debian and pyenv have no 3.14/3.15; the chroot does, with gcc and pip.
# The host's Rust toolchain and crate cache are bind-mounted into the chroot for the build
# (and unmounted after), so nothing is downloaded. Idempotent: a wheel is rebuilt only when
# the sources change, reinstalled only when the installed one differs. Needs root.
#
#   capture/native/build-chroot.sh [ROOT] [VERSION ...]     (default: 3.14 3.15)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
R="${1:-${PY_CHROOT:-/var/tmp/heaplens-deb-testing}}"
shift || true
VERSIONS=("$@")
[ "${#VERSIONS[@]}" -gt 0 ] || VERSIONS=(3.14 3.15)
[ "$(id -u)" = 0 ] || { echo "build-chroot.sh: needs root (chroot, mount)" >&2; exit 1; }
[ -x "$R/usr/bin/gcc" ] && [ -x "$R/usr/bin/python3.14" ] || { echo "build-chroot.sh: $R lacks gcc or python3.14: run scripts/py-chroot.sh" >&2; exit 1; }
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
MATURIN="$(command -v maturin || true)"
SUM="$(cat "$HERE/Cargo.toml" "$HERE/Cargo.lock" "$HERE/pyproject.toml" "$HERE/build.rs" "$HERE"/src/*.rs | sha256sum | cut -c1-16)"

need=()
for v in "${VERSIONS[@]}"; do
    stamp="$R/var/lib/heaplens-native-$v"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$SUM" ] || ! chroot "$R" "/usr/bin/python$v" -c 'import heaplens_native' 2>/dev/null; then
        need+=("$v")
    fi
done
[ "${#need[@]}" -eq 0 ] && { echo "[native-chroot] heaplens_native ready for ${VERSIONS[*]} in $R" >&2; exit 0; }

# maturin: the host venv's binary (a static Rust program) runs in the chroot too
if [ -z "$MATURIN" ]; then
    for p in "$HERE/../../.venv/bin/maturin"; do [ -x "$p" ] && MATURIN="$(cd "$(dirname "$p")" && pwd)/maturin"; done
fi
[ -n "$MATURIN" ] || { echo "build-chroot.sh: no maturin (capture/native/build.sh installs it in .venv)" >&2; exit 1; }

SRC=/var/tmp/heaplens-native-src
MOUNTS=()
cleanup() {
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() {  # bind HOSTPATH CHROOTPATH
    mkdir -p "$R$2"
    mountpoint -q "$R$2" && return 0
    mount --bind "$1" "$R$2"
    MOUNTS+=("$R$2")
}
mountpoint -q "$R/proc" || { mount -t proc proc "$R/proc"; MOUNTS+=("$R/proc"); }
bind "$CARGO_HOME" /opt/heaplens-cargo
bind "$RUSTUP_HOME" /opt/heaplens-rustup
bind "$HERE" "$SRC"
bind "$(dirname "$MATURIN")" /opt/heaplens-maturin
for v in "${need[@]}"; do
    echo "[native-chroot] building heaplens_native for python$v in $R" >&2
    out="/var/tmp/heaplens-native-wheels/$v-$SUM"
    chroot "$R" env HOME=/root CARGO_HOME=/opt/heaplens-cargo RUSTUP_HOME=/opt/heaplens-rustup \
        PATH=/opt/heaplens-cargo/bin:/usr/bin:/bin CARGO_TARGET_DIR=/var/tmp/heaplens-native-target \
        bash -c "cd $SRC && /opt/heaplens-maturin/maturin build --release --offline -i /usr/bin/python$v -o $out" >&2
    chroot "$R" bash -c "python$v -m pip install -q --break-system-packages --root-user-action=ignore --no-index --force-reinstall $out/heaplens_native-*.whl" >&2
    chroot "$R" "/usr/bin/python$v" -c 'import heaplens_native' >&2
    echo "$SUM" >"$R/var/lib/heaplens-native-$v"
done
echo "[native-chroot] heaplens_native ready for ${VERSIONS[*]} in $R" >&2
