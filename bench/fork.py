"""``dump(fork=True)`` on the service heap (issue 13 item 3): how long the program pauses.

    python bench/fork.py [SIZE ...] [--repeat N] [--threads T]

Per SIZE (default 1,000,000 and 3,000,000), in one process per size: builds
``bench/service_heap.py``'s heap, starts T (default 2) threads that allocate all the time,
then N times (default 5): ``heaplens.dump(fork=True, collect=False)``, waits for the child.
Reports the process's RSS, the fork's pause (``ForkedDump.pause_s``: the program is held
only for the ``fork()`` call) and the pause per GiB of RSS, the ``dump()`` call as the
caller sees it, the child's walk, and what copy-on-write cost the child (its private dirty
memory at the end).  Then one in-process ``dump()`` (the pause without ``fork``).  Needs
``heaplens_native`` for this interpreter.  Prints a Markdown table row per size.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

ONE = r'''
import gc, os, platform, statistics, sys, tempfile, threading, time
sys.path[:0] = [%(here)r, os.path.join(%(here)r, '..', 'capture')]
import heaplens, service_heap
from heaplens import _native
assert _native.NATIVE, _native.WHY
pkg = service_heap.build(%(size)d)
stop = threading.Event()
def alloc():
    x = []
    while not stop.is_set():
        x.append({'k': [1, 2]})
        if len(x) > 5000:
            x = []
threads = [threading.Thread(target=alloc, daemon=True) for _ in range(%(threads)d)]
for t in threads:
    t.start()
out = tempfile.mkdtemp(prefix='hlfork-')
path = os.path.join(out, 'f.hls')
heaplens.dump(path)  # materialises instance dicts, as heapy would
def rss():
    with open('/proc/self/status') as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith('VmRSS:'))
pauses, calls, walks, dirty = [], [], [], []
for _ in range(%(repeat)d):
    t = time.perf_counter()
    h = heaplens.dump(path, fork=True, collect=False)
    calls.append(time.perf_counter() - t)
    st = h.wait()
    pauses.append(h.pause_s)
    walks.append(st['duration_s'])
    dirty.append(st['child_private_dirty'])
r = rss()
t = time.perf_counter()
st = heaplens.dump(path, collect=False)
inproc = time.perf_counter() - t
stop.set()
gib = r / 2**30
print('| %%s | %%s | %%.2f | %%.1f / %%.1f | %%.1f | %%.1f | %%.2f | %%d | %%.2f |' %% (
    platform.python_version(), format(st['objects'], ','), gib,
    statistics.median(pauses) * 1e3, max(pauses) * 1e3, max(pauses) * 1e3 / gib,
    statistics.median(calls) * 1e3, statistics.median(walks), max(dirty) // 2**20, inproc))
'''


def main(argv):
    repeat = int(argv[argv.index('--repeat') + 1]) if '--repeat' in argv else 5
    threads = int(argv[argv.index('--threads') + 1]) if '--threads' in argv else 2
    sizes = [int(a) for a in argv if a.isdigit() and (argv.index(a) == 0 or argv[argv.index(a) - 1]
                                                     not in ('--repeat', '--threads'))]
    sizes = sizes or [1_000_000, 3_000_000]
    print('%d CPUs; %d allocating threads; %d forked captures per size' % (os.cpu_count(), threads, repeat))
    print()
    print('| CPython | objects | RSS GiB | fork pause ms (median / max) | max pause ms per GiB '
          '| dump(fork=True) call ms | child walk+write s | child private dirty MiB '
          '| in-process dump() s |')
    print('|---|---|---|---|---|---|---|---|---|')
    for size in sizes:
        code = ONE % {'here': HERE, 'size': size, 'threads': threads, 'repeat': repeat}
        r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return 1
        print(r.stdout.strip(), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
