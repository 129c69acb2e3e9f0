"""Nothing left behind (issue 13, item 4): after ``heaplens.dump()`` the process holds no
per-object state of the agent unless tracking was asked for (``dump(track=True)`` or
``setref()``).  Measured with tracemalloc in a subprocess (tracemalloc sees what no hiding
tag hides): every byte still allocated after the dump whose allocation site is in the
agent's package.  The instance dicts the walk materialises (``_cptr.py``, as heapy does;
the native walker makes them in Rust, inside ``wk.run()`` of ``_native.py``, the only
Python objects that call creates that outlive it) are the one documented change and are
counted apart; this heap's instances have theirs
already."""

import re

import pytest

from test_crash_safety import run_script

MEASURE = r'''
import gc, linecache, os, threading, tracemalloc
import heaplens
from heaplens import _identity
mode = sys.argv[2]

class Slot:
    __slots__ = ('a', 'b')
    def __init__(self, i):
        self.a = i
        self.b = (i, str(i))

class Plain:
    def __init__(self, i):
        self.v = i

N = 40000
keep = [Slot(i) for i in range(N)] + [Plain(i) for i in range(N)]
for p in keep[N:]:
    p.__dict__              # materialised before: not the agent's doing
threads = threading.enumerate()
gc.collect()
tracemalloc.start(1)
base = tracemalloc.take_snapshot()
if mode == 'setref':
    heaplens.setref()
st = heaplens.dump(sys.argv[1], track=(mode == 'track'))
gc.collect()
snap = tracemalloc.take_snapshot()
tracemalloc.stop()
sep = os.sep + 'heaplens' + os.sep
agent = dicts = 0
for s in snap.compare_to(base, 'lineno'):
    f = s.traceback[0].filename
    if sep in f and s.size_diff > 0:
        if f.endswith('_cptr.py') or (f.endswith('_native.py') and linecache.getline(
                f, s.traceback[0].lineno).strip() == 'wk.run()'):
            dicts += s.size_diff
        else:
            agent += s.size_diff
assert threading.enumerate() == threads, threading.enumerate()
kept = _identity.process().prev is not None
print('objects=%d agent=%d dicts=%d kept=%s' % (st['objects'], agent, dicts, kept))
'''


def measure(tmp_path, mode):
    r = run_script(MEASURE, tmp_path / 'r.hls', mode, timeout=600)
    m = re.search(r'objects=(\d+) agent=(\d+) dicts=(\d+) kept=(\w+)', r.stdout)
    assert m, r.stdout
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4) == 'True'


def test_a_dump_leaves_nothing_per_object(tmp_path):
    n, agent, dicts, kept = measure(tmp_path, 'plain')
    assert n > 300000
    # a few module-level caches at most: nothing that grows with the heap
    assert agent < 16384, (n, agent)
    assert agent / n < 0.05
    assert dicts < 200 * 1024  # the few instance dicts of other objects it materialised
    assert not kept


@pytest.mark.parametrize('mode', ['track', 'setref'])
def test_tracking_keeps_identities_and_says_so(tmp_path, mode):
    n, agent, dicts, kept = measure(tmp_path, mode)
    # addresses, type addresses, sizes, marks: 28 bytes per object, plus a weak reference
    # per weak-referenceable object (the 80k instances here)
    assert 28 * n <= agent <= 28 * n + 160 * 80000 + 65536, (n, agent, agent / n)
    assert kept
    print('%s: %d objects, %d bytes (%.1f per object)' % (mode, n, agent, agent / n))
