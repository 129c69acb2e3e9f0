"""A capture from a new thread finishes whatever the other threads do (issue 18), and a
capture that cannot finish in its ``timeout`` stops cleanly.  Each case runs in a
subprocess with a timeout: a hang fails the test instead of hanging the run.

Before the fix, ``dump()`` from a new thread while another thread spun never finished:
the walk raised the switch interval to 1000 s and then released the GIL at each write;
the busy thread took it and kept it.
"""

import pytest

from test_crash_safety import run_script
from test_versions import _resolve

THREADS = r'''
import threading, time, gc, heaplens, hlsread
stop = threading.Event()
WHAT = sys.argv[2]

def spin():
    x = 0
    while not stop.is_set():
        x += 1

lock = threading.Lock()
lock.acquire()

def blocked():
    lock.acquire()          # waits in C until the end

def sleeper():
    time.sleep(3600)        # sleeps in C

def allocate():
    keep = []
    while not stop.is_set():
        keep.append({'k': [1, 2, 3]})
        if len(keep) > 10000:
            del keep[:]

targets = {'spin2': [spin, spin], 'blocked': [blocked, sleeper],
           'mixed': [spin, blocked, allocate]}[WHAT]
for t in targets:
    threading.Thread(target=t, daemon=True).start()
time.sleep(0.2)
interval = sys.getswitchinterval()
res = {}

def capture():
    t0 = time.monotonic()
    res['stats'] = heaplens.dump(sys.argv[1], timeout=120)
    res['s'] = time.monotonic() - t0

th = threading.Thread(target=capture)
th.start()
th.join(150)
stop.set()
assert not th.is_alive(), 'the capture did not finish'
s = hlsread.read(sys.argv[1])
assert s.n == res['stats']['objects'] > 1000
assert sys.getswitchinterval() == interval and gc.isenabled()
print('ok %.2fs %d objects' % (res['s'], s.n))
'''


def test_dump_from_a_new_thread_while_two_threads_spin(tmp_path):
    r = run_script(THREADS, tmp_path / 's.hls', 'spin2', timeout=200)
    assert r.stdout.startswith('ok '), r.stdout


def test_dump_from_a_new_thread_while_others_block_in_c(tmp_path):
    r = run_script(THREADS, tmp_path / 'b.hls', 'blocked', timeout=200)
    assert r.stdout.startswith('ok '), r.stdout


def test_dump_while_threads_spin_block_and_allocate(tmp_path):
    r = run_script(THREADS, tmp_path / 'm.hls', 'mixed', timeout=200)
    assert r.stdout.startswith('ok '), r.stdout


TIMEOUT = r'''
import gc, os, heaplens
big = [[i] for i in range(300000)]
sys.setswitchinterval(0.002)
path = sys.argv[1]
try:
    heaplens.dump(path, timeout=0.05)
except heaplens.CaptureTimeout as e:
    msg = str(e)
else:
    raise SystemExit('no timeout')
assert 'within 0.05s' in msg, msg
assert not os.path.exists(path) and not os.path.exists(path + '.tmp'), os.listdir('.')
assert sys.getswitchinterval() == 0.002 and gc.isenabled()
gc.disable()
try:
    heaplens.dump(path, timeout=0.05)
except heaplens.CaptureTimeout:
    pass
assert not gc.isenabled()   # restored as it was: off
gc.enable()
# the process goes on and a capture without a limit still works
st = heaplens.dump(path)
assert st['objects'] > 300000
print('ok')
'''


def test_timeout_stops_cleanly_and_restores_settings(tmp_path):
    r = run_script(TIMEOUT, tmp_path / 't.hls', timeout=300)
    assert r.stdout.strip() == 'ok'


ASYNCIO = r'''
import asyncio, gc, threading, time, os
import heaplens, hlsread
errors = []
caps = []
def capturer(stop, out):
    n = 0
    while not stop.is_set() and n < int(sys.argv[2]):
        st = heaplens.dump(out, timeout=120, unreachable=(n % 2 == 0))
        hlsread.read(out)
        caps.append(st['objects'])
        n += 1
async def handle(reader, writer):
    while True:
        data = await reader.read(100)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()
async def client(port):
    r, w = await asyncio.open_connection('127.0.0.1', port)
    for i in range(50):
        w.write(b'x' * 50)
        await w.drain()
        assert await r.read(100)
        await asyncio.sleep(0)
    w.close()
    await w.wait_closed()
async def main():
    srv = await asyncio.start_server(handle, '127.0.0.1', 0)
    port = srv.sockets[0].getsockname()[1]
    stop = threading.Event()
    t = threading.Thread(target=capturer, args=(stop, sys.argv[1])); t.start()
    rounds = 0
    try:
        while t.is_alive():
            await asyncio.gather(*[client(port) for k in range(10)])
            rounds += 1
    finally:
        stop.set(); t.join()
    srv.close()
    await srv.wait_closed()
    return rounds
def exc_handler(loop, ctx):
    errors.append(ctx)
loop = asyncio.new_event_loop()
loop.set_exception_handler(exc_handler)
rounds = loop.run_until_complete(main())
loop.close()
assert not errors, [str(e.get('exception') or e.get('message')) for e in errors][:5]
assert len(caps) == int(sys.argv[2]), caps
print('ok %d captures, %d client rounds' % (len(caps), rounds))
'''


@pytest.mark.parametrize('version', ['3.11', '3.12', '3.13'])
def test_asyncio_server_survives_captures_from_another_thread(version, tmp_path):
    """An asyncio echo server keeps serving clients on the main thread while another
    thread captures ten times.  On 3.12.0-3.12.5 this crashed or broke futures
    ("Future object is not initialized"): the ``_asyncio`` module's traversal hands out
    the freed objects of its FutureIter free list (CPython gh-122695); the walker no
    longer traverses that module there."""
    cmd, env = _resolve('pyenv:' + version)
    if cmd is None:
        pytest.skip('CPython %s not installed' % version)
    r = run_script(ASYNCIO, tmp_path / 'a.hls', 10, python=cmd[0], env=env, timeout=600)
    assert r.stdout.startswith('ok 10 captures'), r.stdout


def test_the_snapshot_is_written_in_few_system_calls(tmp_path):
    # each write releases the GIL, and next to a busy thread the capture then waits a
    # switch interval or more to get it back: 8 KiB buffered writes of a 2.6 MB snapshot
    # took 6 s next to three spinning threads.  Parts go out joined, BATCH bytes a call.
    from heaplens._guard import MemFile

    buf = MemFile()
    parts = [bytes([i % 251]) * (1000 + i) for i in range(3000)]
    for p in parts:
        buf.write(p)
    calls = []

    class Counting:
        def __init__(self, f):
            self.f = f

        def write(self, b):
            calls.append(len(b))
            return self.f.write(b)

    with open(tmp_path / 'out', 'wb', buffering=0) as f:
        buf.copy_to(Counting(f), batch=1 << 20)
    data = b''.join(parts)
    assert (tmp_path / 'out').read_bytes() == data
    assert len(calls) <= len(data) // (1 << 20) + 1, calls
    assert max(calls) < (1 << 20) + 4000 and buf.parts == []
