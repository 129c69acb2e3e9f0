"""Command line: ``python -m heaplens run [--out FILE] [--name NAME] [--trace [--trace-frames N]] [--values all|none|redact] script.py [args...]``
and ``python -m heaplens upload FILE --server URL [--name NAME] [--token TOKEN]``.

``--trace`` starts ``tracemalloc`` (keeping N frames, default 1) before the script
runs, so the snapshot records each object's allocation site (``prod``, heapy's
``byprod``).

Runs the script as module ``__main__`` (like ``python script.py``) and, when it exits
(normally, by ``sys.exit`` or by an uncaught exception), writes a snapshot of
its heap to FILE (default ``<script>.hls``).  The snapshot is taken from an
``atexit`` hook, so the script's module globals are still alive but its frames
have returned.
"""

import argparse
import atexit
import os
import builtins
import io
import sys
import types

from . import AGENT, dump
from . import _upload


def _run(a):
    script = a.script
    out = a.out or os.path.splitext(os.path.basename(script))[0] + '.hls'
    out = os.path.abspath(out)
    sys.argv = [script] + a.args
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))

    def at_exit():
        stats = dump(out, name=a.name or os.path.basename(script), values=a.values)
        sys.stderr.write('heaplens: wrote %s (%d objects, %d bytes, %.2fs)\n' % (
            out, stats['objects'], stats['bytes'], stats['duration_s']))
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
    r.add_argument('script')
    r.add_argument('args', nargs=argparse.REMAINDER)
    _upload.add_parser(sub)
    a = ap.parse_args(argv)
    if a.cmd == 'run':
        _run(a)
    elif a.cmd == 'upload':
        sys.exit(_upload.main(a))


if __name__ == '__main__':
    main()
