"""heaplens capture agent: write a heapy-compatible heap snapshot of this process.

    import heaplens
    heaplens.dump('app.hls', name='after warm-up')

The snapshot holds every object that heapy's ``hp.Root`` reaches, with its
address, type label, ``sys.getsizeof`` size and every reference under heapy's
edge name; see ``docs/format.md`` for the file format and ``capture/README.md``
for what is captured and how it differs from heapy.  Standard library only.
"""

import gc
import os
import socket
import sys
import tempfile
import time

from . import _redact
from ._upload import UploadError, upload
from ._guard import CaptureTimeout, MemFile, Quiet
from ._identity import Tracker, process, reference
from . import _fork
from ._fork import WATCHDOG, CaptureError, ForkedDump
from . import _walk
from ._walk import walk
from . import _native  # noqa: F401  (walk uses the native walker when it imports)
from ._writer import Writer

__version__ = '0.1.0'
AGENT = 'heaplens-capture ' + __version__

__all__ = ['dump', 'setref', 'reference', 'upload', 'UploadError', 'CaptureTimeout',
           'CaptureError', 'ForkedDump', 'AGENT']


def _process_start():
    """When this process started, Unix seconds: from /proc on Linux, else the time this
    module was first imported (the same for every snapshot of one process either way)."""
    try:
        with open('/proc/self/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        with open('/proc/stat') as f:
            btime = next(int(line.split()[1]) for line in f if line.startswith('btime'))
        return btime + int(fields[19]) / os.sysconf('SC_CLK_TCK')
    except Exception:
        return _IMPORTED


_IMPORTED = time.time()
_PROCESS_START = _process_start()


def _meta(name, t0):
    return {
        'agent': AGENT,
        'python': sys.version,
        'python_version': list(sys.version_info[:3]),
        'implementation': sys.implementation.name,
        'platform': sys.platform,
        'pid': os.getpid(),
        'argv': [str(a) for a in sys.argv],
        'hostname': socket.gethostname(),
        'executable': sys.executable,
        'time': t0,
        'name': name,
        'process_start': _PROCESS_START,
    }


def dump(path=None, name=None, collect=True, chunk=65536, previews=True, unreachable=True,
         _frame=None, *, values='all', url=None, token=None, timeout=None, track=False,
         fork=False, watchdog=None, on_done=None):
    """Write a snapshot of the calling process's heap to ``path``.

    ``values``: ``'all'`` (every value preview and dict key, as heapy shows them),
    ``'redact'`` (data strings replaced by ``<redacted len=N sha256=H>``) or
    ``'none'`` (no data strings); see ``docs/redaction.md``.  ``url``: upload the
    snapshot to the heaplens server at that base URL (streamed from the file; with
    no ``path`` a temporary file is used and removed) and return the server's
    snapshot info instead of the statistics; ``token`` (default
    ``$HEAPLENS_TOKEN``) is sent as ``Authorization: Bearer``.  A refused upload
    raises :class:`UploadError` with the server's message.

    ``name`` is stored in META.  ``collect`` runs ``gc.collect()`` first, as
    heapy's ``heap()`` does.  ``previews`` writes the ``prev`` section (value
    texts for heapy's ``byid``), ``unreachable`` the objects of heapy's
    ``heapu()`` (``unrc``); when tracemalloc is tracing, allocation sites are
    written too (``prod``).  The file is written to ``path + '.tmp'`` and
    renamed into place.  Returns a dict of statistics (objects, edges,
    strings, types, materialized_dicts, unreachable, previews, producers,
    duration_s, bytes, capture_seq).

    The walk holds the GIL from its first object to its last (no other thread runs
    meanwhile) and writes into memory; the file is written after it, with the
    program's switch interval and GC settings restored.  ``timeout`` (seconds): a
    walk still running then stops with :class:`CaptureTimeout`; nothing is written
    and the settings are restored.

    Every object is marked with the capture since which the agent has seen it
    (``seen``); after ``setref()`` the marks say which objects existed at the
    reference point (heaplens's ``heapnew`` query), see ``docs/identity.md``.
    ``track=True`` keeps this capture's identities (addresses, types, sizes, weak
    references: about 30-100 bytes per object, docs/identity.md) so that a later dump
    can be compared with it (``heaplens newobjects``); by default a dump keeps no
    per-object state once it returns.

    ``fork=True``: the low-pause mode (``docs/fork.md``).  The process forks (a raw
    ``fork()``: the other threads' frames stay in the child's copy of the heap) and goes
    on at once; the child walks, writes the file and exits.  Returns a
    :class:`ForkedDump` (``pid``, ``path``, ``pause_s``, ``done()``, ``wait()``, which
    returns the statistics or raises ``CaptureError``/``CaptureTimeout``);
    ``on_done(handle)`` is called from the agent's thread when the child has finished.
    ``watchdog`` (seconds, default 600) ends a child that is still running then (a lock
    held by another thread at the fork) with a ``CaptureError``.  Not with ``track``.
    """
    if sys.implementation.name != 'cpython':
        raise RuntimeError('heaplens captures CPython heaps only')
    _redact.check_mode(values)
    if fork and track:
        raise ValueError("dump(fork=True) cannot keep identities (track=True): the forked "
                         "child's state ends with it; track with an in-process dump")
    temporary = path is None
    if temporary:
        if url is None:
            raise TypeError('dump() needs a path or a url')
        fd, path = tempfile.mkstemp(prefix='heaplens-', suffix='.hls')
        os.close(fd)
    caller = _frame if _frame is not None else sys._getframe(1)
    keep = track
    path = os.fspath(path)
    t0 = time.time()
    c0 = time.perf_counter()
    if collect:
        gc.collect()
    meta = _meta(name, t0)  # before the walk: gethostname() releases the GIL
    tmp = path + '.tmp'
    if fork:
        try:
            return _forked(path, tmp, temporary, caller, meta, c0, chunk, previews,
                           unreachable, values, timeout, watchdog, on_done, url, name, token)
        finally:
            del caller
    track = buf = None
    try:
        buf = MemFile()
        with Quiet(timeout, _walk.rate(values)) as q:
            track = Tracker(is_setref=False, keep=keep)
            stats = _capture(buf, caller, meta, c0, track, q, 2, chunk, previews, unreachable,
                             values)
            stats['bytes'] = buf.size
        # the program's settings are back: a thread that takes the GIL while the file
        # is written gives it back after its usual switch interval
        with open(tmp, 'wb', buffering=0) as f:
            buf.copy_to(f)
        os.replace(tmp, path)
    except BaseException:
        for p in (tmp, path) if temporary else (tmp,):
            try:
                os.unlink(p)
            except OSError:
                pass
        raise
    finally:
        del caller, track, buf
    if url is not None:
        try:
            return upload(path, url, name=name or 'python-%d' % os.getpid(), token=token)
        finally:
            if temporary:
                os.unlink(path)
    return stats


def _capture(f, caller, meta, c0, track, guard, agent_frames, chunk, previews, unreachable,
             values):
    """The walk and the file's last sections, into ``f``; returns the statistics.  (Plain
    parameters: a ``**kw`` dict would be one more object of the agent's in the heap.)"""
    w = Writer(f)
    stats = walk(w, caller, chunk=chunk, previews=previews, unreachable=unreachable,
                 values=values, track=track, guard=guard, _agent_frames=agent_frames)
    stats['duration_s'] = time.perf_counter() - c0
    meta['duration_s'] = stats['duration_s']
    meta['materialized_dicts'] = stats['materialized_dicts']
    _redact.meta(meta, values)
    meta.update(track.meta())
    stats['capture_seq'] = track.seq
    track.finish()
    w.meta(meta)
    w.finish()
    return stats


def _forked(path, tmp, temporary, caller, meta, c0, chunk, previews, unreachable, values,
            timeout, watchdog, on_done, url, name, token):
    """``dump(fork=True)``: see ``_fork.py``."""
    p = process()

    def child():
        track = Tracker(is_setref=False, keep=False, proc=p)
        with open(tmp, 'wb') as f:
            # the agent's frames above the walk: child, _fork.start, _forked, dump
            stats = _capture(f, caller, meta, c0, track, Quiet(timeout), 4, chunk, previews,
                             unreachable, values)
        stats['bytes'] = os.path.getsize(tmp)
        os.replace(tmp, path)
        return stats

    def cleanup():
        for q in (tmp, path) if temporary else (tmp,):
            try:
                os.unlink(q)
            except OSError:
                pass

    def after(stats):
        if url is None:
            return stats
        try:
            return upload(path, url, name=name or 'python-%d' % os.getpid(), token=token)
        finally:
            if temporary:
                os.unlink(path)
    handle = _fork.start(child, path, cleanup, WATCHDOG if watchdog is None else watchdog,
                         on_done, after)
    p.seq += 1  # the child's capture had this number
    return handle


class _Sink:
    """A file that forgets what is written to it (setref walks without a file)."""

    def write(self, b):
        return len(b)

    def tell(self):
        return 0


def setref(collect=True, _frame=None, timeout=None):
    """Set a reference point, like heapy's ``hp.setref()``: later dumps mark which
    objects already existed now (the query ``heapnew`` shows the others).

    Walks the heap from heapy's root, as ``hp.setref()`` does with ``hp.heap()``,
    but keeps no object alive: it records addresses, type addresses and sizes, and
    weak references to the objects that support them (docs/identity.md).  The
    objects this call creates are the agent's own and hidden from later dumps;
    instance ``__dict__``s it materialises exist at the reference point, as with
    heapy.  Returns {'seq', 'time', 'objects'}.
    """
    if sys.implementation.name != 'cpython':
        raise RuntimeError('heaplens captures CPython heaps only')
    caller = _frame if _frame is not None else sys._getframe(1)
    if collect:
        gc.collect()
    track = None
    try:
        with Quiet(timeout, _walk.rate('all')) as q:
            track = Tracker(is_setref=True)
            walk(Writer(_Sink()), caller, previews=False, producers=False,
                 unreachable=False, track=track, guard=q)
            track.finish()
    finally:
        del caller, track
    return reference()
