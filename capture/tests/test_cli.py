"""The Rust CLI (`heaplens table SNAPSHOT --json`) against our reader and against heapy.

The binary is `$HEAPLENS_BIN`, else `<repo>/target/debug/heaplens`; build it with
`cargo build` at the repository root.  A missing binary is a failure, not a skip.
"""

import collections
import json
import os
import subprocess
import sys

import pytest

import hlsread
from conftest import REPO


def binary():
    b = os.environ.get('HEAPLENS_BIN') or os.path.join(REPO, 'target', 'debug', 'heaplens')
    if not os.path.isfile(b) or not os.access(b, os.X_OK):
        pytest.fail('heaplens CLI not found at %s: build it (cargo build at the repo root) '
                    'or set HEAPLENS_BIN' % b)
    return b


def cli_table(path, by):
    out = subprocess.run([binary(), 'table', path, '--by', by, '--all', '--json'],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    return json.loads(out)


def rows_by_label(rows):
    d = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        d[r['label']][0] += r['count']
        d[r['label']][1] += r['size']
    return dict(d)


@pytest.fixture(scope='module')
def snapshot(tmp_path_factory):
    pytest.importorskip('guppy')
    from guppy import hpy
    hpy().heap()
    keep = [dict(a=i) for i in range(100)]
    path = str(tmp_path_factory.mktemp('cli') / 'cli.hls')
    import heaplens
    heaplens.dump(path, _frame=sys._getframe())
    h = hpy().heap()
    heapy = {}
    for by, part in (('clodo', h), ('type', h.bytype), ('size', h.bysize), ('module', h.bymodule)):
        d = collections.defaultdict(lambda: [0, 0])
        for r in part.stat.get_rows():
            d[str(r.name)][0] += r.count
            d[str(r.name)][1] += r.size
        heapy[by] = dict(d)
    heapy['count'], heapy['size_total'] = h.count, h.size
    del h, keep
    return path, heapy


@pytest.mark.parametrize('by', ['clodo', 'type', 'size', 'module'])
def test_cli_matches_reader(snapshot, by):
    path, _ = snapshot
    j = cli_table(path, by)
    snap = hlsread.read(path)
    mine = hlsread.partition_by_label(snap, by)
    assert j['count'] == sum(c for c, s in mine.values())
    assert j['size'] == sum(s for c, s in mine.values())
    assert rows_by_label(j['rows']) == mine
    # heapy partitions by kind identity: two classes with one label (ctypes'
    # CFunctionType) or two module objects with one name are separate rows
    dup = collections.Counter(lab for _, lab in hlsread.partition(snap, by))
    assert j['total_rows'] == len(hlsread.partition(snap, by)), (
        'CLI merges rows with equal labels; heapy keeps one row per kind: %r'
        % {k: v for k, v in dup.items() if v > 1})


@pytest.mark.parametrize('by', ['clodo', 'type', 'size', 'module'])
def test_cli_close_to_heapy(snapshot, by):
    path, heapy = snapshot
    j = cli_table(path, by)
    assert abs(j['count'] - heapy['count']) <= 0.02 * heapy['count']
    assert abs(j['size'] - heapy['size_total']) <= 0.02 * heapy['size_total']
    mine = rows_by_label(j['rows'])
    same = sum(1 for k, v in mine.items() if heapy[by].get(k) == v)
    assert same >= 0.85 * len(heapy[by]), (same, len(heapy[by]))
