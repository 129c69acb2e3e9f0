"""heapy dump files against guppy3 itself.

guppy writes real dumps in the test (`.dump()` appends a package per call: partitions in
SetFormat, `byid` in IdFormat, `A.diff(B)` and `Stat - Stat` in DiffFormat); `heaplens
heapy-dump show` must print every package exactly as guppy prints what `hp.load()`
returns.  The other way round, tables exported with `heaplens table --heapy-dump` must load
in guppy with the rows, count, size and header of `heaplens table --json`.
"""

import json
import subprocess
import sys

import pytest

from test_cli import binary


def run(*args):
    r = subprocess.run([binary(), *args], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.rstrip('\n')


def guppy_packages(path):
    """Every package of a dump file as guppy loads it (`hp.load(f)` until the file ends)."""
    from guppy import hpy
    hp = hpy()
    out = []
    with open(path) as f:
        while True:
            try:
                out.append(hp.load(f))
            except StopIteration:
                return out


class Node:
    def __init__(self, i):
        self.i = i
        self.name = 'node %d' % i


@pytest.fixture(scope='module')
def guppy_dump(tmp_path_factory):
    pytest.importorskip('guppy')
    from guppy import hpy
    hp = hpy()
    path = str(tmp_path_factory.mktemp('dump') / 'prof.dump')
    keep = []
    h1 = hp.heap()
    h1.dump(path)                                   # SetFormat, appended one by one
    keep.extend(Node(i) for i in range(300))
    h2 = hp.heap()
    h2.dump(path)
    h2.bytype.dump(path)
    h2.bysize.dump(path)                            # labels with leading spaces
    hp.iso(*keep[:5]).byvia.dump(path)              # labels with quotes and brackets
    hp.iso(*[[0] * i for i in range(4)]).byid.dump(path)    # IdFormat, one kind
    hp.iso(1, 'two words', [], keep[0]).byid.dump(path)     # IdFormat, mixed
    h2.diff(h1).dump(path)                          # DiffFormat
    (h1.stat - h2.stat).dump(path)                  # DiffFormat, negative rows
    (h2.stat - h2.stat).dump(path)                  # DiffFormat, no rows
    keep.clear()
    return path


def test_show_prints_every_package_as_guppy_prints_it(guppy_dump):
    packages = guppy_packages(guppy_dump)
    formats = [p.format_name for p in packages]
    assert formats.count('SetFormat') == 5 and formats.count('IdFormat') == 2 and formats.count('DiffFormat') == 3
    assert run('heapy-dump', 'show', '--all', guppy_dump) == '\n\n'.join(str(p) for p in packages)
    for n, p in enumerate(packages):
        assert run('heapy-dump', 'show', '--package', str(n), guppy_dump) == str(p), n
    # the default is the first package, like hp.load(FILE)
    from guppy import hpy
    assert run('heapy-dump', 'show', guppy_dump) == str(hpy().load(guppy_dump))
    # every row (heapy's .all)
    assert run('heapy-dump', 'show', '--package', '1', '--all-rows', guppy_dump) == repr(packages[1].all)


def test_show_reads_crlf_and_json_rows_equal_guppys(guppy_dump, tmp_path):
    crlf = tmp_path / 'crlf.dump'
    crlf.write_bytes(open(guppy_dump, 'rb').read().replace(b'\n', b'\r\n'))
    packages = guppy_packages(guppy_dump)
    assert run('heapy-dump', 'show', '--all', str(crlf)) == '\n\n'.join(str(p) for p in packages)
    views = json.loads(run('heapy-dump', 'show', '--all', '--json', guppy_dump))
    for v, p in zip(views, packages):
        assert (v['format'], v['count'], v['size'], v['kindheader']) == (p.format_name, p.count, p.size, p.kindheader)
        assert [(r['count'], r['size'], r['label']) for r in v['rows']] == \
            [(r.count, r.size, r.name) for r in p.get_rows()]


def test_truncated_dump_is_refused_naming_the_line(guppy_dump, tmp_path):
    text = open(guppy_dump).read()
    cut = tmp_path / 'cut.dump'
    cut.write_text(text[:len(text) // 2])
    r = subprocess.run([binary(), 'heapy-dump', 'show', '--all', str(cut)], capture_output=True, text=True)
    line = len(text[:len(text) // 2].splitlines())     # the last line, whole or cut
    assert r.returncode == 2 and ('line %d:' % line) in r.stderr, r.stderr


@pytest.fixture(scope='module')
def snapshot(tmp_path_factory):
    pytest.importorskip('guppy')
    import heaplens
    keep = [Node(i) for i in range(50)] + ['x' * i for i in range(40)]
    path = str(tmp_path_factory.mktemp('snap') / 'snap.hls')
    heaplens.dump(path, _frame=sys._getframe())
    del keep
    return path


@pytest.mark.parametrize('query,by', [
    ('heap', 'clodo'), ('heap', 'type'), ('heap', 'size'), ('heap', 'module'), ('heap', 'rcs'),
    ('heap.byclodo["%s.Node"]' % __name__, 'via'), ('heap.byclodo["str"]', 'id'),
    ('heap.byclodo["dict of %s.Node"]' % __name__, 'id'), ('heap.bytype["tuple"]', 'idset'),
])
def test_exported_tables_load_in_guppy(snapshot, tmp_path, query, by):
    out = str(tmp_path / 'out.dump')
    for _ in range(2):                               # appends, like heapy's .dump()
        run('table', snapshot, '--query', query, '--by', by, '--heapy-dump', out)
    ours = json.loads(run('table', snapshot, '--query', query, '--by', by, '--all', '--json'))
    packages = guppy_packages(out)
    assert len(packages) == 2
    for st in packages:
        assert st.format_name == ('IdFormat' if by == 'id' else 'SetFormat')
        assert (st.count, st.size, st.kindheader) == (ours['count'], ours['size'], ours['header'])
        assert [(r.count, r.size, r.name) for r in st.get_rows()] == \
            [(r['count'], r['size'], r['label']) for r in ours['rows']]
        # guppy prints the loaded table as heaplens prints the partition
        assert str(st) == run('table', snapshot, '--query', query, '--by', by)
