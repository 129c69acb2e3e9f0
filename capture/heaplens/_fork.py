"""``dump(fork=True)``: the walk and the file in a forked child; the program pauses only
for the ``fork()``.

The parent forks with the GIL held and *without* the interpreter's fork handlers (the
native walker's ``fork``; ``fork=True`` needs the native walker): ``os.fork()`` would run ``PyOS_AfterFork_Child``, which deletes
every other thread's state, and with it the frames the snapshot must show, and would run
the program's ``os.register_at_fork`` callbacks.  The child is an exact copy of the heap
at the moment of the fork, with one thread (the one that called ``dump``) holding the GIL;
no other thread of the program exists there, so nothing changes under the walk.

In the child, before any bytecode runs: every signal handler is reset to the default
action (no handler of the program runs there; ``kill`` ends it), the GIL's mutexes and
condition variables are made new and a pending switch request is served by handing the
GIL to a short-lived thread of the child and back (the threads that waited for the GIL
are gone: glibc would wait for them forever at its first release, and CPython's
``drop_gil`` would wait for one of them to take it), the GC is off (a collection would
run finalizers), and ``alarm(watchdog)`` ends the child if it is still
running then: a lock that another thread held at the moment of the fork (the interpreter's
thread-list lock, a C library's mutex) is never released in the child, and the
watchdog turns such a deadlock into a clear error.  The child walks, writes
``path + '.tmp'``, renames it to ``path``, reports its statistics to the parent through a
pipe and leaves with ``os._exit`` (no ``atexit`` hook, no flushing of the program's
buffers, no finalizer).  It writes nothing to the program's stdout or stderr.

The parent gets a :class:`ForkedDump` at once.  A small thread of the agent (``_thread``,
not registered with ``threading``) reads the pipe, reaps the child (no zombie remains),
uploads the file when a ``url`` was given and calls ``on_done``; it ends with the child.
"""

import _thread
import gc
import json
import os
import _signal as signal  # (the C module: always loaded; `signal` adds enum modules)
import sys
import time

from ._guard import CaptureTimeout, _defer_signals, _undefer_signals

#: the watchdog's default (seconds): far longer than any walk (10M objects take ~20 s)
WATCHDOG = 600

#: tests only: called in the child before the walk (test_fork.py makes it block on a lock
#: another thread held at the fork, to see the watchdog end the child)
_CHILD_HOOK = None


class CaptureError(RuntimeError):
    """A capture failed in its forked child (the message says how); no file was written."""


def raw_fork():
    """The native walker's ``fork``; the pure agent cannot repair the GIL's locks in the
    child, so ``fork=True`` needs the native walker."""
    from . import _native
    if _native._hn is None:
        raise RuntimeError('heaplens: dump(fork=True) needs the native walker: %s' % _native.WHY)
    return _native._hn.fork


def _private_dirty():
    """This process's private dirty memory (bytes): what copy-on-write has cost so far."""
    try:
        with open('/proc/self/smaps_rollup') as f:
            for line in f:
                if line.startswith('Private_Dirty:'):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class ForkedDump:
    """A capture running in a forked child.  ``pid`` (the child's), ``path``, ``pause_s``
    (how long the program was held: the fork itself), ``done()``, ``wait(timeout)``."""

    def __init__(self, pid, path, rfd, pause_s, finish, on_done):
        self.pid = pid
        self.path = path
        self.pause_s = pause_s
        self._result = None
        self._error = None
        self._finish = finish
        self._on_done = on_done
        self._lock = _thread.allocate_lock()
        self._lock.acquire()
        _thread.start_new_thread(self._reap, (rfd,))

    def _reap(self, rfd):
        try:
            chunks = []
            while True:
                b = os.read(rfd, 65536)
                if not b:
                    break
                chunks.append(b)
            os.close(rfd)
            _, status = os.waitpid(self.pid, 0)
            self._result = self._finish(b''.join(chunks), status)
        except BaseException as e:  # reported by wait(); never raised in this thread
            self._error = e
        finally:
            self._lock.release()
            cb, self._on_done = self._on_done, None
            if cb is not None:
                try:
                    cb(self)
                except BaseException:
                    pass

    def done(self):
        """Whether the child has finished (and been reaped)."""
        return not self._lock.locked()

    def wait(self, timeout=None):
        """Wait for the child; return its statistics (as ``dump()`` does; with a ``url``,
        the server's snapshot info) or raise what the capture raised: ``CaptureTimeout``
        past ``dump``'s timeout, ``CaptureError`` for a child that failed, was killed, or
        was stopped by its watchdog.  ``timeout``: give up waiting (``TimeoutError``)."""
        if not self._lock.acquire(True, -1 if timeout is None else timeout):
            raise TimeoutError('heaplens: the forked capture (pid %d) is still running' % self.pid)
        self._lock.release()
        if self._error is not None:
            raise self._error
        return self._result


def _describe(status, watchdog):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGALRM:
            return ('was stopped by its watchdog after %gs: it did not finish (a lock another '
                    'thread held when the process forked can never be released in the child; '
                    'see docs/fork.md)' % watchdog)
        return 'was killed by signal %d (%s)' % (sig, signal.strsignal(sig))
    return 'exited with status %d without a report' % os.WEXITSTATUS(status)


def start(child, path, cleanup, watchdog, on_done, after=None):
    """Fork; the child runs ``child()`` (which returns the statistics) and leaves; the
    parent returns a :class:`ForkedDump` whose thread calls ``after(stats)`` (the upload)
    and ``cleanup()`` (on failure: remove what the child left)."""
    fork = raw_fork()
    rfd, wfd = os.pipe()
    deferred = _defer_signals()
    interval_us = round(sys.getswitchinterval() * 1e6)
    t0 = time.perf_counter()
    try:
        pid = fork(int(watchdog), gc.disable, interval_us, wfd)
    except BaseException:
        _undefer_signals(deferred)
        os.close(rfd)
        os.close(wfd)
        raise
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(rfd)
            try:
                if _CHILD_HOOK is not None:
                    _CHILD_HOOK()
                stats = child()
                stats['child_private_dirty'] = _private_dirty()
                report = {'ok': True, 'stats': stats}
                code = 0
            except CaptureTimeout as e:
                report = {'ok': False, 'timeout': True, 'error': str(e)}
            except BaseException as e:
                report = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
            b = json.dumps(report).encode()
            while b:
                b = b[os.write(wfd, b):]
        finally:
            os._exit(code)
    pause = time.perf_counter() - t0
    _undefer_signals(deferred)
    os.close(wfd)

    def finish(raw, status):
        try:
            report = json.loads(raw.decode()) if raw else None
        except ValueError:
            report = None
        if report is None or not report.get('ok'):
            cleanup()
            if report is not None and report.get('timeout'):
                raise CaptureTimeout(report['error'])
            why = report['error'] if report is not None else _describe(status, watchdog)
            raise CaptureError('heaplens: the forked capture (pid %d) %s; nothing was written'
                               % (pid, why) if report is None else
                               'heaplens: the forked capture (pid %d) failed: %s' % (pid, why))
        stats = report['stats']
        stats['pause_s'] = pause
        return after(stats) if after is not None else stats
    return ForkedDump(pid, path, rfd, pause, finish, on_done)
