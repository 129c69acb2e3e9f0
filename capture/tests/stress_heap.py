"""One interpreter's run of the capture stress suite (issue 18; run by test_stress.py).

    python stress_heap.py OUTDIR [--kinds K,K] [--random N] [--seed S] [--hypothesis N]

``HEAPLENS_PURE_PYTHON=1`` in the environment picks the pure-Python walker; otherwise
``dump()`` walks natively when ``heaplens_native`` imports.  For each kind of
``stress_kinds`` (those whose packages import here) the script builds the heap, notes
for each object it made its reference count, length and repr, captures the process
(from the main thread; the ``threads`` kind from a new thread too), and checks in the
snapshot every object it made: present, every ``gc.get_referents`` target an edge of
it, its size ``sys.getsizeof``; and that reference counts, lengths and reprs are as
they were.  ``--random N``: N random object graphs (``stress_graph``) from seeds
S, S+1, ..., each captured and checked the same way; ``--hypothesis N``: N more
drawn by hypothesis (shrunk to the smallest failing graph when one fails).

Prints one JSON line: per heap, the objects in the snapshot, the objects made, the
walker, the seconds, the clodo table's first rows, and every failed check (empty lists
when all held).  Exit status 1 when a check failed.  A crash is the caller's to see.
"""

import gc
import json
import os
import random
import sys
import threading
import time
import tracemalloc
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

import heaplens  # noqa: E402
import hlsread  # noqa: E402
import stress_graph  # noqa: E402
import stress_kinds  # noqa: E402


def note(objs, kind):
    """(refcount, len, repr) of each object made, as the program would see them."""
    seen = []
    for o in objs:
        try:
            n = len(o)
        except Exception:
            n = None
        r = None
        if (n is None or n < 2000) and not type(o).__module__.startswith('guppy'):
            try:
                r = repr(o)[:300]
            except Exception as e:
                r = 'repr raised %s' % type(e).__name__
        seen.append((sys.getrefcount(o), n, r))
    return seen


def capture(path, from_thread=False, collect=True):
    if not from_thread:
        return heaplens.dump(path, timeout=600, collect=collect)
    res = {}

    def run():
        res['st'] = heaplens.dump(path, timeout=600, collect=collect)
    t = threading.Thread(target=run)
    t.start()
    t.join(900)
    assert not t.is_alive(), 'the capture from a new thread did not finish'
    return res['st']


def py_sizeof(o):
    """Whether ``sys.getsizeof(o)`` runs Python code (a ``__sizeof__`` written in Python,
    as pandas' DataFrame has): the walker never runs the program's code, so its size is
    the C type's, as heapy's is."""
    for k in type(o).__mro__:
        if '__sizeof__' in vars(k):
            return isinstance(vars(k)['__sizeof__'], types.FunctionType)
    return False


def check(snap, objs, moving):
    """The failed checks of the objects made, against snapshot ``snap``."""
    at = {snap.addr[i]: i for i in range(1, snap.n)}
    missing, edges, sizes = [], [], []
    for o in objs:
        i = at.get(id(o))
        if i is None:
            missing.append(type(o).__name__)
            continue
        if snap.size[i] != sys.getsizeof(o) and not moving and not py_sizeof(o):
            sizes.append('%s: %d, getsizeof %d' % (type(o).__name__, snap.size[i],
                                                    sys.getsizeof(o)))
        if moving:
            continue
        targets = {snap.addr[t] for t, _ in snap.edges_of(i)}
        lost = [type(r).__name__ for r in gc.get_referents(o) if id(r) not in targets]
        if lost:
            edges.append('%s -> %s' % (type(o).__name__, ','.join(sorted(set(lost)))))
    return missing, edges, sizes


def one(out, name, objs, moving=False, from_thread=False):
    # the finalisers' garbage stays in the heap through the walk (collect=False): the
    # walk meets objects the next collection finalises (and one resurrects)
    collect = name not in stress_kinds.GARBAGE
    before = None if moving else note(objs, name)
    path = os.path.join(out, '%s%s.hls' % (name, '-thread' if from_thread else ''))
    t0 = time.perf_counter()
    st = capture(path, from_thread, collect)
    secs = time.perf_counter() - t0
    after = None if moving else note(objs, name)
    snap = hlsread.read(path)
    missing, edges, sizes = check(snap, objs, moving)
    changed = [] if moving else [
        '%s: %r -> %r' % (type(o).__name__, b, a)
        for o, b, a in zip(objs, before, after) if b != a]
    rows = hlsread.table(snap, 'clodo').splitlines()[:6]
    os.unlink(path)
    return {'heap': name + ('-thread' if from_thread else ''), 'objects': snap.n - 1,
            'made': len(objs), 'walker': st.get('walker', 'python'),
            'seconds': round(secs, 2), 'table': rows, 'missing': missing,
            'edges_missing': edges, 'size_off': sizes, 'changed': changed}


def main(argv):
    out = argv[0]
    opts = dict(zip(argv[1::2], argv[2::2]))
    kinds = opts.get('--kinds', ','.join(stress_kinds.KINDS)).split(',')
    report = {'python': sys.version.split()[0], 'heaps': [], 'skipped': []}
    for name in kinds:
        built = stress_kinds.KINDS[name]()
        if built is None:
            report['skipped'].append(name)
            continue
        objs, extra = built
        moving = name in stress_kinds.MOVING
        report['heaps'].append(one(out, name, objs, moving))
        if name == 'threads':
            report['heaps'].append(one(out, name, objs, moving, from_thread=True))
            stop, ts = extra
            stop.set()
            for t in ts:
                t.join(60)
            assert not any(t.is_alive() for t in ts)
        del objs, extra, built
        gc.enable()
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        gc.collect()  # the finalisers' garbage goes now, with the program's own callbacks
    seed = int(opts.get('--seed', '1'))
    for k in range(int(opts.get('--random', '0'))):
        rng = random.Random(seed + k)
        choices = [rng.randrange(1 << 16) for _ in range(rng.randrange(10, 400))]
        objs = stress_graph.build(choices)
        report['heaps'].append(one(out, 'random-%d' % (seed + k), objs))
        del objs
    n_hyp = int(opts.get('--hypothesis', '0'))
    if n_hyp:
        report['heaps'] += hypothesis_run(out, n_hyp)
    bad = [h for h in report['heaps']
           if h['missing'] or h['edges_missing'] or h['size_off'] or h['changed']]
    print(json.dumps(report))
    return 1 if bad else 0


def hypothesis_run(out, n):
    from hypothesis import HealthCheck, given, settings, strategies as st
    heaps = []

    @settings(max_examples=n, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(st.integers(0, (1 << 16) - 1), min_size=1, max_size=400))
    def graph(choices):
        objs = stress_graph.build(choices)
        h = one(out, 'hypothesis-%d' % len(heaps), objs)
        heaps.append(h)
        assert not (h['missing'] or h['edges_missing'] or h['size_off'] or h['changed']), h

    graph()
    return heaps


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
