"""In-process ``heaplens.dump()`` of the 1M service heap while two threads allocate all the
time: how long the calling thread waits (``Quiet``'s raised switch interval, issue 18).

    python bench/busy_dump.py
"""
import os
import sys, time, threading
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, '..', 'capture')]
import heaplens, service_heap
pkg = service_heap.build(1000000)
stop = threading.Event()
def alloc():
    x = []
    while not stop.is_set():
        x.append({'k': [1, 2]})
        if len(x) > 5000: x = []
for _ in range(2): threading.Thread(target=alloc, daemon=True).start()
for i in range(3):
    t = time.perf_counter(); st = heaplens.dump(os.path.join('/tmp', 'heaplens-busy-%d.hls' % os.getpid()), collect=False)
    print('in-process dump %.2f s, walk %.2f s, %d objects' % (time.perf_counter() - t, st['duration_s'], st['objects']), flush=True)
