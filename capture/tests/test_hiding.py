"""The agent's own objects (frames, buffers, arrays, indexes, writer) never appear."""

import sys
import threading
import types

import heaplens
from heaplens import _walk, _writer, _names


def _agent_codes():
    out = set()
    for mod in (heaplens, _walk, _writer, _names):
        for v in vars(mod).values():
            if isinstance(v, types.FunctionType):
                out.add(id(v.__code__))
            elif isinstance(v, type):
                for m in vars(v).values():
                    if isinstance(m, types.FunctionType):
                        out.add(id(m.__code__))
    return out


def test_no_agent_frames_or_state(capture):
    snap = capture()
    s = snap.s
    codes = _agent_codes()
    frame_t = [tn for tn, (o, l) in enumerate(s.types) if s.strings[l] == 'types.FrameType']
    for i in range(1, s.n):
        if s.type[i] in frame_t:
            for t, c in s.edges_of(i):
                if s.edge_name(c) == '.f_code':
                    assert s.addr[t] not in codes, 'an agent frame is in the snapshot'
    labels = {s.strings[l] for o, l in s.types}
    # the walk's columns are array.array objects and its writer a Writer
    assert 'array.array' not in labels
    assert 'heaplens._writer.Writer' not in labels
    # the calling frame is the test's own frame, the first frame of this thread
    assert snap.has(sys._getframe())


def test_no_agent_caches_left_behind(tmp_path):
    heaplens.dump(str(tmp_path / 'a.hls'))
    assert _names._members_cache == {}


def test_caller_frame_is_reached_through_the_agents_frames_only(capture):
    """As heapy's root reaches the caller through heapy's own query frames, ours goes
    through the agent's (walk, dump): frames that show nothing but their ``f_back``."""
    me = sys._getframe()
    snap = capture()
    tid = threading.get_ident()
    [top] = [a for a, n in snap.root_edges() if n.startswith('.i0_t%d_f' % tid)]
    assert top != id(me)
    chain = [top]
    while chain[-1] != id(me):
        edges = snap.out_num(snap.num[chain[-1]])
        backs = [a for a, n in edges if n == '.f_back']
        assert len(backs) == 1 and len(chain) < 10, chain
        if len(chain) <= 2:
            assert [n for _, n in edges] == ['.f_back'], 'an agent frame shows more than f_back'
        chain.append(backs[0])
