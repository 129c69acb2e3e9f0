"""In-process ``heaplens.dump()`` of the 1M service heap while other threads allocate or
spin: how long the calling thread waits (``Quiet``'s raised switch interval, issue 18).

    python bench/busy_dump.py [--old REV] [--rounds N] [--size N] [--threads alloc|spin]

Each round starts one fresh interpreter per agent (this checkout's ``capture/``, and with
``--old`` the agent of git revision REV, the two alternating so machine noise falls on
both) that builds the service heap (not timed), starts two busy threads (``alloc``: they
allocate dicts all the time; ``spin``: pure bytecode loops) and times three ``dump()``
calls from a new thread.  Prints each dump's seconds and, per agent, the median and the
worst.  A dump that waited a whole hold interval shows as one far above the median.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHILD = r'''
import os, sys, time, threading
agent, size, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path[:0] = [%(bench)r, agent]
import heaplens, service_heap
pkg = service_heap.build(size)
stop = threading.Event()
def alloc():
    x = []
    while not stop.is_set():
        x.append({'k': [1, 2]})
        if len(x) > 5000: x = []
def spin():
    x = 0
    while not stop.is_set():
        x += 1
for _ in range(2):
    threading.Thread(target=alloc if kind == 'alloc' else spin, daemon=True).start()
out = []
def run():
    for i in range(3):
        t = time.perf_counter()
        heaplens.dump('/tmp/heaplens-busy-%%d.hls' %% os.getpid(), collect=False)
        out.append(time.perf_counter() - t)
th = threading.Thread(target=run)
th.start()
th.join()
stop.set()
os.unlink('/tmp/heaplens-busy-%%d.hls' %% os.getpid())
print(' '.join('%%.2f' %% s for s in out))
''' % {'bench': HERE}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--old', help='git revision whose agent runs alongside')
    ap.add_argument('--rounds', type=int, default=2)
    ap.add_argument('--size', type=int, default=1000000)
    ap.add_argument('--threads', choices=('alloc', 'spin'), default='alloc')
    a = ap.parse_args()
    agents = [('this checkout', os.path.join(ROOT, 'capture'))]
    tmp = tempfile.mkdtemp(prefix='heaplens-busy-')
    if a.old:
        archive = subprocess.run(['git', '-C', ROOT, 'archive', a.old, 'capture/heaplens'],
                                 check=True, capture_output=True).stdout
        subprocess.run(['tar', '-x', '-C', tmp], input=archive, check=True)
        agents.append((a.old, os.path.join(tmp, 'capture')))
    times = {label: [] for label, _ in agents}
    for r in range(a.rounds):
        for label, path in agents:
            res = subprocess.run([sys.executable, '-c', CHILD, path, str(a.size), a.threads],
                                 capture_output=True, text=True, timeout=1800)
            if res.returncode:
                sys.exit(res.stderr)
            got = [float(x) for x in res.stdout.split()]
            times[label] += got
            print('round %d, %s: %s s' % (r + 1, label, ' '.join('%.2f' % s for s in got)),
                  flush=True)
    for label, got in times.items():
        print('%s: median %.2f s, worst %.2f s over %d dumps' % (
            label, statistics.median(got), max(got), len(got)))


if __name__ == '__main__':
    main()
