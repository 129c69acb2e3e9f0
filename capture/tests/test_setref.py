"""``heaplens.setref()`` against guppy3's ``hp.setref()``, and identity diffs of two dumps.

Same process, same objects: after both tools set a reference point, the test creates
and deletes objects, dumps, and compares ``heaplens table --query heapnew`` with heapy's
``hp.heap()`` (which after ``setref`` holds only the objects created since).  Only the
kinds the test makes are compared exactly: the rest of ``heapnew`` differs between the
tools by their own objects (heapy's reference set and the frames, ints and strs of its
calls; the agent's walk) and by containers of the process whose size changed (heaplens
counts a list that grew past an allocation step as new, heapy as old; docs/identity.md).

The identity diff (``heaplens newobjects A B``) is checked against the addresses the test
itself knows it created and freed between the two dumps, including freed addresses that
new objects took again (address reuse): instances with weak references are told apart,
objects without them of the same type and size are not (the documented caveat).
"""

import collections
import gc
import json
import subprocess
import sys

import pytest

import heaplens
from heaplens import _identity
from test_cli import binary

guppy = pytest.importorskip('guppy', reason='guppy3 is a test requirement: pip install -r requirements-test.txt')
from guppy import hpy  # noqa: E402


class Node:
    """Has a __dict__ and supports weak references."""

    def __init__(self, v):
        self.v = v


class Slot:
    """Fixed size, no __dict__, no weak references: address reuse is invisible."""

    __slots__ = ('a', 'b')

    def __init__(self, a):
        self.a = a
        self.b = None


MADE = (Node, Slot)


def label(cls):
    return '%s.%s' % (cls.__module__, cls.__qualname__)


def made_labels():
    out = []
    for c in MADE:
        out.append(label(c))
        if hasattr(c, '__dict__') and '__slots__' not in c.__dict__:
            out.append('dict of ' + label(c))
    return out


def run(*args):
    out = subprocess.run([binary(), *args], check=True, capture_output=True, text=True, timeout=300).stdout
    return json.loads(out)


def rows(view):
    d = collections.defaultdict(lambda: [0, 0])
    for r in view['rows']:
        d[r['label']][0] += r['count']
        d[r['label']][1] += r['size']
    return dict(d)


def heapy_rows(h):
    d = collections.defaultdict(lambda: [0, 0])
    for r in h.stat.get_rows():
        d[str(r.name)][0] += r.count
        d[str(r.name)][1] += r.size
    return dict(d)


def test_heapnew_matches_heapy_heap_after_setref(tmp_path):
    keep = {'old': [Node(i) for i in range(300)], 'oldslots': [Slot(i) for i in range(200)]}
    for n in keep['old']:
        n.__dict__  # noqa: B018 -- both tools materialise these dicts; do it up front
    hp = hpy()
    hp.heap()
    heaplens.setref()
    hp.setref()
    keep['new'] = [Node(-i) for i in range(120)]
    keep['newslots'] = [Slot(-i) for i in range(80)]
    del keep['old'][:100]
    del keep['oldslots'][:50]
    path = str(tmp_path / 'after.hls')
    heaplens.dump(path, _frame=sys._getframe())
    theirs = heapy_rows(hp.heap())
    mine = rows(run('table', path, '--query', 'heapnew', '--by', 'clodo', '--all', '--json'))
    for lab in made_labels():
        lab_here = lab.replace('tests.test_setref', __name__)
        assert lab_here in theirs, sorted(theirs)
        assert mine.get(lab_here) == theirs[lab_here], lab_here
    # and the old objects are heapref, not heapnew
    ref = rows(run('table', path, '--query', 'heapref', '--by', 'clodo', '--all', '--json'))
    assert ref[label(Node)][0] == 200 and ref[label(Slot)][0] == 150
    del keep


def test_heapnew_without_a_reference_point_is_a_clear_error(tmp_path):
    # a fresh process that never called setref: its dump has a process identity but no
    # reference point, and heapnew says what to do
    import hlsread
    from conftest import CAPTURE
    path = str(tmp_path / 'x.hls')
    code = 'import sys; sys.path.insert(0, %r); import heaplens; heaplens.dump(%r)' % (CAPTURE, path)
    subprocess.run([sys.executable, '-c', code], check=True, timeout=300)
    meta = hlsread.read(path).meta
    assert meta['process']['pid'] > 0 and meta['capture_seq'] == 1 and 'reference' not in meta
    r = subprocess.run([binary(), 'table', path, '--query', 'heapnew'], capture_output=True, text=True)
    assert r.returncode == 2 and 'heaplens.setref()' in r.stderr, r.stderr


def addrs(view):
    return {int(r['addr'], 16) for r in view['rows']}


def reuse_address(objs, freed_at, cls=Node):
    """Frees the last object of ``objs`` (a ``cls``) and makes new ones until one takes its
    address (CPython hands a freed block to the next allocation of its size class); returns them."""
    victim = objs.pop()
    k = id(victim)
    freed_at[k] = (cls, sys.getsizeof(victim))
    del victim
    made = []
    for _ in range(50000):
        made.append(cls(0))
        if id(made[-1]) == k:
            break
    return made


def test_identity_diff_matches_what_the_test_created_and_freed(tmp_path):
    # the earlier tests' reference point would also match objects by address (a new Slot
    # where one of theirs died counts as old, docs/identity.md): start this process afresh
    _identity.process().ref = None
    keep = {'nodes': [Node(i) for i in range(200)], 'slots': [Slot(i) for i in range(300)]}
    a = str(tmp_path / 'a.hls')
    heaplens.dump(a, _frame=sys._getframe(), track=True)  # B is compared with A
    freed = keep['nodes'][:50] + keep['slots'][:120]
    freed_at = {id(x): (type(x), sys.getsizeof(x)) for x in freed}
    survivors = {id(x) for x in keep['nodes'][50:] + keep['slots'][120:]}
    del keep['nodes'][:50], keep['slots'][:120], freed
    gc.collect()
    keep['newnodes'] = [Node(-i) for i in range(70)]
    keep['newslots'] = [Slot(-i) for i in range(150)]
    keep['reborn'] = [reuse_address(keep['nodes'], freed_at) for _ in range(5)]
    keep['reborn'] += [reuse_address(keep['slots'], freed_at, Slot) for _ in range(5)]
    created = {id(x): (type(x), sys.getsizeof(x))
               for x in keep['newnodes'] + keep['newslots'] + sum(keep['reborn'], [])}
    b = str(tmp_path / 'b.hls')
    heaplens.dump(b, _frame=sys._getframe())
    new = addrs(run('newobjects', a, b, '--by', 'id', '--json'))
    gone = addrs(run('newobjects', a, b, '--by', 'id', '--gone', '--json'))

    # every Node/Slot A held, by address (objects of earlier tests included: a new Slot may
    # land where one of those died, which the identity diff rightly cannot tell apart)
    in_a = {}
    for cls in (Node, Slot):
        q = 'heap.byclodo["%s.%s"]' % (__name__, cls.__name__)
        for k in addrs(run('table', a, '--query', q, '--by', 'id', '--all', '--json')):
            in_a[k] = cls
    reused = {k for k, (t, _) in created.items() if in_a.get(k) is t}
    assert {created[k][0] for k in reused} == {Node, Slot}, 'the scenario needs both at reused addresses'
    for k, (t, _) in created.items():
        # a weak reference tells a new Node from the dead one at its address; a Slot of
        # the same size at a reused address is taken for the old one (docs/identity.md)
        expect_new = t is Node or k not in reused
        if (k in new) != expect_new:
            whole = run('table', a, '--by', 'id', '--all', '--json')
            hit = [r['label'] for r in whole['rows'] if int(r['addr'], 16) == k]
            raise AssertionError((t.__name__, hex(k), k in reused, 'in A:', hit))
    for k, (t, _) in freed_at.items():
        expect_gone = t is Node or k not in reused
        assert (k in gone) == expect_gone, (t.__name__, hex(k), k in reused)
    survivors -= set(freed_at)  # reuse_address freed some of them
    assert not (new & survivors) and not (gone & survivors)
    # the other order is refused, naming the problem
    r = subprocess.run([binary(), 'newobjects', b, a], capture_output=True, text=True)
    assert r.returncode == 2 and 'captured before A' in r.stderr
    del keep
