#!/usr/bin/env bash
# The screenshot check of issue 15: every view (snapshot list, partition table, treemap, graph,
# object, shortest paths, rp, retained, identity, diff, timeline), light and dark, of one build,
# and a pixel comparison of two such sets. Not part of `dev.sh test` (two builds are needed).
#
#   scripts/screens.sh shoot OUT [DIST] [HEAPLENS]   serve DIST (default dist) with the server
#                                                    binary HEAPLENS (default target/release/
#                                                    heaplens), screenshot every view into OUT
#   scripts/screens.sh compare BEFORE AFTER [DIFFS]  per picture, the share of pixels that
#                                                    differ; fails above 0.1% (DIFFS: diff images)
#
# Both sets must be shot from the same files: the demo snapshot (SCREENS_SNAPSHOT, default
# target/demo/demo.hls, which `dev.sh run` captures) and a heapy dump series made from it once
# (target/screens/series.dump, four tables written by `heaplens table --heapy-dump`).
# Needs the e2e packages (`dev.sh setup`: npm ci in e2e/) and /usr/bin/chromium.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '\033[1m[screens]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }

# shellcheck source=lib/serve.sh
. "$ROOT/scripts/lib/serve.sh"

cmd_shoot() {
    local out="${1:?usage: scripts/screens.sh shoot OUT [DIST] [HEAPLENS]}"
    local dist="${2:-dist}" bin="${3:-target/release/heaplens}"
    local snapshot="${SCREENS_SNAPSHOT:-target/demo/demo.hls}"
    [ -f "$dist/index.html" ] || die "no built app in $dist (trunk build --release)"
    [ -x "$bin" ] || die "no server binary $bin (cargo build --release -p heaplens-server)"
    [ -f "$snapshot" ] || die "no snapshot $snapshot (scripts/dev.sh run captures the demo's)"
    out="$(mkdir -p "$out" && abs "$out")"
    dist="$(abs "$dist")"
    bin="$(abs "$bin")"
    local series=target/screens/series.dump
    if [ ! -f "$series" ]; then
        log "making the heapy dump series $series"
        mkdir -p target/screens
        for by in type clodo size module; do
            "$bin" table "$snapshot" --by "$by" --heapy-dump "$series" >/dev/null
        done
    fi
    log "serving $dist with $bin"
    start_server "$bin" --static "$dist" --exit-after 900 "$snapshot" "$series"
    local name
    name="$(basename "$snapshot" .hls)"
    (cd e2e && HEAPLENS_URL="http://127.0.0.1:$SERVER_PORT" HEAPLENS_SNAPSHOT="$name" SCREENS_OUT="$out" \
        npx playwright test --config screens/playwright.config.ts)
    stop_server
    log "$(ls "$out"/*.png | wc -l) pictures in $out"
}

cmd_compare() {
    local before="${1:?usage: scripts/screens.sh compare BEFORE AFTER [DIFFS]}" after="${2:?}"
    local diffs="${3:-}"
    before="$(abs "$before")"
    after="$(abs "$after")"
    [ -z "$diffs" ] || diffs="$(mkdir -p "$diffs" && abs "$diffs")"
    (cd e2e && node screens/compare.mjs "$before" "$after" ${diffs:+"$diffs"})
}

case "${1:-}" in
    shoot) shift; cmd_shoot "$@" ;;
    compare) shift; cmd_compare "$@" ;;
    *) echo "usage: scripts/screens.sh shoot OUT [DIST] [HEAPLENS] | compare BEFORE AFTER [DIFFS]" >&2; exit 2 ;;
esac
