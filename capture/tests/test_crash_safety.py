"""Captures that used to kill the process (issue 18), each run in a subprocess so a
crash fails its test instead of the test run.

* guppy3's classifiers keep tuples whose last slots are still NULL (a C struct kept
  in a tuple); Python's iteration of such a tuple dereferences the NULL slot.  The
  walker used to iterate tuples and lists, so ``dump()`` after ``hp.iso([1]).bymodule``
  segfaulted.  Built here by hand with the C API too (a tuple and a list with empty
  slots), so the test does not depend on guppy's internals.
"""

import os
import subprocess
import sys

import pytest

from conftest import CAPTURE, HERE

PRELUDE = 'import sys\nsys.path[:0] = [%r, %r]\n' % (CAPTURE, HERE)


def run_script(body, *args, timeout=300, python=None, env=None):
    """Run ``body`` (after the path prelude) in a fresh interpreter; return the result.

    A signal (segfault, abort) or a timeout fails the calling test with the output."""
    try:
        r = subprocess.run([python or sys.executable, '-X', 'faulthandler', '-c',
                            PRELUDE + body] + [str(a) for a in args],
                           capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        pytest.fail('timed out after %ss\nstdout: %s\nstderr: %s' % (
            timeout, e.stdout, (e.stderr or b'')[-3000:]))
    assert r.returncode == 0, 'exit %d\nstdout: %s\nstderr: %s' % (
        r.returncode, r.stdout[-2000:], r.stderr[-4000:])
    return r


GUPPY_REPRO = r'''
import heaplens, hlsread
from guppy import hpy
hp = hpy()
w = hp.iso([1])
str(w.bymodule)
st = heaplens.dump(sys.argv[1])
s = hlsread.read(sys.argv[1])
assert s.n == st['objects'] and st['objects'] > 1000, st
print('ok', st['objects'])
'''


def test_dump_after_heapy_bymodule_does_not_crash(tmp_path):
    pytest.importorskip('guppy')
    r = run_script(GUPPY_REPRO, tmp_path / 'x.hls')
    assert r.stdout.startswith('ok ')


NULL_SLOTS = r'''
import ctypes, heaplens, hlsread
api = ctypes.pythonapi
api.PyTuple_New.restype = ctypes.py_object
api.PyTuple_New.argtypes = [ctypes.c_ssize_t]
api.PyList_New.restype = ctypes.py_object
api.PyList_New.argtypes = [ctypes.c_ssize_t]
api.Py_IncRef.argtypes = [ctypes.py_object]
P = ctypes.sizeof(ctypes.c_void_p)

def set_slot(base, i, o):        # what PyTuple_SET_ITEM does: the slot owns a reference
    api.Py_IncRef(o)
    ctypes.c_void_p.from_address(base + i * P).value = id(o)

class Marker:
    pass

a, b = Marker(), Marker()
t = api.PyTuple_New(4)           # slots 0, 1, 3 stay NULL
set_slot(id(t) + tuple.__basicsize__, 2, a)
lst = api.PyList_New(3)          # slots 0 and 2 stay NULL
set_slot(ctypes.c_void_p.from_address(id(lst) + 3 * P).value, 1, b)
keep = [t, lst]
st = heaplens.dump(sys.argv[1])
s = hlsread.read(sys.argv[1])
num = {s.addr[i]: i for i in range(1, s.n)}
def out(o):
    return [(s.addr[x], s.edge_name(c)) for x, c in s.edges_of(num[id(o)])]
assert out(t) == [(id(a), '[2]')], out(t)
assert out(lst) == [(id(b), '[1]')], out(lst)
print('ok')
keep.clear()                     # (the NULL slots must not be freed by Python either)
'''


def test_tuples_and_lists_with_empty_slots(tmp_path):
    r = run_script(NULL_SLOTS, tmp_path / 'n.hls')
    assert r.stdout.strip() == 'ok'


LRU = r'''
import functools, heaplens, hlsread

@functools.lru_cache(maxsize=32)
def square(n):
    return n * n

for i in range(10):
    square(i)
st = heaplens.dump(sys.argv[1])
assert hlsread.read(sys.argv[1]).n == st['objects']
print('ok')
'''


@pytest.mark.parametrize('version', ['3.9', 'current'])
def test_types_never_readied(tmp_path, version):
    """3.9's ``functools._lru_list_elem`` type is never readied: no MRO and no dict.
    Finding a type's ``__sizeof__`` without running code must cope (it raised)."""
    python = env = None
    if version != 'current':
        from test_versions import _resolve
        cmd, env = _resolve('pyenv:' + version)
        if cmd is None:
            pytest.skip('CPython %s not installed' % version)
        python = cmd[0]
    r = run_script(LRU, tmp_path / 'l.hls', python=python, env=env)
    assert r.stdout.strip() == 'ok'
