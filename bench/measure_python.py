"""One size of the benchmark, in one Python process: build a service heap, capture it with
the heaplens agent (timed), then time guppy3 on the same heap in the same process.

    python bench/measure_python.py SIZE SNAPSHOT RESULT.json [--no-guppy]

The result file is rewritten after every step, so a timeout still leaves what was measured.
"""

import gc
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'capture'))


def main(argv):
    size, snapshot, result_path = int(argv[0]), argv[1], argv[2]
    with_guppy = '--no-guppy' not in argv
    result = {'size': size, 'python': sys.version.split()[0], 'steps_done': []}

    def save(step):
        result['steps_done'].append(step)
        result['python_peak_rss_bytes'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        with open(result_path + '.tmp', 'w') as f:
            json.dump(result, f, indent=1)
        os.replace(result_path + '.tmp', result_path)
        print('  [python %s] %s done' % (f'{size:,}', step), file=sys.stderr, flush=True)

    if with_guppy:
        import guppy
        from guppy import hpy
        result['guppy3'] = guppy.__version__ if hasattr(guppy, '__version__') else 'installed'
        hp = hpy()
    import heaplens
    import service_heap

    t = time.perf_counter()
    pkg = service_heap.build(size)
    result['build_s'] = time.perf_counter() - t
    result['units'] = pkg.units
    save('build')

    # First capture: also materialises instance dicts (as heapy's heap() does) and runs gc.
    t = time.perf_counter()
    stats = heaplens.dump(snapshot, name='bench service heap %d' % size)
    wall = time.perf_counter() - t
    result['capture'] = {'objects': stats['objects'], 'edges': stats['edges'], 's': wall,
                         'objects_per_s': stats['objects'] / wall, 'bytes': stats['bytes'],
                         'materialized_dicts': stats.get('materialized_dicts')}
    save('capture')
    # Second capture of the same heap: the steady rate (nothing left to materialise).
    again = snapshot + '.again'
    t = time.perf_counter()
    stats = heaplens.dump(again, name='again')
    wall = time.perf_counter() - t
    os.unlink(again)
    result['capture_again'] = {'objects': stats['objects'], 's': wall, 'objects_per_s': stats['objects'] / wall}
    save('capture again')

    if not with_guppy:
        return
    gc.collect()
    g = result['guppy'] = {}
    t = time.perf_counter()
    h = hp.heap()
    g['heap_s'] = time.perf_counter() - t
    g['objects'] = h.count
    g['size'] = h.size
    save('guppy heap()')
    for key, make in (('table_s', lambda: str(h)), ('byrcs_s', lambda: str(h.byrcs)),
                      ('byvia_s', lambda: str(h.byvia))):
        t = time.perf_counter()
        make()
        g[key] = time.perf_counter() - t
        save('guppy ' + key[:-2])


if __name__ == '__main__':
    main(sys.argv[1:])
