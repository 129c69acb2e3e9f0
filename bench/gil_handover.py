"""How often a capture loses its raised switch interval to a busy thread (``Quiet``,
issue 18), this checkout's agent against an older revision's, in the same run.

    python bench/gil_handover.py [--old REV] [--busy 3] [--trials 40] [--hold 1.0]

For each agent a fresh interpreter builds 200,000 objects, starts BUSY threads that spin
in bytecode, then, from a new thread, TRIALS times: lets the others run 50 ms, calls
``gc.collect()`` (as ``dump()`` does first), enters the agent's ``_guard.Quiet`` with its
hold interval set to HOLD seconds, runs 100 ms of bytecode as a walk would, and leaves.
A trial is *lost* when entering or the "walk" waited longer than half the hold interval:
a busy thread kept the GIL for it.  Prints, per agent, the trials lost, the median wait,
the longest, and how many trials were held up in the walk itself (a gap over a quarter of
the hold interval: a thread ran in the middle of the walk).
"""

import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r'''
import gc, statistics, sys, threading, time, _thread
agent, busy, trials, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
sys.path.insert(0, agent)
from heaplens import _guard
_guard.hold_interval = lambda *a: hold
heap = [{'k': [i]} for i in range(100000)]
def spin():
    x = 0
    while True:
        x += 1
for i in range(busy):
    threading.Thread(target=spin, daemon=True).start()
time.sleep(0.2)
done = threading.Event()
waits = []
def run():
    for trial in range(trials):
        time.sleep(0.05)
        gc.collect()
        t = time.perf_counter()
        with _guard.Quiet():
            enter = time.perf_counter() - t
            gap, last = 0.0, time.perf_counter()
            end = last + 0.1
            while last < end:
                now = time.perf_counter()
                gap, last = max(gap, now - last), now
        waits.append((enter, gap))
    done.set()
_thread.start_new_thread(run, ())
done.wait()
print(sum(max(w) > hold / 2 for w in waits), statistics.median(max(w) for w in waits),
      max(max(w) for w in waits), sum(w[1] > hold / 4 for w in waits))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--old', help='git revision whose agent runs alongside')
    ap.add_argument('--busy', type=int, default=3)
    ap.add_argument('--trials', type=int, default=40)
    ap.add_argument('--hold', type=float, default=1.0)
    a = ap.parse_args()
    agents = [('this checkout', os.path.join(ROOT, 'capture'))]
    if a.old:
        tmp = tempfile.mkdtemp(prefix='heaplens-gil-')
        archive = subprocess.run(['git', '-C', ROOT, 'archive', a.old, 'capture/heaplens'],
                                 check=True, capture_output=True).stdout
        subprocess.run(['tar', '-x', '-C', tmp], input=archive, check=True)
        agents.append((a.old, os.path.join(tmp, 'capture')))
    for label, path in agents:
        out = subprocess.run([sys.executable, '-c', CHILD, path, str(a.busy), str(a.trials),
                              str(a.hold)], capture_output=True, text=True, check=True).stdout
        lost, median, worst, in_walk = out.split()
        print('%s: %s of %d lost the hold interval; median wait %.3f s, longest %.2f s; '
              '%s of them waited in the walk' % (label, lost, a.trials, float(median),
                                                 float(worst), in_walk), flush=True)


if __name__ == '__main__':
    main()
