"""heapy's ``A.diff(B)`` and ``A.disjoint(B)``: ``heaplens diff`` / ``disjoint`` against guppy3.

Two snapshots of this process are captured, A and B, with objects added and removed in
between.  Two checks of the diff text, byte for byte:

* through heapy's own dump files: our whole-heap tables (``heaplens table --json --all``)
  are written as heapy ``SetFormat`` dump packages, ``hp.load()``-ed into guppy3, and
  guppy's ``str(statA - statB)`` (what ``A.diff(B)`` prints) must equal ``heaplens diff``,
  for every relation whose labels fit on one line, both ways, first ten rows and ``.all``;
* live: the sets of objects this test made, as guppy3 itself tables them at the time of
  each snapshot (``hp.iso(*objects).byclodo.stat``), diffed by guppy, against ``heaplens
  diff --query`` on the same sets in our snapshots.

``disjoint`` is checked against guppy's on sets of objects built here.
"""

import json
import subprocess
import sys

import pytest

from test_cli import binary

guppy = pytest.importorskip('guppy')
from guppy import hpy  # noqa: E402

# relations whose row labels are one line each (byid's are object renders)
RELS = ['clodo', 'type', 'rcs', 'via', 'size', 'module', 'unity', 'idset']
LIVE_RELS = {'clodo': lambda s: s.byclodo, 'type': lambda s: s.bytype, 'size': lambda s: s.bysize}


class DNode:
    def __init__(self, v):
        self.v = v


class DGone:
    def __init__(self, v):
        self.v = [v] * 3


class DNew:
    __slots__ = ('a',)

    def __init__(self, a):
        self.a = a


KEEP = {}


def run(*args):
    p = subprocess.run([binary(), *args], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return p.stdout


def live_sets():
    """Our query of the test's objects now (kinds that have members) -> the objects (hp.iso)."""
    m = __name__
    parts, objs = [], []
    for cls, key, has_dict in ((DNode, 'nodes', True), (DGone, 'gone', True), (DNew, 'new', False)):
        if KEEP[key]:
            parts.append('heap.byclodo["%s.%s"]' % (m, cls.__name__))
            objs += KEEP[key]
            if has_dict:
                parts.append('heap.byclodo["dict of %s.%s"]' % (m, cls.__name__))
                objs += [x.__dict__ for x in KEEP[key]]
    return ' | '.join(parts), objs


@pytest.fixture(scope='module')
def snaps(tmp_path_factory):
    hp = hpy()
    hp.heap()
    import heaplens
    d = tmp_path_factory.mktemp('diff')
    KEEP['nodes'] = [DNode(i) for i in range(200)]
    KEEP['gone'] = [DGone('g%d' % i) for i in range(50)]
    KEEP['new'] = []
    KEEP['strs'] = ['s-%d' % i * 3 for i in range(300)]
    a = str(d / 'a.hls')
    heaplens.dump(a, _frame=sys._getframe())
    query, objs = live_sets()
    live_a = {rel: f(hp.iso(*objs)).stat for rel, f in LIVE_RELS.items()}
    del objs
    # between the snapshots: some kinds grow, one disappears, one appears
    KEEP['nodes'].extend(DNode(-i) for i in range(120))
    for n in KEEP['nodes'][:40]:
        n.w = 'extra'
    KEEP['gone'] = []
    KEEP['new'] = [DNew(i) for i in range(75)]
    KEEP['strs'] = KEEP['strs'][:100]
    KEEP['tuples'] = [(i, i + 1) for i in range(90)]
    b = str(d / 'b.hls')
    heaplens.dump(b, _frame=sys._getframe())
    query_b, objs = live_sets()
    live_b = {rel: f(hp.iso(*objs)).stat for rel, f in LIVE_RELS.items()}
    del objs
    yield {'a': a, 'b': b, 'hp': hp, 'dir': d, 'query_a': query, 'query_b': query_b,
           'live_a': live_a, 'live_b': live_b}
    KEEP.clear()


def write_dump(path, table):
    """Our table (``table --json --all``) as one heapy SetFormat dump package."""
    lines = ['.loader: _load_stat', '.format: SetFormat', '.timemade: 1795552268.837578',
             '.count: %d' % table['count'], '.size: %d' % table['size'], '.kindname: ',
             '.kindheader: %s' % table['header'], '.numrows: %d' % len(table['rows'])]
    for r in table['rows']:
        assert '\n' not in r['label']
        lines.append('.r: %d %d %s' % (r['count'], r['size'], r['label']))
    lines.append('.end: .loader: _load_stat')
    with open(path, 'w') as f:
        f.write(''.join(line + '\n' for line in lines))


def loaded_stat(snaps, which, rel):
    table = json.loads(run('table', snaps[which], '--by', rel, '--all', '--json'))
    assert table['total_rows'] == len(table['rows'])
    path = str(snaps['dir'] / ('%s-%s.dump' % (which, rel)))
    write_dump(path, table)
    return snaps['hp'].load(path)


@pytest.mark.parametrize('rel', RELS)
def test_diff_text_is_heapys_on_loaded_tables(snaps, rel):
    stat = {w: loaded_stat(snaps, w, rel) for w in ('a', 'b')}
    for x, y in (('b', 'a'), ('a', 'b')):
        d = stat[x] - stat[y]  # what heapy's X.diff(Y) computes
        ours = run('diff', snaps[x], snaps[y], '--by', rel)
        assert ours == str(d) + '\n'
        ours_all = run('diff', snaps[x], snaps[y], '--by', rel, '--all')
        assert ours_all == repr(d.all) + '\n'
    if rel == 'clodo':
        # the growth this test made is in the rows
        m = __name__
        text = run('diff', snaps['b'], snaps['a'], '--all')
        assert 'dict of %s.DNode' % m in text and ' %s.DNew' % m in text


def test_diff_of_identical_sets(snaps):
    # no differences: no 'Differences by kind' line and an empty header line; rows only
    # where heapy's matching leaves them (two kinds with one label: ctypes' CFunctionType)
    stat = loaded_stat(snaps, 'a', 'type')
    ours = run('diff', snaps['a'], snaps['a'], '--by', 'type')
    assert ours == str(stat - stat) + '\n'
    assert 'Differences by kind' not in ours and '=         0 % of B' in ours


@pytest.mark.parametrize('rel', sorted(LIVE_RELS))
def test_diff_matches_guppys_live_tables(snaps, rel):
    d = snaps['live_b'][rel] - snaps['live_a'][rel]
    ours = run('diff', snaps['b'], snaps['a'], '--by', rel, '--query', snaps['query_b'],
               '--query-b', snaps['query_a'], '--all')
    assert ours == repr(d.all) + '\n'
    j = json.loads(run('diff', snaps['b'], snaps['a'], '--by', rel, '--query', snaps['query_b'],
                       '--query-b', snaps['query_a'], '--json'))
    assert (j['a_count'], j['a_size']) == (snaps['live_b'][rel].count, snaps['live_b'][rel].size)
    assert (j['b_count'], j['b_size']) == (snaps['live_a'][rel].count, snaps['live_a'][rel].size)
    assert [(r['label'], r['count'], r['size']) for r in j['rows']] == \
        [(r.name, r.count, r.size) for r in d.get_rows()]


def test_disjoint_matches_guppy(tmp_path):
    hp = hpy()
    objs = [DNode(i) for i in range(30)]
    lists = {'first': objs[:10], 'second': objs[10:20], 'overlap': objs[5:15], 'empty': []}
    path = str(tmp_path / 'disjoint.hls')
    import heaplens
    heaplens.dump(path, _frame=sys._getframe())
    # the list objects' referents are exactly their items
    for name, lst in lists.items():
        count = json.loads(run('table', path, '--query', '@%#x.referents' % id(lst), '--json'))['count']
        assert count == len(lst), name
    seen = 0
    for x in lists:
        for y in lists:
            theirs = hp.iso(*lists[x]).disjoint(hp.iso(*lists[y]))
            ours = run('disjoint', path, '@%#x.referents' % id(lists[x]), '@%#x.referents' % id(lists[y]))
            assert ours == '%s\n' % theirs, (x, y)
            seen += theirs
    assert 0 < seen < 16
