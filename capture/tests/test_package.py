"""``pip install ./capture`` installs the agent as a package (issue 13): in a fresh
virtual environment, without the source tree on the path, ``python -m heaplens run``
writes a valid snapshot, and no ``heaplens`` console script is installed (that name is
the Rust binary's)."""

import os
import subprocess
import sys

import hlsread
from conftest import CAPTURE

SCRIPT = '''
class Order:
    def __init__(self, i):
        self.i = i
orders = [Order(i) for i in range(321)]
'''


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert r.returncode == 0, '%s\n%s\n%s' % (cmd, r.stdout[-2000:], r.stderr[-4000:])
    return r


def test_pip_install_capture_then_python_m_heaplens_run(tmp_path):
    venv = tmp_path / 'venv'
    _run([sys.executable, '-m', 'venv', str(venv)])
    py = str(venv / 'bin' / 'python')
    # the build backend comes from PyPI unless the venv already has a complete one
    # (setuptools 70.1+ builds wheels itself; older ones need the wheel package)
    has_setuptools = subprocess.run([py, '-c', (
        'import setuptools, sys\n'
        'v = tuple(int(x) for x in setuptools.__version__.split(".")[:2])\n'
        'if v < (70, 1): import wheel')], capture_output=True).returncode == 0
    work = tmp_path / 'src'
    # build from a copy, so the build leaves nothing in the source tree
    _run(['cp', '-r', CAPTURE, str(work)])
    cmd = [py, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', str(work)]
    if has_setuptools:
        cmd.insert(4, '--no-build-isolation')
    _run(cmd)
    assert not (venv / 'bin' / 'heaplens').exists()
    app = tmp_path / 'app.py'
    app.write_text(SCRIPT)
    out = tmp_path / 'app.hls'
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    where = _run([py, '-c', 'import heaplens; print(heaplens.__file__, heaplens.__version__)'],
                 cwd=str(tmp_path), env=env).stdout.split()
    assert where[0].startswith(str(venv)), where
    _run([py, '-m', 'heaplens', 'run', '--out', str(out), str(app)], cwd=str(tmp_path), env=env)
    s = hlsread.read(str(out))
    assert s.meta['agent'] == 'heaplens-capture ' + where[1]
    assert hlsread.partition_by_label(s, 'clodo')['__main__.Order'][0] == 321
