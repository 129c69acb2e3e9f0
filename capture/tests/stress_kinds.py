"""The heaps of the capture stress suite (issue 18), one builder per kind.

Each builder returns ``(objects, extra)``: the objects it made, which the stress script
checks in the snapshot one by one (present, every ``gc.get_referents`` target an edge,
the size ``sys.getsizeof``), and what else must stay alive while the capture runs (a
thread, a stop flag).  A builder whose package does not import here returns None.
Plain functions of the standard library and the optional packages only: the script
runs on every CPython of the machine, 3.9 to 3.15.
"""

import array
import collections
import ctypes
import functools
import gc
import hashlib
import io
import itertools
import mmap
import re
import socket
import struct
import sys
import threading
import types
import weakref
import zlib


class Node:
    def __init__(self, v=None):
        self.v = v


class Slotted:
    __slots__ = ('a', 'b', '__weakref__')


class DictSub(dict):
    pass


class ListSub(list):
    pass


RESURRECTED = []


class Resurrects:
    """``__del__`` puts the object back in a global list: finalised, alive again."""

    def __init__(self, i):
        self.i = i
        self.cycle = self

    def __del__(self):
        RESURRECTED.append(self)


class Finalised:
    def __init__(self):
        self.me = self

    def __del__(self):
        pass


def guppy_ops():
    """Heaps after guppy3's operations: every relation, iso, idset, setref, dominos
    (tracemalloc traces while they run, for ``byprod``)."""
    try:
        from guppy import hpy
    except ImportError:
        return None
    import tracemalloc
    tracemalloc.start()  # byprod's allocation sites; the capture writes them too (prod)
    hp = hpy()
    h = hp.heap()
    out = [h]
    for rel in ('bytype', 'byrcs', 'byvia', 'bymodule', 'byclodo', 'bysize', 'byunity',
                'byid', 'byidset', 'byprod'):
        part = getattr(h, rel)
        str(part)  # the partition is computed on use
        out.append(part)
    w = hp.iso([1], {'a': 2}, Node(3))
    str(w.bymodule)  # issue 18's segfault repro
    out += [w, w.bymodule, hp.idset([Node(4)]), w.dominos, w.domisize]
    hp.setref()
    out.append(hp.heap())
    tracemalloc.stop()
    return out, hp


def numpy_pandas():
    try:
        import numpy as np
    except ImportError:
        return None
    out = [np.arange(1000), np.zeros((30, 30), dtype='f4'), np.array(['a', 'bc']),
           np.array([Node(1), {'k': 2}, None], dtype=object),
           np.zeros(3, dtype=[('x', 'i4'), ('y', 'f8')])]
    out.append(out[1][::2, 1:])  # a view: its base is another array
    out.append(np.frombuffer(b'\x00' * 64, dtype='u1'))
    try:
        import pandas as pd
    except ImportError:
        return out, None
    df = pd.DataFrame({'a': range(50), 'b': ['x%d' % i for i in range(50)],
                       'c': pd.Categorical(['p', 'q'] * 25)})
    out += [df, df['a'], df.index, df.groupby('c', observed=True).sum(),
            pd.Series([Node(i) for i in range(5)])]
    return out, None


class Point(ctypes.Structure):
    _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_double), ('p', ctypes.c_void_p)]


def ctypes_objects():
    """ctypes structures, arrays, pointers (to live, freed and wild memory), callbacks."""
    buf = ctypes.create_string_buffer(b'abc', 16)
    pt = Point(1, 2.0, 0xdeadbeef)       # a wild address, never to be followed
    arr = (Point * 4)()
    freed = ctypes.create_string_buffer(32)
    dangling = ctypes.cast(freed, ctypes.c_void_p)
    del freed                            # the pointer now names freed memory
    cb = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(lambda x: x + 1)
    out = [buf, pt, arr, dangling, ctypes.pointer(pt), ctypes.byref(pt), cb,
           ctypes.c_char_p(b'text'), ctypes.cast(ctypes.c_void_p(0x10), ctypes.POINTER(Point)),
           (ctypes.c_int * 3)(1, 2, 3), ctypes.c_wchar_p('w')]
    return out, None


def no_traverse():
    """Objects of C types without ``tp_traverse`` (no referents for gc), and others whose
    C structs hold pointers the walker must not turn into objects."""
    s = socket.socket()
    m = mmap.mmap(-1, 4096)
    out = [array.array('d', range(100)), bytearray(b'x' * 100), memoryview(b'abcdef'),
           struct.Struct('<iq'), re.compile(r'(\w+)@(\w+)'), slice(1, 2, Node()),
           range(10 ** 12), zlib.compressobj(), zlib.decompressobj(), hashlib.sha256(b'x'),
           itertools.count(5), io.BytesIO(b'abc'), io.StringIO('abc'), s, m,
           re.compile('x').match('x'), (1).bit_length, complex(1, 2), 2 ** 300,
           float('nan'), b'\x00' * 200, 'é' * 10, '\U0001F600']
    return out, (s, m)


def finalisers():
    """Cycles with ``__del__`` still uncollected, one of them resurrecting itself, and
    weak references with callbacks to objects in garbage cycles.  The GC stays off from
    here until the capture has run (the caller turns it back on and collects: the
    finalisers and callbacks then run, as the program's own)."""
    gc.disable()
    out = []
    calls = []
    for i in range(20):
        out.append(Resurrects(i))
        Finalised()                      # garbage: collected at the next collection
        n = Node(i)
        n.me = n
        out.append(weakref.ref(n, lambda r, calls=calls: calls.append(r)))
        del n
    out += [weakref.WeakValueDictionary({'a': Node()}), weakref.WeakSet([Node()]),
            calls, RESURRECTED]
    return out, None


async def _agen():
    yield 1
    yield 2


async def _coro(n):
    await types.coroutine(lambda: (yield n))()
    return n


def _gen(n):
    frame_local = [Node(n)]
    yield frame_local
    yield sys._getframe()


def generators():
    """Suspended generators, coroutines and async generators, frames, tracebacks."""
    g = _gen(1)
    next(g)
    done = _gen(2)
    list(done)
    c = _coro(3)
    c.send(None)                            # suspended at its await
    ag = _agen()
    step = ag.__anext__()
    try:
        step.send(None)
    except StopIteration:
        pass
    try:
        raise ValueError('kept')
    except ValueError as e:
        err = e
    out = [g, done, c, ag, err, err.__traceback__, sys._getframe(), (x for x in range(3)),
           functools.partial(_gen, 4), collections.deque([Node()], maxlen=5)]
    return out, (c,)


def deep():
    """Deep and self-referencing structures (a walk that recursed would overflow)."""
    chain = []
    cur = chain
    for _ in range(200000):
        nxt = []
        cur.append(nxt)
        cur = nxt
    d = {}
    d['self'] = d
    lst = []
    lst.append(lst)
    nested = {}
    cur = nested
    for i in range(50000):
        cur[i] = {}
        cur = cur[i]
    linked = None
    for i in range(100000):
        linked = Node(linked)
    t = ([],)
    t[0].append(t)
    return [chain, d, lst, nested, linked, t, DictSub(a=DictSub()), ListSub([lst])], None


def large():
    """Very large containers and values."""
    big_list = list(range(1000000))
    big_dict = {i: str(i) for i in range(200000)}
    big_set = set(range(200000))
    big_str = 'x' * (20 << 20)
    big_bytes = b'y' * (20 << 20)
    big_tuple = tuple(big_list[:300000])
    return [big_list, big_dict, big_set, big_str, big_bytes, big_tuple,
            frozenset(big_set)], None


def threads():
    """Other threads allocating and mutating dicts and lists during the capture."""
    stop = threading.Event()
    shared = {'d': {}, 'l': []}

    def mutate(k):
        i = 0
        while not stop.is_set():
            i += 1
            shared['d'][i % 5000] = [i, str(i)]
            shared['l'].append({'i': i})
            if len(shared['l']) > 3000:
                del shared['l'][:1500]
            if i % 7 == 0:
                shared['d'].pop((i * 31) % 5000, None)

    ts = [threading.Thread(target=mutate, args=(k,), daemon=True) for k in range(3)]
    for t in ts:
        t.start()
    return [shared, Node(shared)], (stop, ts)


KINDS = {
    'guppy': guppy_ops, 'numpy_pandas': numpy_pandas, 'ctypes': ctypes_objects,
    'no_traverse': no_traverse, 'finalisers': finalisers, 'generators': generators,
    'deep': deep, 'large': large, 'threads': threads,
}

#: the kinds whose objects change while they are captured (no per-object check of
#: their edges: the other threads change them between the capture and the check)
MOVING = {'threads'}

#: the kinds captured with ``collect=False`` and the GC off, so that their garbage is
#: walked
GARBAGE = {'finalisers'}
