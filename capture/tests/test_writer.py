"""The snapshot writer against docs/format.md, checked by the strict reader."""

import json
import os
import struct
import zlib
from array import array
from io import BytesIO

import pytest

import hlsread
from heaplens._writer import NONE, Writer


def tiny():
    """A hand-made snapshot: root -> list -> 'a' (two edges), with all sections."""
    f = BytesIO()
    w = Writer(f)
    w.strings(['.i0_modules', 'list', 'str', 'big', 'mod', 'm'])
    w.objects(array('Q', [0, 0x1000, 0x2000]), array('I', [NONE, 0, 1]),
              array('Q', [0, 72, 1 << 40]), array('I', [1, 2, 0]))
    w.edges(array('I', [1, 2, 2]), array('I', [0, (1 << 29) | 0, (1 << 29) | 1]))
    w.types(array('I', [NONE, NONE]), [1, 2])
    w.modnames(array('I', [1]), [5])
    w.meta({'agent': 'test', 'materialized_dicts': 0})
    w.finish()
    return f.getvalue()


def test_roundtrip_tiny():
    s = hlsread.read(tiny())
    assert s.n == 3
    assert list(s.degree) == [1, 2, 0]
    assert s.edges_of(1) == [(2, (1 << 29) | 0), (2, (1 << 29) | 1)]
    assert [s.edge_name(c) for _, c in s.edges_of(1)] == ['[0]', '[1]']
    assert s.edge_name(s.name[0]) == '.i0_modules'
    assert s.size[2] == 1 << 40
    assert s.type_label(s.type[1]) == 'list'
    assert s.modnames == {1: 5}
    assert s.meta['agent'] == 'test'


def test_columns_take_the_narrowest_width():
    from heaplens._writer import column
    assert column(array('I', [1, 2, 255])) == struct.pack('<QB', 0, 1) + bytes([1, 2, 255])
    assert column(array('I', [0, 256])) == struct.pack('<QB', 0, 2) + struct.pack('<HH', 0, 256)
    assert column(array('Q', [0x7f0000001000, 0x7f0000001010]), rebase=True) == \
        struct.pack('<QB', 0x7f0000001000, 1) + bytes([0, 16])
    assert column(array('Q', [1 << 40])) == struct.pack('<QB', 0, 8) + struct.pack('<Q', 1 << 40)
    assert column(array('I', [NONE])) == struct.pack('<QB', 0, 4) + struct.pack('<I', NONE)


def test_header_and_ends_layout():
    b = tiny()
    assert b[:8] == b'HLSNAP\r\n'
    assert struct.unpack_from('<HHI', b, 8) == (1, 0, 0)
    assert b[-40:-36] == b'ENDS'
    length, o, e, s, crc = struct.unpack('<QQQQI', b[-36:])
    assert (length, o, e, s) == (28, 3, 3, 6)
    assert crc == zlib.crc32(b[:-40]) & 0xFFFFFFFF


@pytest.mark.parametrize('cut', [10, 20, 100, -1, -10])
def test_truncation_detected(cut):
    with pytest.raises(hlsread.FormatError):
        hlsread.read(tiny()[:cut])


def test_corruption_detected():
    b = bytearray(tiny())
    b[40] ^= 0xFF
    with pytest.raises((hlsread.FormatError, UnicodeDecodeError, ValueError)):
        hlsread.read(bytes(b))


def test_trailing_bytes_detected():
    with pytest.raises(hlsread.FormatError):
        hlsread.read(tiny() + b'\0')


def test_surrogates_are_valid_utf8():
    f = BytesIO()
    w = Writer(f)
    w.strings(['ok', "['\ud800']"])
    w.objects(array('Q', [0]), array('I', [NONE]), array('I', [0]), array('I', [0]))
    w.meta({})
    w.finish()
    s = hlsread.read(f.getvalue())
    assert s.strings[0] == 'ok' and '\\ud800' in s.strings[1]


def test_dump_file_is_valid_and_atomic(capture):
    snap = capture()
    assert not os.path.exists(snap.path + '.tmp')
    s = snap.s
    assert s.n == snap.stats['objects']
    assert len(s.target) == snap.stats['edges']
    # every string is referenced at most... and object 0 is the root
    assert s.addr[0] == 0 and s.type[0] == NONE and s.size[0] == 0
    assert s.degree[0] >= 5


def test_meta(capture):
    import sys
    import heaplens
    snap = capture(name='unit <test>')
    m = snap.s.meta
    for k in ('agent', 'python', 'python_version', 'implementation', 'platform', 'pid',
              'argv', 'hostname', 'executable', 'time', 'duration_s', 'name',
              'materialized_dicts'):
        assert k in m, k
    assert m['agent'] == heaplens.AGENT == 'heaplens-capture 0.1.0'
    assert m['python_version'] == list(sys.version_info[:3])
    assert m['pid'] == os.getpid()
    assert m['name'] == 'unit <test>'
    assert m['implementation'] == 'cpython'
    assert isinstance(m['materialized_dicts'], int)
    assert 0 <= m['duration_s'] < 120
    json.dumps(m)


def test_chunking_is_invisible(capture):
    """Small chunks give the same graph as one big chunk."""
    keep = [[i, str(i)] for i in range(300)]
    a = capture(chunk=7)
    ra = (a.s.n, bytes(a.s.degree), len(a.s.strings), a.names_to(keep, keep[5]))
    del a
    b = capture(chunk=1 << 20)
    rb = (b.s.n, bytes(b.s.degree), len(b.s.strings), b.names_to(keep, keep[5]))
    del b
    # the second capture also sees the first one's result tuple (a few objects)
    assert 0 <= rb[0] - ra[0] <= 20
    assert 0 <= rb[2] - ra[2] <= 20
    assert ra[3] == rb[3] == ['[5]']
    del keep


def test_sizes_are_getsizeof(capture):
    import sys
    objs = ['', 'a' * 100, [], (1, 2, 3), {}, 2 ** 100]
    snap = capture()
    for o in objs:
        assert snap.s.size[snap.node(o)] == sys.getsizeof(o)
