"""heapy's ``domisize`` against ours (``QUERY.dominos``), same heap, same process (issue 5).

The heap built here has objects that only a *set* dominates: pair i of ``DOwner`` instances
shares one payload list, so neither owner alone frees it, the pair does. heapy's
``hp.iso(*objects).domisize`` and our ``heaplens table SNAP --query '(...).dominos' --json``
must give the same size (and count) for single objects, pairs, and whole rows of the
partition by kind.
"""

import json
import subprocess
import sys

import pytest

from test_cli import binary

guppy = pytest.importorskip('guppy')
from guppy import hpy  # noqa: E402


class DOwner:
    def __init__(self, i, shared):
        self.name = 'owner-%d' % i * 2
        self.own = ['own-%d-%d' % (i, j) for j in range(i % 7 + 1)]
        self.shared = shared


class DChain:
    __slots__ = ('v', 'next')

    def __init__(self, v, nxt):
        self.v = v
        self.next = nxt


HEAP = {}


def build():
    left, right = [], []
    for i in range(150):
        shared = ['shared-%d-%d' % (i, j) for j in range(5)]
        left.append(DOwner(i, shared))
        right.append(DOwner(1000 + i, shared))
    HEAP['left'] = left
    HEAP['right'] = right
    head = None
    for i in range(2000):
        head = DChain(float(i), head)
    HEAP['chain'] = head


def ours(path, query):
    p = subprocess.run([binary(), 'table', path, '--by', 'unity', '--query', query, '--json'],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    return j['count'], j['size']


def pair_members(theirs):
    q = [q for q in theirs if q.startswith('(')][0]
    return q.strip('()').split(' | ')


def at(o):
    return '@0x%x' % id(o)


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    hp = hpy()
    hp.heap()
    build()
    path = str(tmp_path_factory.mktemp('dom') / 'dom.hls')
    import heaplens
    heaplens.dump(path, _frame=sys._getframe())
    m = __name__
    h = HEAP
    # each set is made only while heapy measures it: a list of the members held meanwhile
    # must not also hold what they dominate
    cases = {
        # single objects: an owner (its dict, name and own list), a chain link (the rest of the chain)
        at(h['left'][3]): lambda: [h['left'][3]],
        at(h['right'][10]): lambda: [h['right'][10]],
        at(h['chain'].next.next): lambda: [h['chain'].next.next],
        at(h['left'][0].shared): lambda: [h['left'][0].shared],
        # a pair frees its shared list; each alone does not
        '(%s | %s)' % (at(h['left'][5]), at(h['right'][5])): lambda: [h['left'][5], h['right'][5]],
        at(h['left'][5]): lambda: [h['left'][5]],
        at(h['right'][5]): lambda: [h['right'][5]],
        # whole rows of the partition by kind
        'heap.byclodo["%s.DOwner"]' % m: lambda: h['left'] + h['right'],
        'heap.byclodo["dict of %s.DOwner"]' % m: lambda: [o.__dict__ for o in h['left'] + h['right']],
        'heap.byclodo["%s.DChain"]' % m: lambda: list(_links(h['chain'])),
    }
    theirs = {}
    for q, objs in cases.items():
        s = hp.iso(*objs())
        d = s.dominos
        theirs[q] = (d.count, d.size, s.domisize)
        del s, d
    yield path, theirs
    HEAP.clear()


def _links(n):
    while n is not None:
        yield n
        n = n.next


def test_domisize_equals_heapys(world):
    path, theirs = world
    seen = []
    for q, (count, size, domisize) in theirs.items():
        assert size == domisize
        got = ours(path, q + '.dominos')
        seen.append((q, got, (count, size)))
        assert got == (count, size), q
    # the pair is worth more than its members apart: the shared list (6 objects) counts only together
    pair = [v for q, v in theirs.items() if q.startswith('(')][0]
    apart = [theirs[q] for q in theirs if q.startswith('@') and q in pair_members(theirs)]
    assert len(apart) == 2
    assert pair[0] == apart[0][0] + apart[1][0] + 6
    print('\ndomisize, ours vs heapy:')
    for q, got, want in seen:
        print('  %-60s %s %s' % (q[:60], got, want))



def imdom_ours(path, query):
    p = subprocess.run([binary(), 'table', path, '--by', 'id', '--all', '--query', query + '.imdom', '--json'],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return sorted(int(r['addr'], 16) for r in json.loads(p.stdout)['rows'])


@pytest.fixture(scope='module')
def imdom_world(tmp_path_factory):
    """heapy's own test case (x held by y and z, y held by z: z alone is x's imdom), a shared
    list held by two owners (both are), and an object held by a chain link and a list."""
    hp = hpy()
    hp.heap()
    x = []
    y = [x, []]
    z = [x, y]
    chain = HEAP.setdefault('imdom_chain', DChain(1.5, DChain(2.5, None)))
    held = HEAP.setdefault('imdom_held', ['held'])
    chain.next.v = held
    HEAP['imdom_list'] = [held]
    owners = [DOwner(7, ['s']), DOwner(8, None)]
    owners[1].shared = owners[0].shared
    HEAP['imdom_z'] = z
    HEAP['imdom_owners'] = owners
    del x, y
    path = str(tmp_path_factory.mktemp('imdom') / 'imdom.hls')
    import heaplens
    heaplens.dump(path, _frame=sys._getframe())
    cases = {
        at(z[0]): lambda: [z[0]],
        at(z[1]): lambda: [z[1]],
        at(held): lambda: [held],
        at(owners[0].shared): lambda: [owners[0].shared],
        at(owners[0].__dict__): lambda: [owners[0].__dict__],
        '(%s | %s)' % (at(z[0]), at(held)): lambda: [z[0], held],
    }
    theirs = {q: sorted(id(o) for o in hp.iso(*objs()).imdom.nodes) for q, objs in cases.items()}
    yield path, theirs
    for k in ('imdom_chain', 'imdom_held', 'imdom_list', 'imdom_z', 'imdom_owners'):
        HEAP.pop(k, None)


def test_imdom_equals_heapys(imdom_world):
    path, theirs = imdom_world
    for q, want in theirs.items():
        assert want, q
        assert imdom_ours(path, q) == want, q
    # heapy's own example: z refers to x directly and through y, so z alone is x's imdom
    assert len(next(iter(theirs.values()))) == 1
    # two owners' dicts hold the shared list: neither passes through the other
    shared = [q for q in theirs][3]
    assert len(theirs[shared]) == 2
