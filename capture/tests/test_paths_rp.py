"""heapy's ``shpaths`` and ``rp`` against ours, same heap, same process (issue 5).

The heap is built from this module's globals: a list shared by three instances (through
their ``__dict__``), by nested containers and by a dict; a two-instance cycle; a chain of
12 lists (its leaf past the depth limit); two values of kinds heapy renders by ``repr``;
an instance whose kind is too long for an 80-column line; a class attribute (held by a
``dict of type``, a stop kind); a list held by fifteen lists (fifteen shortest paths). Right after our dump, guppy3 prints
``str(hp.iso(x).shpaths)`` and ``str(hp.iso(x).rp)`` (and ``get_rp(depth=N)``) for them,
and ``heaplens shpaths``/``heaplens rp`` on the snapshot must print the same text.

The texts are compared whole. Two things are made equal first, each for a stated reason:

* heapy names its root ``<name>.Root`` after the name its ``hpy()`` instance has in
  ``__main__`` (``Use._get_reprefix``; ``hpy().`` when there is none, as under pytest).
  We set ``hp.reprefix = 'hp.'``, the spelling heaplens prints.
* heapy's root is itself a referrer of what it holds (an ``rp`` line
  ``[R] 1 guppy.heapy.heapyc.RootStateType: 0x...``). That object exists only in the
  guppy session; our snapshot's synthetic root has address 0, so heaplens prints ``0x0``
  where heapy prints ``hex(id(hp.Root))``. That address is replaced in heapy's text.

Queries never hold the objects in a local of a live frame: heapy's root reaches this
frame (through its own query frames), so a local would add a frame referrer that the
snapshot, taken a moment earlier, does not have.
"""

import subprocess
import sys

import pytest

from test_cli import binary

guppy = pytest.importorskip('guppy')
from guppy import hpy  # noqa: E402


class PNode:
    def __init__(self, name, payload=None):
        self.name = name
        self.payload = payload


class ANameLongEnoughToCutTheLineOfItsReferencePatternWhereHeapyCutsIt:
    pass


class Registry:
    entries = ['a class attribute']


# (name, globals that make the set, depth or None for heapy's default)
CASES = [
    ('shared list', ['shared'], None),
    ('an instance', ['holder0'], None),
    ('an instance dict', ['holder0_dict'], None),
    ('nested containers', ['nested'], None),
    ('a cycle', ['cyc_a'], None),
    ('a set of two kinds', ['shared', 'cyc_a'], None),
    ('values rendered by repr', ['val_float', 'val_int'], None),
    ('the chain head', ['deep'], None),
    ('the chain leaf', ['deep_leaf'], None),
    ('the chain leaf to depth 3', ['deep_leaf'], 3),
    ('sys.modules, held by the root', ['modules'], None),
    ('a line cut at 80 columns', ['long_named'], None),
    ('a class attribute, in a dict of type', ['class_attr'], None),
    ('fifteen equally short paths', ['fan_target'], None),
]


def build():
    g = globals()
    shared = ['shared payload']
    holders = [PNode('holder-%d' % i, shared) for i in range(3)]
    g['shared'] = shared
    g['holders'] = holders
    g['nested'] = {'a': [shared, (shared, ['x'])], 'b': {'c': [shared]}}
    a = PNode('cycle-a')
    b = PNode('cycle-b', a)
    a.payload = b
    g['cyc'] = [a]
    deep = ['leaf of the chain']
    for _ in range(12):
        deep = [deep]
    g['deep'] = deep
    g['vals'] = [2.5 * 1.5, 12345 * 6789]
    target = ['held by fifteen lists']
    g['fan'] = [[target] for _ in range(15)]
    g['long_named'] = ANameLongEnoughToCutTheLineOfItsReferencePatternWhereHeapyCutsIt()


# Objects reached from the globals without naming them globally (a global name would be
# one more referrer); looked up when asked, so no frame keeps them.
REACH = {
    'holder0': lambda: holders[0],  # noqa: F821
    'holder0_dict': lambda: holders[0].__dict__,  # noqa: F821
    'cyc_a': lambda: cyc[0],  # noqa: F821
    'deep_leaf': lambda: _leaf(deep),  # noqa: F821
    'val_float': lambda: vals[0],  # noqa: F821
    'val_int': lambda: vals[1],  # noqa: F821
    'modules': lambda: sys.modules,
    'class_attr': lambda: Registry.entries,
    'fan_target': lambda: fan[0][0],  # noqa: F821
}


def _leaf(x):
    while type(x) is list and len(x) == 1 and type(x[0]) is list:
        x = x[0]
    return x[0]


def objects(names):
    return [REACH[n]() if n in REACH else globals()[n] for n in names]


def query(names):
    return ' | '.join('@0x%x' % id(o) for o in objects(names))


def heapy_texts(hp):
    out = {}
    root = hex(id(hp.Root))
    for case, names, depth in CASES:
        s = hp.iso(*objects(names))
        rp = s.rp if depth is None else s.get_rp(depth=depth)
        out[case] = (str(s.shpaths), str(rp).replace(root, '0x0'))
    return out


def ours(cmd, path, names, depth):
    args = [binary(), cmd, path, '--query', query(names)]
    if depth is not None:
        args += ['--depth', str(depth)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return p.stdout.rstrip('\n')


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    hp = hpy()
    hp.heap()
    hp.reprefix = 'hp.'
    build()
    path = str(tmp_path_factory.mktemp('rp') / 'rp.hls')
    import heaplens
    heaplens.dump(path, _frame=sys._getframe())
    theirs = heapy_texts(hp)
    return path, theirs


SHPATHS = [c for c in CASES if c[2] is None]


@pytest.mark.parametrize('case,names,depth', SHPATHS, ids=[c[0] for c in SHPATHS])
def test_shpaths_text_is_heapys(world, case, names, depth):
    path, theirs = world
    assert ours('shpaths', path, names, None) == theirs[case][0]


@pytest.mark.parametrize('case,names,depth', CASES, ids=[c[0] for c in CASES])
def test_rp_text_is_heapys(world, case, names, depth):
    path, theirs = world
    assert ours('rp', path, names, depth) == theirs[case][1]


def test_the_cases_cover_every_marker(world):
    _, theirs = world
    assert any('<... 5 more paths ...>' in sp for sp, _ in theirs.values())
    text = '\n'.join(rp for _, rp in theirs.values())
    assert any(len(line) == 80 and line.endswith('...') for line in text.splitlines())
    for marker in ('[^ ', '[R]', '[S]', '[-]', '[+]', "<Type e.g. '_.more' for more.>"):
        assert marker in text, marker
