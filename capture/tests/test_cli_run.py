"""`python -m heaplens run` and the shipped demo produce valid snapshots."""

import os
import subprocess
import sys

import hlsread
from conftest import CAPTURE, REPO


def test_run_command(tmp_path):
    script = tmp_path / 'prog.py'
    script.write_text('import sys\nclass K:\n    pass\nKS = [K() for _ in range(7)]\n'
                      'print("args", sys.argv[1:])\n')
    out = tmp_path / 'prog.hls'
    env = dict(os.environ, PYTHONPATH=CAPTURE)
    r = subprocess.run([sys.executable, '-m', 'heaplens', 'run', '--out', str(out),
                        str(script), 'x', 'y'], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "args ['x', 'y']" in r.stdout
    s = hlsread.read(str(out))
    labs = hlsread.partition_by_label(s, 'clodo')
    assert labs['__main__.K'][0] == 7


def test_demo(tmp_path):
    out = tmp_path / 'demo.hls'
    r = subprocess.run([sys.executable, os.path.join(REPO, 'demo', 'demo_app.py'), str(out),
                        '--rounds', '600'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    s = hlsread.read(str(out))
    assert s.meta['name'] == 'demo service'
    labs = hlsread.partition_by_label(s, 'clodo')
    for k in ('__main__.Customer', 'dict of __main__.Customer', '__main__.Order',
              '__main__.Headers', '__main__.Node', '__main__.Product', '__main__.Status'):
        assert k in labs, k
    assert any('<script>alert(1)</script>' in x for x in s.strings)
