#!/usr/bin/env bash
# heaplens vs guppy3 benchmark (issue 3): builds the release `heaplens`, then runs
# bench/run.py with the project's venv (guppy3 installed by `scripts/dev.sh setup`).
#
#   scripts/bench.sh                      1M and 3M service heaps + 10M synthetic snapshot
#   scripts/bench.sh --quick              smoke test: 200k heap + 1M synthetic (about a minute)
#   scripts/bench.sh --sizes 1000000 --synthetic 10000000 [--no-guppy] [--keep] [--repeat N]
#
# Prints one Markdown table and the targets; also writes target/bench/results.{md,json}.
# Results and the exact commands are kept in docs/benchmarks.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
PYTHON="$ROOT/.venv/bin/python"

[ -x "$PYTHON" ] || { echo "[bench] no venv at .venv: run scripts/dev.sh setup first" >&2; exit 1; }
"$PYTHON" -c 'import guppy' 2>/dev/null || { echo "[bench] guppy3 is not in .venv: run scripts/dev.sh setup" >&2; exit 1; }

echo "[bench] cargo build --release -p heaplens-server" >&2
cargo build --release -p heaplens-server
exec "$PYTHON" bench/run.py --heaplens "$ROOT/target/release/heaplens" "$@"
