#!/usr/bin/env bash
# The capture stress heaps under valgrind memcheck, with the native walker (issue 18):
# a command to run and report, not part of CI (about 3 minutes).
#
#   scripts/memcheck.sh [PYTHON] [stress_heap.py arguments...]
#
# PYTHON defaults to .venv/bin/python (which has heaplens_native). CPython runs with
# PYTHONMALLOC=malloc so that memcheck sees each object's allocation. Prints the errors
# whose stack passes through heaplens_native, by kind, and where the bytes they used
# came from; exits 1 when memcheck saw an invalid read or write, or a use of undefined
# bytes that CPython's own int.from_bytes did not make (see docs/reliability.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${1:-$ROOT/.venv/bin/python}"
shift || true
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(--kinds ctypes,no_traverse,generators,finalisers --random 2)
command -v valgrind >/dev/null || { echo "memcheck.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
(cd "$OUT" && PYTHONMALLOC=malloc valgrind --tool=memcheck --track-origins=yes --num-callers=16 \
    --log-file="$OUT/memcheck.log" "$PY" "$ROOT/capture/tests/stress_heap.py" "$OUT" "${ARGS[@]}" >"$OUT/stress.json")
python3 - "$OUT/memcheck.log" "$OUT/stress.json" <<'PY'
import json, re, sys
from collections import Counter
log = open(sys.argv[1]).read()
rep = json.loads(open(sys.argv[2]).read().splitlines()[-1])
print('heaps captured under memcheck:', ', '.join('%s (%s, %d objects)' % (h['heap'], h['walker'], h['objects']) for h in rep['heaps']))
print(re.search(r'ERROR SUMMARY: .*', log).group(0))
seen, bad = Counter(), 0
for block in re.split(r'\n==\d+== \n', log):
    if 'heaplens_native' not in block:
        continue
    lines = [re.sub(r'^==\d+==\s*', '', l) for l in block.splitlines()]
    kind = lines[0]
    origin = next((lines[i + 2] for i, l in enumerate(lines) if 'was created' in l and i + 2 < len(lines)), '?')
    origin = re.sub(r'^(at|by) 0x[0-9A-F]+: ', '', origin)
    seen[(kind, origin[:90])] += 1
    if 'Invalid' in kind or not ('_PyLong_New' in origin or 'hashbrown' in origin):
        bad += 1
for (kind, origin), n in seen.most_common():
    print('%4d  %s; bytes from %s' % (n, kind, origin))
print('errors through heaplens_native not explained:', bad)
sys.exit(1 if bad else 0)
PY
