"""heaplens vs guppy3 benchmark driver (issue 3); ``scripts/bench.sh`` runs it.

    python bench/run.py [--sizes 1000000,3000000] [--synthetic 10000000] [--quick]
                        [--no-guppy] [--out DIR] [--heaplens PATH] [--timeout S]

Per size, one Python process (``bench/measure_python.py``) builds a service-like heap,
captures it with our agent and times guppy3 on the same heap; then ``heaplens bench``
times load, index, every relation and a query chain on that snapshot. A synthetic
snapshot (``heaplens synth``) is measured the same way. Prints one Markdown table and
the targets, and writes ``results.json`` and ``results.md`` into the output folder.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import report  # noqa: E402


def log(msg):
    print('[bench] ' + msg, file=sys.stderr, flush=True)


def heaplens_bench(exe, snapshot, repeat):
    out = subprocess.run([exe, 'bench', snapshot, '--json', '--repeat', str(repeat)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def run_size(args, size):
    snapshot = os.path.join(args.out, 'service-%d.hls' % size)
    result_path = os.path.join(args.out, 'python-%d.json' % size)
    if os.path.exists(result_path):
        os.unlink(result_path)
    cmd = [sys.executable, os.path.join(HERE, 'measure_python.py'), str(size), snapshot, result_path]
    if args.no_guppy:
        cmd.append('--no-guppy')
    log('size %s: building, capturing%s (one process)' % (f'{size:,}', '' if args.no_guppy else ', guppy3'))
    timeout = args.timeout or 600 + 400 * size / 1e6
    status = 'ok'
    try:
        subprocess.run(cmd, check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        status = 'timed out after %.0f s' % timeout
        log('size %d: %s; keeping what was measured' % (size, status))
    except subprocess.CalledProcessError as e:
        status = 'failed (exit %s)' % e.returncode
        log('size %d: %s' % (size, status))
    py = json.load(open(result_path)) if os.path.exists(result_path) else {}
    py['status'] = status
    hl = None
    if os.path.exists(snapshot):
        log('size %s: heaplens bench %s' % (f'{size:,}', snapshot))
        hl = heaplens_bench(args.heaplens, snapshot, args.repeat)
        if not args.keep:
            os.unlink(snapshot)
    return {'size': size, 'python': py, 'heaplens': hl}


def run_synthetic(args, n):
    path = os.path.join(args.out, 'synthetic-%d.hls' % n)
    log('synthetic %s: heaplens synth' % f'{n:,}')
    t = time.perf_counter()
    subprocess.run([args.heaplens, 'synth', str(n), path], check=True)
    synth_s = time.perf_counter() - t
    log('synthetic %s: heaplens bench' % f'{n:,}')
    hl = heaplens_bench(args.heaplens, path, args.repeat)
    hl['synth_s'] = synth_s
    if not args.keep:
        os.unlink(path)
    return hl


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--sizes', default='1000000,3000000', help='heap sizes to capture, comma-separated')
    p.add_argument('--synthetic', type=int, default=10_000_000, help='synthetic snapshot size (0: none)')
    p.add_argument('--quick', action='store_true', help='smoke test: 200k heap, 1M synthetic')
    p.add_argument('--no-guppy', action='store_true', help='skip guppy3 (heaplens figures only)')
    p.add_argument('--out', default=os.path.join(ROOT, 'target', 'bench'))
    p.add_argument('--heaplens', default=os.path.join(ROOT, 'target', 'release', 'heaplens'))
    p.add_argument('--repeat', type=int, default=3, help='runs per partition (best and median kept)')
    p.add_argument('--timeout', type=float, default=0, help='seconds per size (default 600 + 400 per M)')
    p.add_argument('--keep', action='store_true', help='keep the snapshot files')
    args = p.parse_args()
    if args.quick:
        args.sizes, args.synthetic = '200000', 1_000_000
    os.makedirs(args.out, exist_ok=True)
    started = time.strftime('%Y-%m-%d %H:%M')
    runs = [run_size(args, int(s)) for s in args.sizes.split(',') if s]
    synthetic = run_synthetic(args, args.synthetic) if args.synthetic else None
    machine = '%d cores, %s, Python %s, %.0f GiB' % (
        os.cpu_count(), platform.machine(), platform.python_version(),
        os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)
    shown = [a for i, a in enumerate(sys.argv[1:]) if a != '--heaplens' and sys.argv[i:i + 1] != ['--heaplens']]
    text = '\n\n'.join([
        'Run %s on %s; `%s`' % (started, machine, ' '.join(['scripts/bench.sh'] + shown)),
        report.table(runs, synthetic),
        report.targets(runs, synthetic),
    ])
    for r in runs:
        if r['python'].get('status') != 'ok':
            text += '\n\nSize %d: Python side %s.' % (r['size'], r['python']['status'])
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump({'started': started, 'machine': machine, 'argv': sys.argv[1:], 'runs': runs,
                   'synthetic': synthetic}, f, indent=1)
    with open(os.path.join(args.out, 'results.md'), 'w') as f:
        f.write(text + '\n')
    print(text)


if __name__ == '__main__':
    main()
