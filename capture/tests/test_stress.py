"""The capture stress suite (issue 18): both walkers, every CPython of the machine.

Each run is ``stress_heap.py`` in a fresh interpreter (a crash or a hang fails its test
instead of the test run): the heaps of ``stress_kinds`` (guppy3's operations, numpy and
pandas, ctypes, C types without ``tp_traverse``, objects awaiting finalisation, suspended
generators and coroutines, deep and self-referencing structures, very large containers,
threads mutating while they are captured, a capture from a new thread) and random object
graphs (``stress_graph``; in the test environment also drawn by hypothesis), each
captured and checked object by object.  Interpreters: pyenv's 3.9, 3.10, 3.12 and 3.13
(``.venv-native/3.X``, both walkers; the packages only in the test environment), the test
environment's 3.11 (both walkers, every kind, hypothesis) and the Debian testing
chroot's 3.14 and 3.15 (both walkers), when they exist.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import HERE, REPO

CHROOT = os.environ.get('PY_CHROOT', '/var/tmp/heaplens-deb-testing')
FILES = ('stress_heap.py', 'stress_kinds.py', 'stress_graph.py', 'hlsread.py')


def runs():
    """(id, argv, walker, extra arguments) of every run."""
    found = [('venv-pure', [sys.executable], 'python', ['--random', '10', '--hypothesis', '30']),
             ('venv-native', [sys.executable], 'native', ['--random', '10', '--hypothesis', '30'])]
    for v in ('3.9', '3.10', '3.12', '3.13'):
        # .venv-native/3.X (scripts/dev.sh setup_native_versions) has the native walker
        venv = os.path.join(REPO, '.venv-native', v, 'bin', 'python')
        paths = sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python%s' % (v, v))))
        if os.path.exists(venv):
            found += [(v + '-pure', [venv], 'python', ['--random', '10']),
                      (v + '-native', [venv], 'native', ['--random', '10'])]
        elif paths:
            found.append((v + '-pure', [paths[-1]], 'python', ['--random', '10']))
    if os.geteuid() == 0:
        for v in ('3.14', '3.15'):
            if os.path.exists(os.path.join(CHROOT, 'usr/bin/python' + v)):
                argv = ['chroot', CHROOT, '/usr/bin/python' + v]
                for w in ('python', 'native'):
                    found.append(('%s-%s' % (v, 'pure' if w == 'python' else w), argv, w,
                                  ['--random', '10']))
    return found


RUNS = runs()


def test_the_machines_interpreters_are_all_in_the_suite():
    ids = {r[0] for r in RUNS}
    # scripts/dev.sh setup builds the native walker for pyenv's other versions
    assert {'venv-pure', 'venv-native', '3.9-pure', '3.9-native', '3.12-pure', '3.12-native',
            '3.13-pure', '3.13-native'} <= ids, ids


@pytest.mark.parametrize('run', RUNS, ids=[r[0] for r in RUNS])
def test_stress(run, tmp_path):
    name, argv, walker, extra = run
    env = dict(os.environ)
    env.pop('HEAPLENS_PURE_PYTHON', None)
    if walker == 'python':
        env['HEAPLENS_PURE_PYTHON'] = '1'
    script, out = os.path.join(HERE, 'stress_heap.py'), str(tmp_path)
    inside = None
    if argv[0] == 'chroot':
        # the agent and the scripts inside the chroot (another root filesystem)
        inside = tempfile.mkdtemp(prefix='hl-stress-', dir=os.path.join(CHROOT, 'tmp'))
        shutil.copytree(os.path.join(os.path.dirname(HERE), 'heaplens'),
                        os.path.join(inside, 'heaplens'))
        os.mkdir(os.path.join(inside, 'tests'))
        for f in FILES:
            shutil.copy(os.path.join(HERE, f), os.path.join(inside, 'tests', f))
        rel = '/' + os.path.relpath(inside, CHROOT)
        script, out = rel + '/tests/stress_heap.py', rel
    try:
        r = subprocess.run(argv + ['-X', 'faulthandler', script, out] + extra,
                           capture_output=True, text=True, env=env, timeout=1200, cwd=str(tmp_path))
    finally:
        if inside:
            shutil.rmtree(inside, ignore_errors=True)
    assert r.returncode in (0, 1), 'the interpreter died (exit %d): %s' % (
        r.returncode, r.stderr[-4000:])
    lines = r.stdout.strip().splitlines()
    assert lines, r.stderr[-4000:]
    rep = json.loads(lines[-1])
    for h in rep['heaps']:
        print('%s %s: %s, %d objects, %d made, %.2f s' % (
            rep['python'], h['heap'], h['walker'], h['objects'], h['made'], h['seconds']))
    bad = [h for h in rep['heaps']
           if h['missing'] or h['edges_missing'] or h['size_off'] or h['changed']]
    assert not bad, json.dumps(bad, indent=1)[:6000]
    assert r.returncode == 0, r.stderr[-4000:]
    assert {h['walker'] for h in rep['heaps']} == {walker}, 'asked for the %s walker' % walker
    kinds = {h['heap'] for h in rep['heaps']}
    # every kind ran except those whose packages this interpreter lacks
    want = {'ctypes', 'no_traverse', 'finalisers', 'generators', 'deep', 'large', 'threads',
            'threads-thread'}
    if name.startswith('venv'):
        want |= {'guppy', 'numpy_pandas'}
        assert sum(k.startswith('hypothesis-') for k in kinds) >= 30, sorted(kinds)
    assert want <= kinds and sum(k.startswith('random-') for k in kinds) == 10, sorted(kinds)
