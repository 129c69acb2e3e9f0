#!/usr/bin/env bash
# The server under load (issue 16): wrk (Debian's, installed when missing) sends the URLs of
# bench/load/urls.txt (every query route; every other request made unique, see
# bench/load/rotate.lua) to `heaplens serve` on a synthetic snapshot, on loopback only.
# Prints, per run, requests/s, p50/p90/p99, non-2xx answers and socket errors, and the
# server's RSS after loading and after each run; the JSON lines go to target/load/.
#
#   scripts/loadtest.sh [--objects 3000000] [--clients 50] [--seconds 60] [--runs 3]
#
# HEAPLENS_BIN=PATH tests that binary instead of building target/release/heaplens (e.g. one
# built with `--no-default-features`, glibc's allocator instead of mimalloc).
# Not part of the test suite (it takes minutes); results are kept in docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OBJECTS=3000000 CLIENTS=50 SECONDS_=60 RUNS=3
while [ $# -gt 0 ]; do
    case "$1" in
        --objects) OBJECTS="$2"; shift 2 ;;
        --clients) CLIENTS="$2"; shift 2 ;;
        --seconds) SECONDS_="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        *) echo "usage: scripts/loadtest.sh [--objects N] [--clients N] [--seconds N] [--runs N]" >&2; exit 2 ;;
    esac
done
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v wrk >/dev/null; then
    echo "[load] installing Debian's wrk" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
BIN="${HEAPLENS_BIN:-}"
if [ -z "$BIN" ]; then
    cargo build --release -p heaplens-server >&2
    BIN="$ROOT/target/release/heaplens"
fi
OUT="$ROOT/target/load"
mkdir -p "$OUT"
SNAP="$OUT/synth.hls"
[ -f "$SNAP" ] && [ "$(cat "$OUT/synth.objects" 2>/dev/null)" = "$OBJECTS" ] || {
    "$BIN" synth "$OBJECTS" "$SNAP" >&2
    echo "$OBJECTS" >"$OUT/synth.objects"
}
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG="$OUT/server.log"
"$BIN" serve --addr "127.0.0.1:$PORT" --exit-after $((RUNS * (SECONDS_ + 30) + 300)) "$SNAP" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q serving "$LOG" && break; kill -0 $PID || { cat "$LOG"; exit 1; }; sleep 0.1; done
BASE="http://127.0.0.1:$PORT"
rss() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' /proc/$PID/status; }
echo "[load] heaplens serve on $BASE, $OBJECTS objects; RSS after loading: $(rss) MiB" >&2
# the URL list: checked in, made by bench/load/make_urls.py against this same synthetic heap
URLS="$ROOT/bench/load/urls.txt"
[ -s "$URLS" ] || python3 bench/load/make_urls.py "$BASE" synth >"$URLS"
echo "{\"objects\": $OBJECTS, \"clients\": $CLIENTS, \"seconds\": $SECONDS_, \"rss_loaded_mib\": $(rss), \"urls\": $(grep -c . "$URLS")}" | tee "$OUT/results.jsonl"
for run in $(seq 1 "$RUNS"); do
    line="$(LOAD_URLS="$URLS" LOAD_SNAPSHOT=synth wrk -t2 -c"$CLIENTS" -d"${SECONDS_}s" --timeout 30s -s bench/load/rotate.lua "$BASE" | grep '^LOADTEST ' | cut -c10-)"
    status="$(curl -s "$BASE/api/status")"
    echo "{\"run\": $run, \"wrk\": $line, \"rss_mib\": $(rss), \"status\": $status}" | tee -a "$OUT/results.jsonl"
done
