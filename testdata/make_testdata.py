"""Regenerate the golden test data: a tiny real heap, our snapshot and guppy's tables.

    /tmp/gv/bin/python -S testdata/make_testdata.py      # any Python with guppy3==3.1.7

Writes, next to this script:
* ``small.hls``        -- heaplens.dump() of this tiny process;
* ``small.guppy.txt``  -- in the SAME process right after the dump: guppy's
  ``str(hp.heap())``, ``str(h.bytype)``, ``str(h.bysize)``, ``str(h.bymodule)``
  (and the ``.all`` forms, every row), the set's count and total size;
* ``small.guppy.json`` -- the same partitions as rows (label, count, size).

Run with ``-S`` (no site module) to keep the heap as small as heapy allows;
guppy is then found through the site-packages of the running interpreter.
"""

import json
import os
import sys
import sysconfig

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'capture'))
if 'site' not in sys.modules:  # -S: add site-packages by hand (guppy lives there)
    for _root in (os.path.dirname(os.path.dirname(os.path.abspath(sys.executable))), sys.prefix):
        sys.path.append(os.path.join(_root, 'lib', 'python%d.%d' % sys.version_info[:2],
                                     'site-packages'))
    sys.path.append(sysconfig.get_paths()['purelib'])

import heaplens  # noqa: E402
from guppy import hpy  # noqa: E402


class Small:
    def __init__(self, n):
        self.n = n
        self.label = 'small %d' % n


class Tiny:
    __slots__ = ('a',)


KEEP = {'smalls': [Small(i) for i in range(3)], 'tiny': Tiny(), ('k', 1): b'bytes'}


def main():
    hp = hpy()
    hp.heap()  # heapy's one-time initialisation (lazy imports) before the dump
    out = os.path.join(HERE, 'small.hls')
    stats = heaplens.dump(out, name='testdata small')
    h = hp.heap()
    parts = {'heap': h, 'bytype': h.bytype, 'bysize': h.bysize, 'bymodule': h.bymodule}
    texts = [(k, str(v)) for k, v in parts.items()]
    texts += [(k + '.all', str(v.all)) for k, v in parts.items()]
    rows = {}
    for k, v in parts.items():
        rows[k] = [{'label': str(r.name), 'count': r.count, 'size': r.size}
                   for r in v.stat.get_rows()]
    count, size = h.count, h.size
    del h, parts
    with open(os.path.join(HERE, 'small.guppy.txt'), 'w') as f:
        f.write('# guppy3 output, same process, right after heaplens.dump(small.hls)\n')
        f.write('# python %s\n' % sys.version.split()[0])
        f.write('## count\n%d\n## size\n%d\n' % (count, size))
        for k, t in texts:
            f.write('## %s\n%s\n' % (k, t))
    with open(os.path.join(HERE, 'small.guppy.json'), 'w') as f:
        json.dump({'python': sys.version.split()[0], 'count': count, 'size': size,
                   'snapshot_objects': stats['objects'] - 1, 'partitions': rows},
                  f, indent=1, sort_keys=True)
    print('small.hls: %d objects (+root), %d bytes; heapy: %d objects, %d bytes'
          % (stats['objects'] - 1, stats['bytes'], count, size))


if __name__ == '__main__':
    main()
