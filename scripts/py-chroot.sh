#!/usr/bin/env bash
# A Debian testing chroot with CPython 3.14 and 3.15 (and gdb; gcc, pip and pytest to build
# and test the native walker there, capture/native/build-chroot.sh): the interpreters this
# machine's Debian (bookworm) and pyenv lack, and another root filesystem in the same PID
# namespace, which is what a container looks like to `heaplens attach`. Idempotent: a no-op
# when it is complete (see ../shared/notes/toolchain.md). Needs root.
#   scripts/py-chroot.sh [DIR]     (default $PY_CHROOT or /var/tmp/heaplens-deb-testing)
set -euo pipefail
R="${1:-${PY_CHROOT:-/var/tmp/heaplens-deb-testing}}"
have() { [ -x "$R/usr/bin/python3.14" ] && [ -x "$R/usr/bin/python3.15" ] && [ -x "$R/usr/bin/gdb" ] && [ -x "$R/usr/bin/gcc" ] && [ -f "$R/usr/lib/python3/dist-packages/pip/__init__.py" ] && [ -d "$R/usr/lib/python3/dist-packages/pytest" ]; }
if have && [ -f "$R/.complete" ]; then
    echo "$R"; exit 0
fi
[ "$(id -u)" = 0 ] || { echo "py-chroot.sh: needs root (debootstrap, chroot)" >&2; exit 1; }
MIRROR=$(awk '$1=="URIs:"{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
[ ! -d "$R/debootstrap" ] || rm -rf --one-file-system "$R"   # a half-finished earlier run
[ -x "$R/usr/bin/apt-get" ] || debootstrap --variant=minbase testing "$R" "$MIRROR" >&2
echo 'Acquire::Check-Valid-Until "false";' > "$R/etc/apt/apt.conf.d/99no-valid-until"
if ! have; then
    chroot "$R" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive chroot "$R" apt-get install -y -qq --no-install-recommends \
        python3.14 python3.14-dev python3.15 python3.15-dev gdb \
        gcc libc6-dev python3-pip python3-pytest >&2
    chroot "$R" apt-get clean
fi
touch "$R/.complete"
echo "$R"
