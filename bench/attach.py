"""`heaplens attach` against a running service heap: wall time and the target's pause,
beside what `heaplens.dump()` inside the same kind of process costs.

    python bench/attach.py --heaplens target/release/heaplens [--sizes 1000000 3000000]
        [--python PYTHON] [--repeat 3] [--fork] [--root ROOT]

For each size, a target process (PYTHON, default this one) builds `service_heap.build(N)`,
starts a ticker thread that sleeps 1 ms in a loop and records the longest gap between
ticks, and waits. heaplens attaches (gdb before 3.14; PEP 768, or gdb when the target does
not answer, from 3.14). The pause is the longest tick gap during the attach (the target's
threads do not run while the capture holds the GIL, nor while gdb stops the process). Then
the target runs `heaplens.dump()` itself (imported from capture/, the native walker when
PYTHON can import it) and reports that dump's duration and tick gap: the in-process cost.
Prints a Markdown table.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE = os.path.join(os.path.dirname(HERE), 'capture')

TARGET = r'''
import json, os, signal, sys, threading, time
sys.path.insert(0, %(here)r)
import service_heap
service_heap.build(%(n)d)
gap = [0.0]
def ticker():
    last = time.perf_counter()
    while True:
        time.sleep(0.001)
        now = time.perf_counter()
        gap[0] = max(gap[0], now - last)
        last = now
threading.Thread(target=ticker, daemon=True).start()
def report(*_):
    with open(%(out)r + '.tmp', 'w') as f:
        json.dump({'gap': gap[0]}, f)
    os.replace(%(out)r + '.tmp', %(out)r)
    gap[0] = 0.0
def inside(*_):
    sys.path.insert(0, %(capture)r)
    import heaplens
    gap[0] = 0.0
    t0 = time.perf_counter()
    st = heaplens.dump(%(snap)r)
    dt = time.perf_counter() - t0
    time.sleep(0.05)
    with open(%(out)r + '.tmp', 'w') as f:
        json.dump({'dump_s': dt, 'gap': gap[0], 'objects': st['objects'],
                   'walker': st.get('walker', 'python')}, f)
    os.replace(%(out)r + '.tmp', %(out)r)
signal.signal(signal.SIGUSR1, report)
signal.signal(signal.SIGUSR2, inside)
print('ready', flush=True)
while True:
    time.sleep(0.05)
'''


def ask(p, sig, out):
    if os.path.exists(out):
        os.unlink(out)
    p.send_signal(sig)
    while not os.path.exists(out):
        assert p.poll() is None, 'the target died'
        time.sleep(0.05)
    with open(out) as f:
        return json.load(f)


def one(heaplens, python, n, tmp, fork=False, root=None):
    """One attach and one in-process dump of an N-object target.  ``root``: the target runs
    in that root filesystem (``chroot ROOT PYTHON``; the bench files are copied under it)."""
    inside = tmp if root is None else '/tmp/heaplens-attach-bench'
    host = inside if root is None else os.path.join(root, inside.lstrip('/'))
    here, capture = HERE, CAPTURE
    if root is not None:
        import shutil
        here, capture = inside + '/bench', inside + '/capture'
        shutil.rmtree(host, ignore_errors=True)
        os.makedirs(host + '/bench')
        shutil.copy(os.path.join(HERE, 'service_heap.py'), host + '/bench/')
        shutil.copytree(os.path.join(CAPTURE, 'heaplens'), host + '/capture/heaplens')
    out = os.path.join(inside, 'report-%d.json' % n)
    snap = os.path.join(inside, 'inside-%d.hls' % n)
    script = os.path.join(inside, 'target-%d.py' % n)
    with open(os.path.join(host, 'target-%d.py' % n), 'w') as f:
        f.write(TARGET % {'here': here, 'n': n, 'out': out, 'capture': capture, 'snap': snap})
    out = os.path.join(host, 'report-%d.json' % n)
    argv = [python, script] if root is None else ['chroot', root, python, script]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE)
    try:
        assert p.stdout.readline() == b'ready\n'
        ask(p, signal.SIGUSR1, out)  # reset the gap after building
        t0 = time.perf_counter()
        r = subprocess.run([heaplens, 'attach', str(p.pid), '--out', os.path.join(tmp, 'attach-%d.hls' % n)]
                           + (['--fork'] if fork else []), capture_output=True, text=True)
        wall = time.perf_counter() - t0
        assert r.returncode == 0, r.stderr
        route = 'PEP 768' if 'PEP 768' in r.stderr else 'gdb'
        objects = int(r.stdout.split(': ')[1].split()[0])
        pause = ask(p, signal.SIGUSR1, out)['gap']
        inside = ask(p, signal.SIGUSR2, out)
        return {'n': n, 'objects': objects, 'wall': wall, 'pause': pause, 'route': route,
                'inside_dump': inside['dump_s'], 'inside_pause': inside['gap'], 'walker': inside['walker']}
    finally:
        p.kill()
        p.wait()


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('--heaplens', required=True)
    ap.add_argument('--python', default=sys.executable)
    ap.add_argument('--sizes', type=int, nargs='+', default=[1_000_000, 3_000_000])
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--tmp', default='/tmp/heaplens-attach-bench')
    ap.add_argument('--fork', action='store_true', help='attach --fork (needs the native walker in PYTHON)')
    ap.add_argument('--root', help='run the target in this root filesystem (chroot ROOT PYTHON), '
                                   'e.g. scripts/py-chroot.sh\'s Debian testing for 3.14/3.15')
    a = ap.parse_args(argv)
    os.makedirs(a.tmp, exist_ok=True)
    version = subprocess.run((['chroot', a.root] if a.root else []) + [a.python, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
                             capture_output=True, text=True).stdout.strip()
    print('| CPython | target objects | route | attach wall (min/med/max s) | target pause during attach (s) '
          '| dump() inside (s) | pause of dump() inside (s) | walker |')
    print('|---|---|---|---|---|---|---|---|')
    for n in a.sizes:
        runs = [one(a.heaplens, a.python, n, a.tmp, a.fork, a.root) for _ in range(a.repeat)]
        walls = sorted(r['wall'] for r in runs)
        pauses = sorted(r['pause'] for r in runs)
        inside = sorted(r['inside_dump'] for r in runs)
        ipause = sorted(r['inside_pause'] for r in runs)
        med = lambda xs: xs[len(xs) // 2]  # noqa: E731
        print('| %s | %d | %s | %.2f / %.2f / %.2f | %.2f (max %.2f) | %.2f | %.2f | %s |' % (
            version, runs[0]['objects'], runs[0]['route'] + (' --fork' if a.fork else ''), walls[0], med(walls), walls[-1],
            med(pauses), pauses[-1], med(inside), med(ipause), runs[0]['walker']))
        sys.stdout.flush()


if __name__ == '__main__':
    main(sys.argv[1:])
