"""`python -m heaplens run --every INTERVAL`: a series of snapshots of one process, taken
from a background thread while the script runs and once at exit, which the heaplens
server groups into one series."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

import hlsread
from conftest import CAPTURE
from test_cli import binary

SCRIPT = '''
import time
class Item:
    def __init__(self, i):
        self.i = i
items = []
t0 = time.time()
while time.time() - t0 < 3.0:  # long enough for 4 samples on a loaded machine
    items.extend(Item(i) for i in range(100))
    time.sleep(0.02)
print(len(items))
'''


@pytest.fixture(scope='module')
def samples(tmp_path_factory):
    d = tmp_path_factory.mktemp('every')
    script = d / 'grow.py'
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=CAPTURE)
    r = subprocess.run([sys.executable, '-m', 'heaplens', 'run', '--every', '0.2s', '--out-dir',
                        str(d / 'out'), str(script)], capture_output=True, text=True, env=env,
                       timeout=120, cwd=str(d))
    assert r.returncode == 0, r.stderr
    files = sorted(os.listdir(d / 'out'))
    return [str(d / 'out' / f) for f in files], int(r.stdout)


def test_samples_are_numbered_timed_and_grow(samples):
    files, final = samples
    assert len(files) >= 4, files
    names = [os.path.basename(f)[:-4].split('-') for f in files]
    assert [int(n[1]) for n in names] == list(range(1, len(files) + 1))
    snaps = [hlsread.read(f) for f in files]
    times = [s.meta['time'] for s in snaps]
    assert times == sorted(times)
    assert [float(n[2]) for n in names] == pytest.approx(times, abs=0.01)
    # one process: same pid and process start in every sample
    assert len({(s.meta['pid'], s.meta['process_start']) for s in snaps}) == 1
    items = [hlsread.partition_by_label(s, 'clodo').get('__main__.Item', (0, 0))[0] for s in snaps]
    assert items == sorted(items) and items[0] < items[-1]
    assert items[-1] == final          # the exit sample sees every item


def test_the_server_groups_the_samples_into_a_series(samples):
    files, _ = samples
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([binary(), 'serve', '--addr', '127.0.0.1:%d' % port, '--exit-after', '60',
                               *files], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = 'http://127.0.0.1:%d/api/series' % port
        for _ in range(100):
            try:
                listed = json.load(urllib.request.urlopen(url))
                break
            except OSError:
                time.sleep(0.1)
        [series] = listed['series']
        assert len(series['snapshots']) == len(files)
        view = json.load(urllib.request.urlopen(url + '/' + series['id'] + '?measure=count&k=5'))
        kinds = view['kinds']
        for sample, values, f in zip(view['samples'], view['values'], files):
            ours = hlsread.partition_by_label(hlsread.read(f), 'clodo')
            assert sum(v[0] for v in values) == sample['count']
            for kind, (count, size) in zip(kinds, values):
                if kind != '<Other>':
                    assert list(ours.get(kind, (0, 0))) == [count, size]
    finally:
        server.terminate()
        server.wait()
