#!/usr/bin/env bash
# Coverage-guided fuzzing of heaplens (issue 16; docs/reliability.md). Not run by CI.
#
#   scripts/fuzz.sh TARGET [SECONDS]   run one target for SECONDS (default 1800 = 30 min)
#   scripts/fuzz.sh all [SECONDS]      every target in turn, SECONDS each
#   scripts/fuzz.sh list               the targets
#
# Installs the pinned cargo-fuzz if it is missing, builds the targets with the nightly
# toolchain (no sanitizer: the code is safe Rust; debug assertions on, so overflows panic;
# fuzz/src/lib.rs aborts on any allocation over 256 MiB), and runs one libFuzzer job at
# `nice -n 19`. The corpus grows in fuzz/corpus/TARGET (seeded from fuzz/seeds/TARGET, which
# is checked in; the grown corpus is not), crashes land in fuzz/artifacts/TARGET. Replay one:
#   scripts/fuzz.sh TARGET --replay fuzz/artifacts/TARGET/crash-...
# Environment: CARGO_TARGET_DIR (default ./target), FUZZ_ARGS (more libFuzzer flags).
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2
TARGETS=(snapshot_reader index_file dump_reader query upload_route)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/fuzz"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage

if [ "$1" = list ]; then printf '%s\n' "${TARGETS[@]}"; exit 0; fi

if ! cargo fuzz --version 2>/dev/null | grep -q " $CARGO_FUZZ_VERSION\$"; then
    echo "fuzz.sh: installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
    nice -n 19 cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

build() {
    nice -n 19 cargo +nightly fuzz build --sanitizer none --debug-assertions --target-dir "$TARGET_DIR" "$@"
}

run() {
    local target=$1 seconds=$2
    mkdir -p "corpus/$target" "artifacts/$target"
    # the checked-in seeds join the grown corpus (libFuzzer reads both, writes only the
    # first); crashes go to fuzz/artifacts/TARGET (cargo fuzz's -artifact_prefix)
    echo "fuzz.sh: $target for ${seconds}s" >&2
    local status=0
    nice -n 19 cargo +nightly fuzz run --sanitizer none --debug-assertions --target-dir "$TARGET_DIR" \
        --jobs 1 "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -jobs=1 -workers=1 -print_final_stats=1 ${FUZZ_ARGS:-} || status=$?
    # with -jobs libFuzzer writes its output to fuzz-0.log: keep it beside the artifacts
    mv fuzz-0.log "artifacts/$target/last-run.log"
    tail -n 12 "artifacts/$target/last-run.log"
    return "$status"
}

target=$1
shift
if [ "${1:-}" = --replay ]; then
    build "$target"
    exec nice -n 19 "$TARGET_DIR/x86_64-unknown-linux-gnu/release/$target" "${@:2}"
fi
seconds=${1:-1800}
case " ${TARGETS[*]} all " in
    *" $target "*) ;;
    *) echo "fuzz.sh: no target $target (targets: ${TARGETS[*]}, all)" >&2; exit 2 ;;
esac
build
if [ "$target" = all ]; then
    for t in "${TARGETS[@]}"; do run "$t" "$seconds"; done
else
    run "$target" "$seconds"
fi
