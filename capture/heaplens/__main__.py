"""Command line: ``python -m heaplens run [--out FILE] [--name NAME] [--trace [--trace-frames N]]
[--values all|none|redact] [--every INTERVAL [--out-dir DIR]] script.py [args...]``
and ``python -m heaplens upload FILE --server URL [--name NAME] [--token TOKEN]``.

``--trace`` starts ``tracemalloc`` (keeping N frames, default 1) before the script
runs, so the snapshot records each object's allocation site (``prod``, heapy's
``byprod``).

Runs the script as module ``__main__`` (like ``python script.py``) and, when it exits
(normally, by ``sys.exit`` or by an uncaught exception), writes a snapshot of
its heap to FILE (default ``<script>.hls``).  The snapshot is taken from an
``atexit`` hook, so the script's module globals are still alive but its frames
have returned.

``--every 10s`` (also ``500ms``, ``2m``, or plain seconds) instead writes a series:
a snapshot every interval from a background thread while the script runs, and one
at exit, into DIR (default ``<script>.samples``), named
``<script>-<NNNN>-<unix time>.hls`` (sample number and sample time).  The heaplens
server groups the snapshots of one process (same host, pid and process start) into
a series and shows it on its timeline page.  See ``capture/README.md`` for what a
sample taken while the script runs can and cannot promise.
"""

import argparse
import atexit
import os
import builtins
import io
import re
import sys
import threading
import time
import types

from . import AGENT, dump
from . import _upload


def interval(text):
    """Seconds from ``10s``, ``0.2s``, ``500ms``, ``2m`` or ``1.5`` (seconds)."""
    m = re.fullmatch(r'\s*([0-9]*\.?[0-9]+)\s*(ms|s|m|h)?\s*', text)
    if not m or float(m.group(1)) <= 0:
        raise argparse.ArgumentTypeError(
            'expected a positive interval like 10s, 0.2s, 500ms or 2m, not %r' % text)
    return float(m.group(1)) * {'ms': 0.001, 's': 1, None: 1, 'm': 60, 'h': 3600}[m.group(2)]


def _report(path, stats):
    sys.stderr.write('heaplens: wrote %s (%d objects, %d bytes, %.2fs)\n' % (
        path, stats['objects'], stats['bytes'], stats['duration_s']))


class _Sampler:
    """Dumps a numbered snapshot every ``every`` seconds from a daemon thread, and one
    more at exit (after stopping the thread, so two dumps never overlap)."""

    def __init__(self, out_dir, stem, name, every, values='all'):
        self.out_dir, self.stem, self.name, self.every = out_dir, stem, name, every
        self.values = values
        self.n = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._loop, name='heaplens-sampler', daemon=True)

    def sample(self, frame):
        with self.lock:
            self.n += 1
            t = time.time()
            path = os.path.join(self.out_dir, '%s-%04d-%.3f.hls' % (self.stem, self.n, t))
            _report(path, dump(path, name='%s sample %d' % (self.name, self.n), _frame=frame, values=self.values))

    def _loop(self):
        # a fixed rate: sample k is due `k * every` after the start, however long dumps take
        start, k = time.monotonic(), 1
        while not self.stop.wait(max(0.0, start + k * self.every - time.monotonic())):
            self.sample(sys._getframe())
            k = max(k + 1, int((time.monotonic() - start) / self.every) + 1)

    def at_exit(self):
        self.stop.set()
        self.thread.join()
        self.sample(sys._getframe())


def _run(a):
    script = a.script
    stem = os.path.splitext(os.path.basename(script))[0]
    out = a.out or stem + '.hls'
    out = os.path.abspath(out)
    sys.argv = [script] + a.args
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))

    def at_exit():
        _report(out, dump(out, name=a.name or os.path.basename(script), values=a.values))
    if a.every is not None:
        out_dir = os.path.abspath(a.out_dir or stem + '.samples')
        os.makedirs(out_dir, exist_ok=True)
        sampler = _Sampler(out_dir, stem, a.name or os.path.basename(script), a.every, a.values)
        atexit.register(sampler.at_exit)
        sampler.thread.start()
    else:
        atexit.register(at_exit)
    if a.trace:
        import tracemalloc
        tracemalloc.start(a.trace_frames)
    # like `python script.py`: a fresh __main__ module that stays alive for the dump
    mod = types.ModuleType('__main__')
    mod.__file__ = os.path.abspath(script)
    mod.__builtins__ = builtins
    sys.modules['__main__'] = mod
    with io.open_code(mod.__file__) as f:
        code = compile(f.read(), script, 'exec')
    exec(code, mod.__dict__)


def main(argv=None):
    ap = argparse.ArgumentParser(prog='python -m heaplens', description=AGENT)
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run', help='run a script and dump its heap at exit')
    r.add_argument('--out', '-o', help='snapshot file (default: <script>.hls)')
    r.add_argument('--name', help='name stored in the snapshot META')
    r.add_argument('--trace', action='store_true',
                   help='start tracemalloc before the script (allocation sites: byprod)')
    r.add_argument('--trace-frames', type=int, default=1, metavar='N',
                   help='frames tracemalloc keeps per allocation (default 1)')
    r.add_argument('--values', choices=('all', 'none', 'redact'), default='all',
                   help='data strings: all, none, or redact (length and hash; docs/redaction.md)')
    r.add_argument('--every', type=interval, metavar='INTERVAL',
                   help='also dump a snapshot every INTERVAL while the script runs (10s, 500ms, 2m)')
    r.add_argument('--out-dir', metavar='DIR',
                   help='folder of the --every snapshots (default: <script>.samples)')
    r.add_argument('script')
    r.add_argument('args', nargs=argparse.REMAINDER)
    _upload.add_parser(sub)
    a = ap.parse_args(argv)
    if a.cmd == 'run' and a.out_dir and a.every is None:
        ap.error('--out-dir needs --every')
    if a.cmd == 'run':
        _run(a)
    elif a.cmd == 'upload':
        sys.exit(_upload.main(a))


if __name__ == '__main__':
    main()
