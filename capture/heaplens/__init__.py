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
import time

from ._walk import walk
from ._writer import Writer

__version__ = '0.1.0'
AGENT = 'heaplens-capture ' + __version__

__all__ = ['dump', 'AGENT']


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


def dump(path, name=None, collect=True, chunk=65536, previews=True, unreachable=True,
         _frame=None):
    """Write a snapshot of the calling process's heap to ``path``.

    ``name`` is stored in META.  ``collect`` runs ``gc.collect()`` first, as
    heapy's ``heap()`` does.  ``previews`` writes the ``prev`` section (value
    texts for heapy's ``byid``), ``unreachable`` the objects of heapy's
    ``heapu()`` (``unrc``); when tracemalloc is tracing, allocation sites are
    written too (``prod``).  The file is written to ``path + '.tmp'`` and
    renamed into place.  Returns a dict of statistics (objects, edges,
    strings, types, materialized_dicts, unreachable, previews, producers,
    duration_s, bytes).
    """
    if sys.implementation.name != 'cpython':
        raise RuntimeError('heaplens captures CPython heaps only')
    caller = _frame if _frame is not None else sys._getframe(1)
    path = os.fspath(path)
    t0 = time.time()
    c0 = time.perf_counter()
    if collect:
        gc.collect()
    old_interval = sys.getswitchinterval()
    was_enabled = gc.isenabled()
    tmp = path + '.tmp'
    try:
        sys.setswitchinterval(1000.0)  # keep other threads still meanwhile
        gc.disable()
        with open(tmp, 'wb') as f:
            w = Writer(f)
            stats = walk(w, caller, chunk=chunk, previews=previews,
                         unreachable=unreachable)
            stats['duration_s'] = time.perf_counter() - c0
            meta = _meta(name, t0)
            meta['duration_s'] = stats['duration_s']
            meta['materialized_dicts'] = stats['materialized_dicts']
            w.meta(meta)
            w.finish()
            stats['bytes'] = f.tell()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    finally:
        del caller
        sys.setswitchinterval(old_interval)
        if was_enabled:
            gc.enable()
    return stats
