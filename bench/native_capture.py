"""Capture speed of the native and the pure-Python walker on the service heap (issue 13).

    python bench/native_capture.py [SIZE] [--repeat N] [--out DIR] [--guppy]

Builds ``bench/service_heap.py``'s heap of about SIZE objects (default 1,000,000) in this
process, walks it once to materialise instance dicts (as heapy's ``heap()`` would), then
per walker, N times each (best kept; all walks before the first dump, which leaves identity
state behind):

* ``dump``: ``heaplens.dump()`` as a user calls it (``gc.collect()``, the identity marks of
  ``docs/identity.md``, the file written);
* ``walk``: the walker alone, as ``dump`` runs it but without the identity marks and after
  the collection: ``_walk.walk(Writer(file), frame, track=None)``, file written included.

Prints a Markdown table (objects/s = objects in the snapshot / seconds) and the native
walker's phases; with ``--guppy``, guppy3's ``hp.heap()`` of the same heap afterwards.  Needs ``heaplens_native`` built for this interpreter
(``capture/native/build.sh PYTHON``).
"""

import gc
import os
import platform
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, '..', 'capture')]

import heaplens  # noqa: E402
import service_heap  # noqa: E402
from heaplens import _native, _walk  # noqa: E402
from heaplens._writer import Writer  # noqa: E402


def walk_only(path):
    gc.collect()
    was = gc.isenabled()
    old = sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(1000.0)
    try:
        t = time.perf_counter()
        with open(path, 'wb') as f:
            w = Writer(f)
            st = _walk.walk(w, sys._getframe(), track=None)
            w.meta({'agent': heaplens.AGENT})
            w.finish()
        return time.perf_counter() - t, st
    finally:
        sys.setswitchinterval(old)
        if was:
            gc.enable()


def timed_dump(path):
    t = time.perf_counter()
    st = heaplens.dump(path)
    return time.perf_counter() - t, st


def main(argv):
    size = int(argv[0]) if argv and not argv[0].startswith('-') else 1_000_000
    repeat = int(argv[argv.index('--repeat') + 1]) if '--repeat' in argv else 3
    out = argv[argv.index('--out') + 1] if '--out' in argv else tempfile.mkdtemp(prefix='hlbench-')
    if not _native.NATIVE:
        print('heaplens_native is not available: %s' % _native.WHY)
        return 2
    t = time.perf_counter()
    pkg = service_heap.build(size)
    print('built %d units in %.1f s' % (pkg.units, time.perf_counter() - t), file=sys.stderr)
    path = os.path.join(out, 'bench.hls')
    walk_only(path)  # materialises the instance dicts (as heapy's heap() would)
    # the walks first: no dump() has left identity state (docs/identity.md) to walk yet
    best = {}
    for step, run in (('walk', walk_only), ('dump', lambda p: timed_dump(p))):
        for label, native in (('native', True), ('pure Python', False)):
            _native.use(native)
            for _ in range(repeat):
                secs, st = run(path)
                print('  %s %s: %.3f s, %d objects' % (label, step, secs, st['objects']),
                      file=sys.stderr)
                if (label, step) not in best or secs < best[label, step][0]:
                    best[label, step] = (secs, st)
    rows = [(label, best[label, 'dump'], best[label, 'walk']) for label in ('native', 'pure Python')]
    phases = best['native', 'walk'][1].get('phases')
    _native.use(True)
    print('CPython %s, %s, %d CPUs; heap of %s objects (service_heap %d units); best of %d'
          % (platform.python_version(), platform.machine(), os.cpu_count(),
             format(rows[0][2][1]['objects'], ','), pkg.units, repeat))
    print()
    print('| walker | dump() s | dump() objects/s | walk s | walk objects/s |')
    print('|---|---|---|---|---|')
    for label, (d, sd), (w, sw) in rows:
        print('| %s | %.2f | %.2fM | %.2f | %.2fM |' % (label, d, sd['objects'] / d / 1e6, w,
                                                    sw['objects'] / w / 1e6))
    if phases:
        print()
        print('native walk phases (s): ' + ', '.join('%s %.3f' % kv for kv in phases.items()))
    if '--guppy' in argv:
        from guppy import hpy
        hp = hpy()
        gc.collect()
        t = time.perf_counter()
        h = hp.heap()
        g = time.perf_counter() - t
        print()
        print("guppy3 hp.heap() afterwards: %.2f s for %s objects (%.2fM objects/s)"
              % (g, format(h.count, ','), h.count / g / 1e6))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
