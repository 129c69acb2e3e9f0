"""The store survives ``kill -9`` at any moment (issue 6): a server with ``--data`` is killed
many times at random moments while several clients upload snapshots; after each kill a new
server starts on the same folder. Afterwards every snapshot the server ever confirmed (201 or
200) is listed and serves its table, nothing half-written is listed, every listed snapshot's
bytes hash to its id, and no temporary or stray file is left.
"""

import hashlib
import json
import os
import random
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

from test_cli import binary

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KILLS = 12


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _start(data):
    port = _free_port()
    p = subprocess.Popen([binary(), 'serve', '--addr', '127.0.0.1:%d' % port, '--data', data,
                          '--exit-after', '300'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = 'http://127.0.0.1:%d' % port
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + '/api/snapshots', timeout=2).read()
            return p, url
        except OSError:
            if p.poll() is not None:
                raise AssertionError('server exited: %s' % p.stdout.read().decode(errors='replace'))
            time.sleep(0.05)
    p.kill()
    raise AssertionError('server did not start')


def test_kill_dash_nine_during_uploads_never_lists_half_a_snapshot(tmp_path):
    data = str(tmp_path / 'store')
    # distinct files: the real heap, its redacted copy, and synthetic heaps of several sizes
    files = [os.path.join(REPO, 'testdata', 'small.hls')]
    red = str(tmp_path / 'red.hls')
    subprocess.run([binary(), 'redact', files[0], red], check=True, capture_output=True)
    files.append(red)
    for i, n in enumerate((20000, 60000, 150000, 300000)):
        path = str(tmp_path / ('synth-%d.hls' % i))
        subprocess.run([binary(), 'synth', str(n), path, '--seed', str(i + 1)], check=True, capture_output=True)
        files.append(path)
    blobs = [open(f, 'rb').read() for f in files]
    sha = [hashlib.sha256(b).hexdigest() for b in blobs]
    confirmed = {}  # id -> sha256, every upload the server answered 200/201 for
    lock = threading.Lock()
    rng = random.Random(7)

    server, url = _start(data)
    try:
        for round_ in range(KILLS):
            stop = threading.Event()

            def client(k):
                r = random.Random(round_ * 100 + k)
                while not stop.is_set():
                    i = r.randrange(len(blobs))
                    req = urllib.request.Request(url + '/api/snapshots?name=crash-%d.hls' % i,
                                                 data=blobs[i], method='POST')
                    try:
                        with urllib.request.urlopen(req, timeout=30) as resp:
                            info = json.loads(resp.read())
                        with lock:
                            confirmed[info['id']] = sha[i]
                    except (OSError, urllib.error.URLError, ValueError):
                        pass  # the server died mid-request: not confirmed

            threads = [threading.Thread(target=client, args=(k,)) for k in range(3)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.05, 0.8))
            server.kill()  # SIGKILL: no shutdown code runs
            server.wait()
            stop.set()
            for t in threads:
                t.join()
            server, url = _start(data)
            listed = json.loads(urllib.request.urlopen(url + '/api/snapshots').read())
            ids = {s['id']: s for s in listed['snapshots']}
            assert not listed['failed'], listed['failed']
            for i, h in confirmed.items():
                assert i in ids, 'confirmed snapshot %s lost after kill %d' % (i, round_)
        # every listed snapshot: its bytes hash to its id and it serves its table
        listed = json.loads(urllib.request.urlopen(url + '/api/snapshots').read())['snapshots']
        assert {s['id'] for s in listed} >= set(confirmed)
        assert len(confirmed) >= 3, 'the test uploaded too little to mean anything'
        for s in listed:
            assert s['store']['sha256'] in sha and s['id'] == s['store']['sha256'][:16]
            t = urllib.request.urlopen(url + '/api/snapshots/%s/partition?by=type&limit=1' % s['id']).read()
            assert json.loads(t)['count'] == s['objects']
    finally:
        server.kill()
        server.wait()
    # after a clean start, no temporary or stray file is left
    server, url = _start(data)
    server.kill()
    server.wait()
    assert os.listdir(os.path.join(data, 'tmp')) == []
    names = [f for d in os.listdir(os.path.join(data, 'objects'))
             for f in os.listdir(os.path.join(data, 'objects', d))]
    on_disk = sorted(f[:-4] for f in names if f.endswith('.hls'))
    assert on_disk == sorted(s['store']['sha256'] for s in listed)
    # besides the snapshots, only their saved indexes and metadata sidecars (no half-written one)
    assert all(f.endswith('.hls') or (f.endswith('.idx') and f[:-4] in on_disk)
               or (f.endswith('.meta.json') and f[:-10] in on_disk) for f in names), names
