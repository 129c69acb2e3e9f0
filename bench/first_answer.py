"""The end-to-end first answer, heaplens against guppy3 (issue 13, "Performance").

    python bench/first_answer.py [SIZE ...] [--repeat N] [--heaplens BIN]

For each SIZE (default 1,000,000 and 3,000,000) and each repeat, two fresh interpreters
build ``bench/service_heap.py``'s heap of about SIZE objects (not timed), then time the
question a user asks first, "what is in this heap?":

* heaplens: ``heaplens.dump(path)`` (native walker when it imports, as a user gets it)
  followed by ``heaplens table path`` (the release binary: load, index, default table,
  printed);
* guppy3: ``hpy().heap()`` followed by ``str(h)`` (heapy's default table).

Each tool is warmed before the heap is built (guppy3's first ``heap()`` imports more of
itself; the agent imports its native walker). The two run alternately, one process per
measurement, so machine noise falls on both. Prints one Markdown table: best and median
seconds per tool and the ratio guppy3 / heaplens (above 1: heaplens answers first).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHILD = r'''
import gc, json, os, sys, time, subprocess
sys.path[:0] = [%(bench)r, %(capture)r]
tool, size, path, binary = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
if tool == 'guppy':
    from guppy import hpy
    hp = hpy()
    hp.heap()
else:
    import heaplens
    from heaplens import _native
    walker = 'native' if _native.NATIVE else 'pure Python'
import service_heap
pkg = service_heap.build(size)
gc.collect()
t = time.perf_counter()
if tool == 'guppy':
    h = hp.heap()
    text = str(h)
    count = h.count
    walker = 'guppy3'
else:
    st = heaplens.dump(path)
    text = subprocess.run([binary, 'table', path], check=True, capture_output=True,
                          text=True).stdout
    count = st['objects']
secs = time.perf_counter() - t
assert 'Partition of a set of' in text, text[:200]
print(json.dumps({'secs': secs, 'objects': count, 'walker': walker}))
'''


def run_one(tool, size, binary, tmp):
    path = os.path.join(tmp, 'first.hls')
    src = CHILD % {'bench': HERE, 'capture': os.path.join(ROOT, 'capture')}
    out = subprocess.run([sys.executable, '-c', src, tool, str(size), path, binary],
                         check=True, capture_output=True, text=True)
    if os.path.exists(path):
        os.unlink(path)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv):
    opts = {'--repeat', '--heaplens'}
    sizes = [int(a) for i, a in enumerate(argv)
             if a.isdigit() and (i == 0 or argv[i - 1] not in opts)] or [1_000_000, 3_000_000]
    repeat = int(argv[argv.index('--repeat') + 1]) if '--repeat' in argv else 3
    binary = (argv[argv.index('--heaplens') + 1] if '--heaplens' in argv
              else os.path.join(ROOT, 'target', 'release', 'heaplens'))
    if not os.access(binary, os.X_OK):
        print('no heaplens binary at %s: cargo build --release -p heaplens-server' % binary)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix='hlfirst-') as tmp:
        for size in sizes:
            got = {'heaplens': [], 'guppy': []}
            for i in range(repeat):
                for tool in ('heaplens', 'guppy'):
                    r = run_one(tool, size, binary, tmp)
                    got[tool].append(r)
                    print('  %s %d #%d: %.2f s (%s objects, %s)' % (
                        tool, size, i + 1, r['secs'], format(r['objects'], ','), r['walker']),
                        file=sys.stderr, flush=True)
            rows.append((size, got))
    print('| heap | heaplens (%s) best / median s | guppy3 best / median s | ratio (median) |'
          % rows[0][1]['heaplens'][0]['walker'])
    print('|---|---|---|---|')
    for size, got in rows:
        h = [r['secs'] for r in got['heaplens']]
        g = [r['secs'] for r in got['guppy']]
        print('| %s objects | %.2f / %.2f | %.2f / %.2f | %.2fx |' % (
            format(got['heaplens'][0]['objects'], ','), min(h), statistics.median(h),
            min(g), statistics.median(g), statistics.median(g) / statistics.median(h)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
