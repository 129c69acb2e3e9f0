"""The native walker (``capture/native``, module ``heaplens_native``) against the pure-Python
walker (issue 13 item 2): on the same heap, in one process, every relation's table is the
same with either walker.

Interpreters: ``$HEAPLENS_NATIVE_PYTHONS`` (space separated; each needs the extension built
and installed: ``capture/native/build.sh PYTHON``), else the one running the tests; and,
run as root, the CPython 3.14 and 3.15 of the Debian testing chroot (``scripts/py-chroot.sh``;
``capture/native/build-chroot.sh`` builds the extension there, ``scripts/dev.sh test`` runs
both).  A test skips, saying why, only when ``heaplens_native`` does not import in its
interpreter.

How "the same" is judged (``native_compare.py``): warm-up captures with both walkers, then
A (pure), B (native), C (pure) of one heap.  Consecutive captures differ a little where the
heap itself changes between them (the capture's own transient objects, a shared-keys dict
whose size moves with each capture), so: every object on which A and C agree is identical
in B (type, size, every edge and its name, preview, module name, allocation site, heapu
membership), B has no more objects of its own than A or C, and every table row of B is
A's, C's, or between them, or off by no more objects than A and C differ by.  The tables
are the CLI's (``heaplens table FILE --by REL --all --json``) for every relation, and the
reader's (``hlsread``) for clodo, type, size, module and via.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import HERE
from test_cli import binary

SCRIPT = os.path.join(HERE, 'native_compare.py')
RELS = ['clodo', 'type', 'rcs', 'via', 'size', 'module', 'unity', 'id', 'idset', 'prod']


#: the Debian testing chroot with CPython 3.14 and 3.15 (scripts/py-chroot.sh), whose
#: native walker capture/native/build-chroot.sh builds; its interpreters are named
#: 'chroot:3.14' and 'chroot:3.15' here
CHROOT = os.environ.get('PY_CHROOT', '/var/tmp/heaplens-deb-testing')


def interpreters():
    env = os.environ.get('HEAPLENS_NATIVE_PYTHONS')
    found = env.split() if env else [sys.executable]
    for v in ('3.14', '3.15'):
        if os.path.exists(os.path.join(CHROOT, 'usr/bin/python' + v)) and os.geteuid() == 0:
            found.append('chroot:' + v)
    return found


def _argv(py):
    """The command that runs interpreter ``py`` (a path, or 'chroot:3.X')."""
    if py.startswith('chroot:'):
        return ['chroot', CHROOT, '/usr/bin/python' + py.split(':', 1)[1]]
    return [py]


def _env():
    e = dict(os.environ)
    e.pop('HEAPLENS_PURE_PYTHON', None)
    return e


def _need_native(py):
    """Skip (printing why) when heaplens_native does not import in ``py``."""
    if not py.startswith('chroot:') and not os.path.exists(py):
        why = 'interpreter %s not found' % py
    else:
        r = subprocess.run(_argv(py) + ['-c', 'import heaplens_native'], capture_output=True,
                           text=True, env=_env(), timeout=60)
        if r.returncode == 0:
            return
        why = ('heaplens_native is not built for %s (%s); build it with %s' % (
            py, (r.stderr.strip().splitlines() or ['?'])[-1],
            'capture/native/build-chroot.sh' if py.startswith('chroot:')
            else 'capture/native/build.sh %s' % py))
    print('SKIP:', why)
    pytest.skip(why)


def _compare(py, out, *extra):
    script, where = SCRIPT, str(out)
    if py.startswith('chroot:'):
        # the agent, the script and its output inside the chroot: a copy of capture/
        # beside the test's folder there, read back from the host afterwards
        inside = tempfile.mkdtemp(prefix='hl-native-', dir=os.path.join(CHROOT, 'tmp'))
        shutil.copytree(os.path.join(os.path.dirname(HERE), 'heaplens'),
                        os.path.join(inside, 'heaplens'))
        os.mkdir(os.path.join(inside, 'tests'))
        for f in ('native_compare.py', 'hlsread.py'):
            shutil.copy(os.path.join(HERE, f), os.path.join(inside, 'tests', f))
        rel = '/' + os.path.relpath(inside, CHROOT)
        script, where = rel + '/tests/native_compare.py', rel + '/out'
        os.mkdir(os.path.join(inside, 'out'))
    try:
        r = subprocess.run(_argv(py) + [script, where] + list(extra), capture_output=True,
                           text=True, env=_env(), timeout=1800)
    finally:
        if py.startswith('chroot:'):
            for k in 'ABC':
                src = os.path.join(inside, 'out', k + '.hls')
                if os.path.exists(src):
                    shutil.copy(src, os.path.join(str(out), k + '.hls'))
            shutil.rmtree(inside, ignore_errors=True)
    lines = r.stdout.strip().splitlines()
    assert lines, 'native_compare.py printed nothing (exit %d): %s' % (r.returncode, r.stderr[-3000:])
    res = json.loads(lines[-1])
    print(json.dumps(res, indent=1)[:4000])
    assert res.get('native'), res
    assert r.returncode == 0, 'native and pure walkers differ: %s\n%s' % (
        json.dumps(res, indent=1)[:6000], r.stderr[-2000:])
    return res


def _cli_rows(path, rel):
    p = subprocess.run([binary(), 'table', str(path), '--by', rel, '--all', '--json'],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    rows = {}
    for r in json.loads(p.stdout)['rows']:
        x = rows.setdefault(r['label'], [0, 0])
        x[0] += r['count']
        x[1] += r['size']
    return rows


def _check_cli(out, res, rels):
    sys.path.insert(0, HERE)
    import native_compare
    moved = res['objects_moved_between_pure']
    report = {}
    for rel in rels:
        pa, pb, pc = (_cli_rows(out / (k + '.hls'), rel) for k in 'ABC')
        n, bad, unstable, off = native_compare.compare_rows(pa, pb, pc)
        report[rel] = (n, len(bad), unstable, off)
        assert off <= moved, '%s: %d rows of the native snapshot differ (off by %d objects, A and C ' \
            'differ by %d): %r' % (rel, len(bad), off, moved, bad[:5])
    print('CLI tables (rows, rows differing, rows A/C differ, objects off):', report)


@pytest.mark.parametrize('py', interpreters())
def test_native_matches_pure(py, tmp_path):
    """The fidelity heap, both walkers, every relation (reader and CLI tables)."""
    _need_native(py)
    res = _compare(py, tmp_path)
    for rel, v in res['rels'].items():
        assert v['off'] <= res['objects_moved_between_pure'], (rel, v)
    assert res['objects_differ'] == 0
    _check_cli(tmp_path, res, [r for r in RELS if r != 'prod'])


@pytest.mark.parametrize('py', interpreters()[:1])
def test_native_matches_pure_traced(py, tmp_path):
    """With tracemalloc tracing: allocation sites (prod) too."""
    _need_native(py)
    res = _compare(py, tmp_path, '--trace', '--scale', '0')
    assert min(res['prod_entries']) > 0, res['prod_entries']
    _check_cli(tmp_path, res, ['prod', 'clodo', 'via'])


def test_pure_python_switch(tmp_path):
    """``HEAPLENS_PURE_PYTHON=1`` forces the pure walker; otherwise dump() walks natively."""
    py = sys.executable
    _need_native(py)
    code = ('import sys; sys.path[:0] = [%r]; import heaplens; from heaplens import _native; '
            'st = heaplens.dump(sys.argv[1]); print(_native.NATIVE, st.get("walker", "python"), '
            '_native.WHY)' % os.path.dirname(HERE))
    out = {}
    for flag in (None, '1'):
        env = _env()
        if flag:
            env['HEAPLENS_PURE_PYTHON'] = flag
        r = subprocess.run([py, '-c', code, str(tmp_path / 'x.hls')], capture_output=True,
                           text=True, env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        out[flag] = r.stdout.split()
    assert out[None][:2] == ['True', 'native'], out
    assert out['1'][:2] == ['False', 'python'], out
    assert 'HEAPLENS_PURE_PYTHON' in ' '.join(out['1']), out


def test_redacting_dump_uses_pure_walker(tmp_path):
    """values='redact'/'none' are walked by the pure walker (the native one writes 'all')."""
    py = sys.executable
    _need_native(py)
    code = ('import sys; sys.path[:0] = [%r]; import heaplens; '
            'print(heaplens.dump(sys.argv[1], values="redact").get("walker", "python"), '
            'heaplens.dump(sys.argv[1]).get("walker", "python"))' % os.path.dirname(HERE))
    r = subprocess.run([py, '-c', code, str(tmp_path / 'x.hls')], capture_output=True,
                       text=True, env=_env(), timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ['python', 'native'], r.stdout
