"""Captures inside real web servers while they serve (issue 18).

An asyncio server (uvicorn + FastAPI: async and threadpool endpoints) on CPython 3.11
(the test environment), 3.12 and 3.13 (``.venv-web/3.X``, made by ``scripts/dev.sh
setup``), and a threaded WSGI server (the standard library's ``wsgiref`` with one thread
per request) on every pyenv CPython.  The server, in its own process, takes
``POST /capture``: a new thread then captures the process several times in a row, as
``heaplens attach`` does, while the test's four client threads keep requesting.  Every
request must be answered correctly during and after the captures, the server must print
no error (issue 18 saw uvicorn on 3.12 die with ``InvalidStateError: Future object is
not initialized`` after a capture from a plain thread) and must stop cleanly; the last
snapshot must read.
"""

import glob
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import CAPTURE, HERE, REPO

CAPTURES = 6

SERVER = r'''
import json, os, sys, threading, time
sys.path[:0] = [%(capture)r, %(tests)r]
import heaplens
kind, port, out, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
state = {'done': 0, 'errors': [], 'running': False}

def captures():
    try:
        for i in range(n):
            heaplens.dump(os.path.join(out, 'snap%%d.hls' %% i), timeout=300,
                          unreachable=(i %% 2 == 0))
            state['done'] += 1
    except BaseException as e:
        state['errors'].append(repr(e))

def start_captures():
    if not state['running']:
        state['running'] = True
        threading.Thread(target=captures, name='capture').start()

def item(i):
    data = {'i': i, 'squares': [k * k for k in range(50)], 'name': 'item-%%d' %% i}
    return json.loads(json.dumps(data))

if kind == 'fastapi':
    import asyncio
    import uvicorn
    from fastapi import FastAPI
    app = FastAPI()

    @app.get('/items/{i}')
    async def get_item(i: int):
        await asyncio.sleep(0)
        return item(i)

    @app.get('/sync/{i}')
    def get_sync(i: int):  # runs in the threadpool
        return item(i)

    @app.get('/state')
    async def get_state():
        return state

    @app.post('/capture')
    async def post_capture():
        start_captures()
        return {'started': True}

    uvicorn.run(app, host='127.0.0.1', port=port, log_level='warning')
else:
    import socketserver
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, *a):
            pass

    class Threaded(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True

    def wsgi(environ, start):
        path = environ['PATH_INFO']
        if path == '/capture' and environ['REQUEST_METHOD'] == 'POST':
            start_captures()
            body = {'started': True}
        elif path == '/state':
            body = state
        else:
            body = item(int(path.rsplit('/', 1)[1]))
        data = json.dumps(body).encode()
        start('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(data)))])
        return [data]

    srv = make_server('127.0.0.1', port, wsgi, server_class=Threaded, handler_class=Quiet)
    import signal
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=srv.shutdown).start())
    srv.serve_forever()
    srv.server_close()
''' % {'capture': CAPTURE, 'tests': HERE}


def pythons():
    """(id, python, kind) of every server run."""
    runs = [('3.11-fastapi', sys.executable, 'fastapi')]
    for v in ('3.12', '3.13'):
        py = os.path.join(REPO, '.venv-web', v, 'bin', 'python')
        if os.path.exists(py):
            runs.append(('%s-fastapi' % v, py, 'fastapi'))
    for v in ('3.9', '3.10', '3.11', '3.12', '3.13'):
        paths = sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python%s' % (v, v))))
        if paths:
            runs.append(('%s-wsgi' % v, paths[-1], 'wsgi'))
    return runs


RUNS = pythons()


def test_every_server_runs():
    # scripts/dev.sh setup makes .venv-web/3.12 and 3.13: a run without them tested less
    assert {'3.11-fastapi', '3.12-fastapi', '3.13-fastapi', '3.12-wsgi'} <= {r[0] for r in RUNS}


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def get(url, method='GET'):
    req = urllib.request.Request(url, method=method, data=b'' if method == 'POST' else None)
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 200
        return json.loads(r.read())


@pytest.mark.parametrize('run', RUNS, ids=[r[0] for r in RUNS])
def test_captures_while_the_server_serves(run, tmp_path):
    name, py, kind = run
    port = free_port()
    log = open(tmp_path / 'server.log', 'w+')
    p = subprocess.Popen([py, '-X', 'faulthandler', '-c', SERVER, kind, str(port),
                          str(tmp_path), str(CAPTURES)], stdout=log, stderr=subprocess.STDOUT)
    base = 'http://127.0.0.1:%d' % port
    stop = threading.Event()
    answered, failures = [0], []
    try:
        deadline = time.time() + 60
        while True:
            assert p.poll() is None, 'the server did not start'
            try:
                get(base + '/state')
                break
            except OSError:
                assert time.time() < deadline, 'the server did not answer'
                time.sleep(0.1)

        def client(k):
            i = 0
            while not stop.is_set():
                i += 1
                path = ('/items/%d' if (i + k) % 2 or kind == 'wsgi' else '/sync/%d') % i
                try:
                    body = get(base + path)
                    assert body['i'] == i and body['squares'][7] == 49, body
                    answered[0] += 1
                except Exception as e:  # noqa: BLE001 (every failure is reported)
                    failures.append('%s: %r' % (path, e))
        clients = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for c in clients:
            c.start()
        time.sleep(0.3)
        before = answered[0]
        assert get(base + '/capture', 'POST') == {'started': True}
        deadline = time.time() + 600
        while True:
            st = get(base + '/state')
            if st['done'] == CAPTURES or st['errors']:
                break
            assert p.poll() is None, 'the server died during the captures'
            assert time.time() < deadline, 'the captures did not finish: %r' % st
            time.sleep(0.2)
        during = answered[0] - before
        time.sleep(0.5)  # and it goes on serving afterwards
        stop.set()
        for c in clients:
            c.join(60)
        after = get(base + '/items/7')
    finally:
        stop.set()
        if p.poll() is None:
            p.send_signal(signal.SIGINT if kind == 'fastapi' else signal.SIGTERM)
        try:
            code = p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            code = 'hung on stop'
        log.seek(0)
        output = log.read()
        log.close()
    assert st['errors'] == [] and st['done'] == CAPTURES, st
    assert failures == [], failures[:5]
    assert during > 0 and after['i'] == 7
    assert code == 0, (code, output[-3000:])
    for bad in ('Traceback', 'Error', 'Fatal Python error'):
        assert bad not in output, output[-3000:]
    import hlsread
    snap = hlsread.read(str(tmp_path / ('snap%d.hls' % (CAPTURES - 1))))
    assert snap.n > 10000
    print('%s: %d captures, %d requests answered during them, server output %d bytes'
          % (name, CAPTURES, during, len(output)))
