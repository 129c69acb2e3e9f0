"""pytest setup for the capture agent: import paths and snapshot helpers."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE = os.path.dirname(HERE)
REPO = os.path.dirname(CAPTURE)
for p in (CAPTURE, HERE):
    if p not in sys.path:
        sys.path.insert(0, p)

import pytest  # noqa: E402

import hlsread  # noqa: E402

#: relation -> {'whole': text, 'created': text, 'libs': text}, filled by test_relations.py
#: and test_real_libraries.py
AGREEMENT = {}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not AGREEMENT:
        return
    tr = terminalreporter
    tr.section('heaplens vs guppy3: agreement per relation')
    tr.write_line('%-7s %-34s %-50s %s' % ('rel', 'sets the test created', 'whole heap',
                                            'real libraries (whole heap)'))
    for rel in ('clodo', 'type', 'rcs', 'via', 'size', 'module', 'unity', 'prod', 'id', 'idset',
                'heapu'):
        a = AGREEMENT.get(rel, {})
        tr.write_line('%-7s %-34s %-50s %s' % (rel, a.get('created', '-'), a.get('whole', '-'),
                                               a.get('libs', '-')))


class Snap:
    """A read snapshot with lookups by address, for assertions."""

    def __init__(self, snap):
        self.s = snap
        self.num = {snap.addr[i]: i for i in range(1, snap.n)}

    def node(self, obj):
        n = self.num.get(id(obj))
        assert n is not None, 'object not in snapshot: %r' % (obj,)
        return n

    def has(self, obj):
        return id(obj) in self.num

    def out(self, obj):
        """[(target address, edge name)] of an object."""
        return self.out_num(self.node(obj))

    def out_num(self, n):
        return [(self.s.addr[t], self.s.edge_name(c)) for t, c in self.s.edges_of(n)]

    def names_to(self, src, dst):
        """Edge names from object src to object dst."""
        return sorted(nm for a, nm in self.out(src) if a == id(dst))

    def label(self, obj):
        return self.s.type_label(self.s.type[self.node(obj)])

    def root_edges(self):
        return self.out_num(0)


@pytest.fixture
def capture(tmp_path):
    """capture(**kw) -> Snap of the calling test's process (caller frame = test)."""
    import heaplens
    counter = [0]

    def run(frame=None, **kw):
        counter[0] += 1
        path = str(tmp_path / ('snap%d.hls' % counter[0]))
        f = frame if frame is not None else sys._getframe(1)
        stats = heaplens.dump(path, _frame=f, **kw)
        del f
        snap = Snap(hlsread.read(path))
        snap.stats = stats
        snap.path = path
        return snap
    return run
