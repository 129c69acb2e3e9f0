"""Regenerate the golden test data: a tiny real heap, our snapshot and guppy's tables.

    /tmp/gv/bin/python -S testdata/make_testdata.py      # any Python with guppy3==3.1.7

Writes, next to this script:
* ``small.hls``        -- heaplens.dump() of this tiny process;
* ``small.guppy.txt``  -- in the SAME process right after the dump: guppy's
  ``str(hp.heap())``, ``str(h.bytype)``, ``str(h.bysize)``, ``str(h.bymodule)``,
  ``h.byrcs``, ``h.byvia``, ``h.byprod``, ``h.byunity`` (and the ``.all`` forms,
  every row; for byrcs, byvia and byprod only in the JSON), ``byid`` of two small sets (``smalls``: the ``Small`` instances;
  ``mixed``: one object of several kinds), ``hp.heapu()``, the set's count and size;
* ``small.guppy.json`` -- the same partitions as rows (label, count, size; byid rows
  as label and size, in heapy's order, with ``header`` and ``kindname``).

tracemalloc traces the whole run (1 frame), so the snapshot has a ``prod`` section.

Run with ``-S`` (no site module) to keep the heap as small as heapy allows;
guppy is then found through the site-packages of the running interpreter.
"""

import tracemalloc

tracemalloc.start(1)

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import sysconfig  # noqa: E402

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
    parts = {'heap': h, 'bytype': h.bytype, 'bysize': h.bysize, 'bymodule': h.bymodule,
             'byrcs': h.byrcs, 'byvia': h.byvia, 'byprod': h.byprod, 'byunity': h.byunity}
    mixed = [KEEP['tiny'], KEEP[('k', 1)], KEEP['smalls'], KEEP['smalls'][0].__dict__,
             KEEP['smalls'][0].label, sys, main, main.__code__, len]
    ids = {'smalls': hp.iso(*KEEP['smalls']).byid, 'mixed': hp.iso(*mixed).byid}
    heapu = hp.heapu()
    texts = [(k, str(v)) for k, v in parts.items()]
    texts += [(k + '.all', str(v.all)) for k, v in parts.items()
              if k in ('heap', 'bytype', 'bysize', 'bymodule', 'byunity')]
    rows = {}
    for k, v in parts.items():
        rows[k] = [{'label': str(r.name), 'count': r.count, 'size': r.size}
                   for r in v.stat.get_rows()]
    id_rows = {}
    for k, v in ids.items():
        p = v.partition
        id_rows[k] = {'header': p.kindheader, 'kindname': p.kindname, 'count': v.count,
                      'size': v.size,
                      'rows': [{'label': str(p.get_row(i).name), 'size': p.get_row(i).size}
                               for i in range(v.count)]}
    texts += [('byid.' + k, str(v)) for k, v in ids.items()]
    texts.append(('heapu', str(heapu)))
    rows['heapu'] = [{'label': str(r.name), 'count': r.count, 'size': r.size}
                     for r in heapu.get_rows()]
    count, size = h.count, h.size
    del h, parts, ids, heapu
    with open(os.path.join(HERE, 'small.guppy.txt'), 'w') as f:
        f.write('# guppy3 output, same process, right after heaplens.dump(small.hls)\n')
        f.write('# python %s\n' % sys.version.split()[0])
        f.write('## count\n%d\n## size\n%d\n' % (count, size))
        for k, t in texts:
            f.write('## %s\n%s\n' % (k, t))
    with open(os.path.join(HERE, 'small.guppy.json'), 'w') as f:
        json.dump({'python': sys.version.split()[0], 'count': count, 'size': size,
                   'snapshot_objects': stats['objects'] - 1,
                   'snapshot_unreachable': stats['unreachable'], 'partitions': rows,
                   'byid': id_rows},
                  f, indent=1, sort_keys=True)
    print('small.hls: %d objects (+root), %d bytes; heapy: %d objects, %d bytes'
          % (stats['objects'] - 1, stats['bytes'], count, size))


if __name__ == '__main__':
    main()
