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

    Why not simply a huge interval: a thread that was already waiting for the GIL when
    the interval was raised still times out after the old, short interval and asks for
    the GIL; it then keeps it for the new interval if it never blocks (a busy thread).
    So the interval is finite (``hold_interval``: longer than the walk, so no waiting
    thread asks for the GIL during it) and the walk starts only after a short spin in
    which such requests are served: a busy thread may run once, for at most the hold
    interval, before the walk; the walk itself then runs alone."""

    def __init__(self, timeout=None, rate=RATE_PURE):
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.timeout = timeout
        self.rate = rate

    def __enter__(self):
        self.interval = sys.getswitchinterval()
        self.gc_was_enabled = gc.isenabled()
        self.deferred = _defer_signals()
        gc.disable()
        sys.setswitchinterval(hold_interval(self.timeout, self.rate))
        # serve the requests of threads that were waiting with the old interval now
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

    def copy_to(self, f):
        """Write everything to file ``f``, dropping each part as it goes."""
        parts = self.parts
        self.parts = []
        parts.reverse()
        while parts:
            f.write(parts.pop())


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
