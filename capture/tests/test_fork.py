"""``heaplens.dump(fork=True)`` (issue 13 item 3): the walk in a raw-forked child.

Each test runs its program in a subprocess (a capture that hung or crashed must not take
the test run with it).  The programs are threaded and allocate while they are captured."""

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import CAPTURE
import hlsread


def native_or_skip():
    r = subprocess.run([sys.executable, '-c', 'import heaplens_native'], capture_output=True)
    if r.returncode != 0:
        pytest.skip('heaplens_native is not built for %s (capture/native/build.sh)' % sys.executable)


PRELUDE = textwrap.dedent('''
    import os, sys, threading, time, signal, gc
    sys.path.insert(0, %r)
    import heaplens
    from heaplens import _fork

    class Marker:
        pass

    class InThread:
        pass

    stop = threading.Event()
    started = threading.Barrier(4)

    def alloc(n):
        mine = [InThread() for _ in range(n)]  # held only by this thread's frame
        started.wait(60)
        x = []
        while not stop.is_set():
            x.append({'a': [1, 2, 3], 'b': str(len(x))})
            if len(x) > 2000:
                x = []
        return mine

    keep = [Marker() for _ in range(7)]
    threads = [threading.Thread(target=alloc, args=(11,), daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    started.wait(60)

    def zombies():
        out = []
        for p in os.listdir('/proc'):
            if p.isdigit():
                try:
                    with open('/proc/%%s/stat' %% p) as f:
                        st = f.read().rsplit(')', 1)[1].split()
                except OSError:
                    continue
                if int(st[1]) == os.getpid():
                    out.append((int(p), st[0]))
        return out
''') % CAPTURE

EPILOGUE = '''
stop.set()
for t in threads:
    t.join()
'''


def run(body, tmp_path, timeout=900, env=None):
    script = tmp_path / 'prog.py'
    body = textwrap.indent(textwrap.dedent(body), '    ')
    script.write_text(PRELUDE + 'try:\n' + body + 'finally:\n' + textwrap.indent(EPILOGUE, '    '))
    e = dict(os.environ)
    e.pop('HEAPLENS_PURE_PYTHON', None)
    e.update(env or {})
    return subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                          text=True, timeout=timeout, env=e)


def test_a_hundred_forked_captures_of_a_threaded_allocating_program(tmp_path):
    """None hangs, no zombie remains, every file is complete, and each holds the other
    threads' frames (what a raw fork keeps and ``os.fork`` would delete)."""
    native_or_skip()
    r = run('''
        interval, handlers = sys.getswitchinterval(), signal.getsignal(signal.SIGTERM)
        pauses = []
        for i in range(100):
            h = heaplens.dump(os.path.join(sys.argv[1], 'f%d.hls' % i), fork=True, collect=False,
                              watchdog=60)
            pauses.append(h.pause_s)
            st = h.wait(120)
            assert st['objects'] > 1000 and st['pause_s'] == h.pause_s, st
            assert h.done()
        assert not zombies(), zombies()
        assert sys.getswitchinterval() == interval and gc.isenabled()
        assert signal.getsignal(signal.SIGTERM) == handlers
        print('max pause %.4f' % max(pauses))
        print('threads', threading.active_count())
    ''', tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'threads 4' in r.stdout
    for i in (0, 37, 99):
        snap = hlsread.read(str(tmp_path / ('f%d.hls' % i)))  # reads every section, CRCs
        rows = hlsread.partition_by_label(snap, 'clodo')
        assert rows['__main__.Marker'][0] == 7
        # 3 threads x 11 objects held only by their frames: reachable, not heapu's
        assert rows['__main__.InThread'][0] == 33, rows.get('__main__.InThread')
        assert snap.meta['pid'] != 0
    assert not list(tmp_path.glob('*.tmp'))


def test_the_watchdog_ends_a_child_that_deadlocks(tmp_path):
    """A lock another thread held at the fork is never released in the child: the
    watchdog ends it, the parent gets a clear error, and no file or zombie stays."""
    native_or_skip()
    r = run('''
        held = threading.Lock()
        held.acquire()  # by the main thread, as if another thread held it at the fork
        _fork._CHILD_HOOK = held.acquire
        out = os.path.join(sys.argv[1], 'never.hls')
        h = heaplens.dump(out, fork=True, watchdog=2)
        _fork._CHILD_HOOK = None
        held.release()
        try:
            h.wait(60)
        except heaplens.CaptureError as e:
            print('ERROR', e)
        assert not os.path.exists(out) and not os.path.exists(out + '.tmp')
        assert not zombies(), zombies()
    ''', tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'ERROR heaplens: the forked capture' in r.stdout, r.stdout
    assert 'watchdog after 2s' in r.stdout, r.stdout


def test_a_failing_child_reports_its_error_and_on_done_is_called(tmp_path):
    native_or_skip()
    r = run('''
        seen = []
        h = heaplens.dump('/nonexistent/dir/x.hls', fork=True, on_done=seen.append)
        try:
            h.wait(60)
        except heaplens.CaptureError as e:
            print('ERROR', e)
        time.sleep(0.2)
        assert seen == [h], seen
        assert not zombies()
        out = os.path.join(sys.argv[1], 'ok.hls')
        done = threading.Event()
        h = heaplens.dump(out, fork=True, on_done=lambda h: done.set())
        assert done.wait(60) and h.wait()['objects'] > 1000
    ''', tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'ERROR heaplens: the forked capture' in r.stdout and 'FileNotFoundError' in r.stdout, r.stdout


def test_fork_refuses_what_it_cannot_do(tmp_path):
    r = run('''
        try:
            heaplens.dump(os.path.join(sys.argv[1], 'a.hls'), fork=True, track=True)
        except ValueError as e:
            print('TRACK', e)
        try:
            heaplens.dump(os.path.join(sys.argv[1], 'b.hls'), fork=True)
        except RuntimeError as e:
            print('PURE', e)
        assert not zombies()
    ''', tmp_path, env={'HEAPLENS_PURE_PYTHON': '1'})
    assert r.returncode == 0, r.stderr
    assert 'TRACK dump(fork=True) cannot keep identities' in r.stdout
    assert 'PURE heaplens: dump(fork=True) needs the native walker: HEAPLENS_PURE_PYTHON=1' in r.stdout
