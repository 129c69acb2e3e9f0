"""The ancillary sections: value previews (prev), allocation sites (prod), heapu (unrc)."""

import gc
import math
import sys
import tracemalloc
import types

import pytest

from heaplens import _preview


class PA:
    def meth(self):
        return 1


class PMeta(type):
    pass


class PWithMeta(metaclass=PMeta):
    pass


def pfunc():
    pass


VALUES = {
    'short str': 'abc',
    'long str': 'abcabcabcabc' * 5,
    'quotes str': 'it\'s "x"\n',
    'unicode str': 'é' * 40,
    'bytes': b'bytes' * 20,
    'int': 12345,
    'big int': 2 ** 100,
    'float': 1.5,
    'complex': 3 + 4j,
    'bool': True,
    'None': None,
    'type': PA,
    'builtin type': int,
    'metaclass instance': PWithMeta,
    'function': pfunc,
    'code': pfunc.__code__,
    'builtin': len,
    'builtin method': [].append,
    'module builtin': math.sqrt,
    'bound method': PA().meth,
    'frame': sys._getframe(),
}


def heapy_render(obj):
    guppy = pytest.importorskip('guppy')
    from guppy import hpy
    part = hpy().iso(obj).byid
    return str(part.partition.get_row(0).name), part.partition.kindheader


@pytest.mark.parametrize('name', sorted(VALUES))
def test_preview_is_heapys_render(name):
    obj = VALUES[name]
    text, header = heapy_render(obj)
    assert _preview.preview(obj) == text, (name, header)


@pytest.mark.parametrize('obj', [[1, 2], (1, 2, 3), {}, object(), set(), types])
def test_no_preview_where_engine_derives(obj):
    assert _preview.preview(obj) is None


def test_huge_values_stay_short():
    assert len(_preview.preview('x' * 10 ** 6)) <= 32
    assert len(_preview.preview(b'x' * 10 ** 6)) <= 32
    assert len(_preview.preview(10 ** 1000)) <= _preview.MAX


def test_snapshot_previews(capture):
    keep = ['preview me %d' % 7, 10 ** 20, pfunc]
    snap = capture()
    for x in keep:
        assert snap.s.preview(snap.node(x)) == _preview.preview(x)
    lst = [1, 2, 3]
    snap = capture()
    assert snap.s.preview(snap.node(lst)) is None
    assert snap.stats['previews'] == len(snap.s.previews)


def test_producers_when_tracing(capture):
    was = tracemalloc.is_tracing()
    if not was:
        tracemalloc.start()
    try:
        obj = PA()
        line = sys._getframe().f_lineno - 1
        strs = ['traced %d' % i for i in range(5)]
        obj.attr = strs  # before 3.11 this creates the instance dict
        snap = capture()
    finally:
        if not was:
            tracemalloc.stop()
    assert snap.s.producer(snap.node(obj)) == '%s:%d' % (__file__, line)
    # (the instance dict may come from the dict free list: not traced, 'unknown')
    assert all(snap.s.producer(snap.node(x)) == '%s:%d' % (__file__, line + 2) for x in strs)


def test_no_producers_without_tracing(capture):
    if tracemalloc.is_tracing():
        pytest.skip('tracemalloc is tracing')
    snap = capture()
    assert not snap.s.producers


def test_unreachable_cycle_is_listed(capture):
    class Cyc:
        pass
    was = gc.isenabled()
    gc.disable()
    try:
        a, b = Cyc(), Cyc()
        a.other, b.other = b, a
        a.payload = 'only from the cycle %d' % 42
        ids = {id(a), id(b), id(a.__dict__), id(b.__dict__), id(a.payload)}
        del a, b
        snap = capture(collect=False)
    finally:
        if was:
            gc.enable()
    unrc = set(snap.s.unrc)
    found = {snap.s.addr[i] for i in unrc}
    assert ids <= found
    # unrc objects come after the reachable ones and the root reaches none of them
    assert min(unrc) > max(set(range(1, snap.s.n)) - unrc)
    reach = set(range(snap.s.n)) - unrc
    for i in reach:
        for t, _ in snap.s.edges_of(i):
            assert t not in unrc
    # nothing of the agent's own state shows up
    labels = {snap.s.type_label(snap.s.type[i]) for i in unrc}
    assert not any(lab.startswith('heaplens.') for lab in labels), labels


def test_collect_removes_cycles(capture):
    class Cyc2:
        pass
    a = Cyc2()
    a.me = a
    aid = id(a)
    del a
    snap = capture()
    assert aid not in {snap.s.addr[i] for i in snap.s.unrc}
