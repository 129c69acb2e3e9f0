"""Holding the interpreter still for one walk, and giving everything back afterwards.

``Quiet`` keeps the GIL for the capturing thread from the walk's first object to its
last: it raises the switch interval (so no waiting thread asks for the GIL; see
``Quiet`` for why the interval stays finite) and turns the GC off, and the walk itself never releases the GIL: it writes into a ``MemFile``
(no system call) and its CRCs and hashes work on pieces small enough that CPython does
not release the GIL for them.  Every setting is restored in ``__exit__``, also when the
walk fails or times out.  The file is written afterwards, with the program's own
switch interval, so a thread that takes the GIL during that I/O gives it back as usual.

Before this, a dump from a new thread while another thread spun never finished: the
walk released the GIL at each chunk's write with the interval at 1000 s, the busy
thread took the GIL and kept it for 1000 s.

``deadline``/``check``: a capture given a ``timeout`` raises ``CaptureTimeout`` at the
next check after the deadline (the walk checks every few thousand objects).
"""

import gc
import _signal as signal  # (the C module: always loaded; `signal` adds enum classes)
import sys
import threading
import time
import zlib


class CaptureTimeout(RuntimeError):
    """The capture did not finish within its ``timeout``; nothing was written and every
    interpreter setting the capture changed was restored."""


#: the longest switch interval a walk uses (seconds)
MAX_HOLD = 300.0


#: conservative walk speeds (GC-tracked objects per second) of the two walkers: about a
#: fifth of what each walks on the service heap (docs/benchmarks.md)
RATE_PURE = 50000.0
RATE_NATIVE = 250000.0


def hold_interval(timeout=None, rate=RATE_PURE):
    """The switch interval for one walk: about twice the walk's expected length (from
    the number of GC-tracked objects, at the walker's conservative ``rate``), at least
    1 s, at most ``MAX_HOLD`` (and the timeout).  The calling thread may wait that long
    before its walk when a busy thread takes the GIL first (``Quiet``), so it is kept no
    longer than the walk needs."""
    n = len(gc.get_objects())
    h = min(max(1.0, 2.0 * n / rate), MAX_HOLD)
    if timeout is not None:
        h = min(h, max(float(timeout), 0.01))
    return h


class Quiet:
    """``with Quiet(timeout):`` raises the switch interval and disables the GC; restores
    both on exit, whatever happens.

    Why not simply raise the interval: CPython's GIL (3.9-3.15) reads the interval at
    each turn of a waiting thread's wait.  A thread already waiting when it is raised
    still times out after the old, short interval; if the GIL has not changed hands
    during that wait it asks for it, takes it, and keeps it for the new interval if it
    never blocks (a busy thread), while the capture waits with the new interval too.
    So the capture first gives the GIL up (``time.sleep(0)``) and raises the interval
    as the first thing after it has it back: every other waiter's wait then began
    before that change of hands, and a wait that saw the GIL change hands asks for
    nothing.  Only the thread the capture took the GIL from starts a new wait after
    it; it reads the interval within microseconds of the capture setting it, and when
    it reads the old one (a few captures in a hundred next to three busy threads,
    ``docs/benchmarks.md``) it asks for the GIL one old interval later.  So the capture
    spins three old intervals before the walk: such a request is served then, and a busy
    thread runs once, for at most the hold interval, before the walk and never in it.
    Raising the interval while holding the GIL, as this did before, lost the hold
    interval in about 3 captures in 4.  The interval stays finite (``hold_interval``:
    longer than the walk) so that such a thread gives the GIL back; the walk itself then
    runs alone."""

    def __init__(self, timeout=None, rate=RATE_PURE):
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.timeout = timeout
        self.rate = rate

    def __enter__(self):
        self.interval = sys.getswitchinterval()
        self.gc_was_enabled = gc.isenabled()
        self.deferred = _defer_signals()
        gc.disable()
        hold = hold_interval(self.timeout, self.rate)
        # give the GIL up and raise the interval the moment it is back (see above);
        # nothing runs between the two
        time.sleep(0)
        sys.setswitchinterval(hold)
        # a wait that began with the old interval and asks for the GIL after all does so
        # now, before the walk, not in the middle of it
        end = time.perf_counter() + max(3 * self.interval, 0.02)
        while time.perf_counter() < end:
            pass
        return self

    def __exit__(self, *exc):
        sys.setswitchinterval(self.interval)
        if self.gc_was_enabled:
            gc.enable()
        _undefer_signals(self.deferred)
        return False

    def check(self):
        """Raise ``CaptureTimeout`` when the deadline has passed."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise CaptureTimeout('heaplens: capture did not finish within %gs; nothing was '
                                 'written and the process is as it was' % self.timeout)


def _defer_signals():
    """On the main thread, Python signal handlers run between any two bytecodes of the
    walk: that is the program's code, mid-walk.  Swap each of the program's handlers for
    one that only notes the signal; ``_undefer_signals`` puts them back and raises the
    noted signals again, so each handler runs once the walk is over.  (Ctrl-C's default
    handler stays: a KeyboardInterrupt just stops the capture, which restores all.)
    Returns (saved handlers, noted signals)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    saved = {}
    noted = []

    def note(signum, frame):
        noted.append(signum)
    for sig in signal.valid_signals():
        try:
            h = signal.getsignal(sig)
        except (ValueError, OSError):
            continue
        if callable(h) and h is not signal.default_int_handler:
            try:
                signal.signal(sig, note)
            except (ValueError, OSError, RuntimeError):
                continue
            saved[sig] = h
    return saved, noted


def _undefer_signals(deferred):
    if not deferred:
        return
    saved, noted = deferred
    for sig, h in saved.items():
        signal.signal(sig, h)
    for sig in dict.fromkeys(noted):
        signal.raise_signal(sig)


#: bytes per system call when a ``MemFile`` is written out
BATCH = 8 << 20


class MemFile:
    """A write-only file in memory: the walk writes its snapshot here (writing to a real
    file would release the GIL), ``dump`` copies it to disk after the walk."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def write(self, b):
        b = bytes(b)
        self.parts.append(b)
        self.size += len(b)
        return len(b)

    def tell(self):
        return self.size

    def copy_to(self, f, batch=BATCH):
        """Write everything to the unbuffered file ``f`` in writes of about ``batch``
        bytes, dropping the parts as they go.  Few system calls: each one releases the
        GIL, and while a busy thread holds it the capture waits a switch interval or
        more to get it back (a 2.6 MB snapshot written in 8 KiB pieces took 6 s next to
        three spinning threads)."""
        parts = self.parts
        self.parts = []
        parts.reverse()
        while parts:
            group, size = [], 0
            while parts and size < batch:
                group.append(parts.pop())
                size += len(group[-1])
            data = memoryview(b''.join(group))
            del group
            while data:
                data = data[f.write(data):]


#: zlib.crc32 and hashlib release the GIL for buffers above a few KiB: feed them less
PIECE = 4096


def crc32(b, crc):
    """``zlib.crc32(b, crc)`` without releasing the GIL."""
    if len(b) <= PIECE:
        return zlib.crc32(b, crc)
    mv = memoryview(b)
    for i in range(0, len(mv), PIECE):
        crc = zlib.crc32(mv[i:i + PIECE], crc)
    return crc
