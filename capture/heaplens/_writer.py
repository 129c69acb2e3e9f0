"""Streaming writer of the heaplens snapshot format, version 1 (docs/format.md).

The writer never seeks: sections are appended as the walk produces them and a
running ``zlib.crc32`` covers every byte before the ``ENDS`` tag (computed in pieces
that do not release the GIL: ``_guard``).  Integer
columns are ``array`` objects written with ``tobytes()`` (byte-swapped on a
big-endian host).
"""

import json
import struct
import sys
from array import array

from ._guard import crc32

MAGIC = b'HLSNAP\r\n'
MAJOR = 1
MINOR = 0
NONE = 0xFFFFFFFF
BIG = sys.byteorder == 'big'

assert array('I').itemsize == 4 and array('Q').itemsize == 8

_U32 = struct.Struct('<I')
_U64 = struct.Struct('<Q')
_HEAD = struct.Struct('<HHI')
_COLHEAD = struct.Struct('<QB')
# (width in bytes, array typecode) from narrowest to widest
_WIDTHS = ((1, 'B'), (2, 'H'), (4, 'I'), (8, 'Q'))
for _w, _c in _WIDTHS:
    assert array(_c).itemsize == _w
_ENDS = struct.Struct('<QQQ')
#: objects or edges per OBJC/EDGC chunk: small chunks keep most columns narrow
SUB = 256


def _le(arr):
    if BIG:
        arr = array(arr.typecode, arr)
        arr.byteswap()
    return arr.tobytes()


def column(values, rebase=False):
    """One packed column: ``base:u64 width:u8`` then each value minus base in ``width``
    bytes, the narrowest of 1, 2, 4 or 8 that holds them (docs/format.md, "Columns").
    ``rebase`` subtracts the minimum first (worth it for addresses)."""
    hi = max(values) if values else 0
    lo = min(values) if (rebase and values) else 0
    span = hi - lo
    for width, code in _WIDTHS:
        if span < 1 << (8 * width):
            break
    if lo and hi < 1 << (8 * width):
        lo = 0  # rebasing would not narrow the column: skip the subtraction
    if lo:
        col = array(code, [v - lo for v in values])
    elif code == values.typecode:
        col = values
    else:
        col = array(code, values)
    return _COLHEAD.pack(lo, width) + _le(col)


class Writer:
    """Appends sections to a binary file object ``f``."""

    def __init__(self, f):
        self.f = f
        self.crc = 0
        self.nobj = 0
        self.nedge = 0
        self.nstr = 0
        self._emit(MAGIC + _HEAD.pack(MAJOR, MINOR, 0))

    def _emit(self, b):
        self.f.write(b)
        self.crc = crc32(b, self.crc)

    def section(self, tag, parts):
        """Write one section whose payload is the concatenation of ``parts``."""
        n = 0
        for p in parts:
            n += len(p)
        self._emit(tag + _U64.pack(n))
        for p in parts:
            self._emit(p)

    def meta(self, d):
        self.section(b'META', [json.dumps(d, sort_keys=True, default=str).encode('utf-8')])

    def strings(self, strs):
        """STRC chunk; ``strs`` is a list of str, numbered from self.nstr."""
        if not strs:
            return
        parts = [_U32.pack(len(strs))]
        blobs = []
        for s in strs:
            b = s.encode('utf-8', 'surrogatepass')
            try:
                b.decode('utf-8')
            except UnicodeDecodeError:  # lone surrogates: not valid UTF-8
                b = s.encode('utf-8', 'backslashreplace')
            blobs.append(_U32.pack(len(b)))
            blobs.append(b)
        parts.append(b''.join(blobs))
        self.section(b'STRC', parts)
        self.nstr += len(strs)

    def _pairs(self, tag, objnums, strnums):
        """A chunk of (object number, string number) records."""
        if not objnums:
            return
        rec = array('I')
        for o, l in zip(objnums, strnums):
            rec.append(o)
            rec.append(l)
        self.section(tag, [_U32.pack(len(objnums)), _le(rec)])

    def types(self, objnums, labels):
        """TYPC chunk: parallel lists of type object numbers and label strings."""
        self._pairs(b'TYPC', objnums, labels)

    def modnames(self, objnums, names):
        """MODN chunk: module object numbers and their ``__name__`` strings."""
        self._pairs(b'MODN', objnums, names)

    def previews(self, objnums, texts):
        """``prev`` chunk: object numbers and their value-preview strings."""
        self._pairs(b'prev', objnums, texts)

    def producers(self, objnums, sites):
        """``prod`` chunk: object numbers and their allocation-site strings."""
        self._pairs(b'prod', objnums, sites)

    def unreachable(self, objnums):
        """``unrc`` chunk: the object numbers of heapy's ``heapu`` objects."""
        if not len(objnums):
            return
        self.section(b'unrc', [_U32.pack(len(objnums)), _le(array('I', objnums))])

    def objects(self, addr, typ, size, degree):
        """OBJC chunk from four equally long arrays ('Q', 'I', 'Q', 'I')."""
        m = len(addr)
        assert len(typ) == m and len(size) == m and len(degree) == m
        if not m:
            return
        # sub-chunks of SUB objects: one large size or one far address widens only its
        # own sub-chunk's column
        for a in range(0, m, SUB):
            b = min(m, a + SUB)
            self.section(b'OBJC', [_U32.pack(b - a), column(addr[a:b], rebase=True),
                                   column(typ[a:b], rebase=True), column(size[a:b], rebase=True),
                                   column(degree[a:b], rebase=True)])
        self.nobj += m

    def seen(self, first):
        """``seen`` chunks: the first-seen capture number of each object, in object order
        (one chunk per OBJC chunk, so the two stay aligned)."""
        for a in range(0, len(first), SUB):
            b = min(len(first), a + SUB)
            self.section(b'seen', [_U32.pack(b - a), column(first[a:b], rebase=True)])

    def edges(self, target, name):
        m = len(target)
        assert len(name) == m
        if not m:
            return
        for a in range(0, m, SUB):
            b = min(m, a + SUB)
            self.section(b'EDGC', [_U32.pack(b - a), column(target[a:b], rebase=True),
                                   column(name[a:b], rebase=True)])
        self.nedge += m


    def finish(self):
        tail = _ENDS.pack(self.nobj, self.nedge, self.nstr)
        crc = self.crc & 0xFFFFFFFF
        b = b'ENDS' + _U64.pack(28) + tail + _U32.pack(crc)
        self.f.write(b)
