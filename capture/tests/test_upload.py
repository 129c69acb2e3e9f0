"""Uploads from the agent to the real server: ``heaplens.dump(url=...)`` and
``python -m heaplens upload``; the server's 413 and ``bad_snapshot`` messages reach the
caller (an exception, or exit code 1); the token goes in an ``Authorization`` header.

The server is ``$HEAPLENS_BIN serve`` on a free loopback port with ``--exit-after``.
"""

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import CAPTURE
from test_cli import binary

ENV = dict(os.environ, PYTHONPATH=CAPTURE)
ENV.pop('HEAPLENS_TOKEN', None)

#: a child that captures its heap to the server and prints the answer (or the error) as JSON
CHILD = r'''
import json, sys
import heaplens
KEEP = [str(i) * 3 for i in range(1000)]
try:
    info = heaplens.dump(url=sys.argv[1], name=sys.argv[2], values=sys.argv[3])
    print(json.dumps({'ok': info}))
except heaplens.UploadError as e:
    print(json.dumps({'error': [e.status, e.code, e.message, str(e)]}))
'''


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture
def server(tmp_path):
    """Start a server: ``server(max_upload=None)`` returns its base URL."""
    procs = []

    def start(max_upload=None):
        port = _free_port()
        cmd = [binary(), 'serve', '--addr', '127.0.0.1:%d' % port, '--exit-after', '60',
               '--data', str(tmp_path / ('data%d' % len(procs)))]
        if max_upload is not None:
            cmd += ['--max-upload', str(max_upload)]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(p)
        url = 'http://127.0.0.1:%d' % port
        for _ in range(100):
            try:
                _get(url + '/api/snapshots')
                return url
            except OSError:
                time.sleep(0.1)
        pytest.fail('server did not start')
    yield start
    for p in procs:
        p.terminate()
        p.wait(10)


def _child(url, name, values='all', env=ENV):
    r = subprocess.run([sys.executable, '-c', CHILD, url, name, values], capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _upload_cli(path, url, *args, env=ENV):
    return subprocess.run([sys.executable, '-m', 'heaplens', 'upload', str(path), '--server', url] + list(args),
                          capture_output=True, text=True, env=env, timeout=300)


def test_dump_to_a_server_and_upload_a_file(server, tmp_path):
    url = server()
    tmp = tmp_path / 'tmp'
    tmp.mkdir()
    ans = _child(url, 'from-dump', 'redact', env=dict(ENV, TMPDIR=str(tmp)))
    info = ans['ok']
    assert info['name'] == 'from-dump' and info['objects'] > 1000
    listed = {s['id']: s for s in _get(url + '/api/snapshots')['snapshots']}
    assert info['id'] in listed
    assert list(tmp.iterdir()) == []  # the temporary snapshot file is removed
    # the same file through the CLI
    path = tmp_path / 'app.hls'
    r = subprocess.run([sys.executable, '-c', 'import heaplens; heaplens.dump(%r)' % str(path)],
                       env=ENV, timeout=300)
    assert r.returncode == 0
    r = _upload_cli(path, url, '--name', 'cli-upload')
    assert r.returncode == 0, r.stderr
    sid, page = r.stdout.split()
    assert page == '%s/s/%s' % (url, sid)
    listed = {s['id']: s for s in _get(url + '/api/snapshots')['snapshots']}
    assert listed[sid]['file_size'] == path.stat().st_size


def test_oversize_upload_gives_the_413_message(server, tmp_path):
    url = server(max_upload=200_000)
    ans = _child(url, 'too-big')
    status, code, message, text = ans['error']
    assert (status, code) == (413, 'too_large')
    assert "larger than this server's limit of 200000 bytes" in message and message in text
    path = tmp_path / 'big.hls'
    subprocess.run([binary(), 'synth', '50000', str(path)], check=True, capture_output=True, timeout=120)
    r = _upload_cli(path, url)
    assert r.returncode == 1
    assert "larger than this server's limit of 200000 bytes" in r.stderr
    assert _get(url + '/api/snapshots')['snapshots'] == []


def test_a_corrupt_file_gives_the_bad_snapshot_message(server, tmp_path):
    url = server()
    path = tmp_path / 'bad.hls'
    subprocess.run([binary(), 'synth', '1000', str(path)], check=True, capture_output=True, timeout=120)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    r = _upload_cli(path, url)
    assert r.returncode == 1
    assert 'bad_snapshot' in r.stderr and 'corrupt snapshot' in r.stderr
    r = _upload_cli(tmp_path / 'missing.hls', url)
    assert r.returncode == 1 and 'missing.hls' in r.stderr


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    path = tmp_path / 'x.hls'
    path.write_bytes(b'HLSNAP\r\n')
    r = _upload_cli(path, 'http://127.0.0.1:%d' % _free_port())
    assert r.returncode == 1 and 'cannot upload to http://127.0.0.1:' in r.stderr


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        n = int(self.headers['Content-Length'])
        body = self.rfile.read(n)
        _Recorder.seen.append((self.path, self.headers.get('Authorization'), len(body)))
        out = json.dumps({'id': 'rec', 'name': 'rec'}).encode()
        self.send_response(201)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *a):
        pass


def test_the_token_is_sent_as_a_bearer_header(tmp_path):
    srv = http.server.HTTPServer(('127.0.0.1', 0), _Recorder)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = 'http://127.0.0.1:%d/base/' % srv.server_address[1]
    path = tmp_path / 'x.hls'
    path.write_bytes(b'x' * 3_000_000)
    try:
        assert _upload_cli(path, url, '--token', 's3cret', '--name', 'a b').returncode == 0
        assert _upload_cli(path, url, env=dict(ENV, HEAPLENS_TOKEN='from-env')).returncode == 0
        assert _upload_cli(path, url).returncode == 0
    finally:
        srv.shutdown()
    assert _Recorder.seen == [
        ('/base/api/snapshots?name=a+b', 'Bearer s3cret', 3_000_000),
        ('/base/api/snapshots?name=x.hls', 'Bearer from-env', 3_000_000),
        ('/base/api/snapshots?name=x.hls', None, 3_000_000),
    ]
