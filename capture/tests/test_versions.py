"""The agent imports and dumps a valid snapshot on every CPython it supports.

Interpreters come from ``$HEAPLENS_TEST_PYTHONS`` (space separated paths) or, if
unset, the pyenv versions 3.9-3.13 installed here; missing ones are skipped.
"""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import CAPTURE, HERE

SCRIPT = r'''
import sys
sys.path[:0] = [%r, %r]
import heaplens, hlsread

class C:
    def __init__(self): self.a = [1]
class S:
    __slots__ = ('x',)
keep = [C() for _ in range(10)] + [S() for _ in range(5)]
def f():
    loc = ['local']
    st = heaplens.dump(sys.argv[1])
    s = hlsread.read(sys.argv[1])
    labs = hlsread.partition_by_label(s, 'clodo')
    assert labs['__main__.C'][0] == 10, labs.get('__main__.C')
    assert labs['__main__.S'][0] == 5
    assert labs['dict of __main__.C'][0] == 10
    assert s.meta['python_version'][:2] == list(sys.version_info[:2])
    me = s.addr.index(id(sys._getframe()))
    names = [s.edge_name(c) for t, c in s.edges_of(me)]
    assert ".f_locals['loc']" in names, names
    print('%%d.%%d ok %%d objects %%.0f obj/s' %% (sys.version_info[0], sys.version_info[1],
          st['objects'], st['objects'] / st['duration_s']))
f()
''' % (CAPTURE, HERE)


def interpreters():
    env = os.environ.get('HEAPLENS_TEST_PYTHONS')
    if env:
        return [(p, {}) for p in env.split()]
    out = []
    if shutil.which('pyenv'):
        for v in ('3.9', '3.10', '3.11', '3.12', '3.13'):
            out.append(('pyenv:' + v, {}))
    return out or [(sys.executable, {})]


def _resolve(spec):
    if not spec.startswith('pyenv:'):
        return [spec], None
    want = spec[6:]
    vers = subprocess.run(['pyenv', 'versions', '--bare'], capture_output=True,
                          text=True).stdout.split()
    match = [v for v in vers if v == want or v.startswith(want + '.')]
    if not match:
        return None, None
    e = dict(os.environ, PYENV_VERSION=match[-1])
    return ['python'], e


@pytest.mark.parametrize('spec', [s for s, _ in interpreters()])
def test_dump_on(spec, tmp_path):
    cmd, env = _resolve(spec)
    if cmd is None:
        pytest.skip('%s not installed' % spec)
    r = subprocess.run(cmd + ['-c', SCRIPT, str(tmp_path / 'v.hls')], capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert ' ok ' in r.stdout
