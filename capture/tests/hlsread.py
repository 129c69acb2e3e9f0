"""A small, strict pure-Python reader of heaplens snapshots (format version 1).

Used by the tests to check the writer byte for byte against docs/format.md and
to compute heapy-style partitions (clodo, type, size, module, via) without the
Rust engine.  Every violation raises ``FormatError`` naming the byte offset.

    python hlsread.py FILE [--by clodo|type|size|module|via] [--all]
"""

import json
import struct
import sys
import zlib
from array import array

MAGIC = b'HLSNAP\r\n'
NONE = 0xFFFFFFFF
TAG_INDEX, TAG_KEY, TAG_SET = 1, 2, 3


class FormatError(ValueError):
    pass


def _arr(code, b):
    a = array(code)
    a.frombytes(b)
    if sys.byteorder == 'big':
        a.byteswap()
    return a


class Snapshot:
    def __init__(self):
        self.meta = None
        self.addr = array('Q')
        self.type = array('I')
        self.size = array('Q')
        self.degree = array('I')
        self.target = array('I')
        self.name = array('I')
        self.strings = []
        self.types = []  # (object, label string number)
        self.modnames = {}
        self.previews = {}  # object -> string number (prev)
        self.producers = {}  # object -> string number (prod)
        self.unrc = []  # heapu objects (unrc)
        self.seen = array('I')  # first-seen capture number per object (seen), or empty

    # --- decoding -------------------------------------------------------
    def edge_name(self, code):
        tag, low = code >> 29, code & ((1 << 29) - 1)
        if tag == 0:
            return self.strings[low]
        if tag == TAG_INDEX:
            return '[%d]' % low
        if tag == TAG_KEY:
            return '.keys()[%d]' % low
        if tag == TAG_SET:
            return 'list(_)[%d]' % low
        raise FormatError('bad name tag %d' % tag)

    def type_label(self, tn):
        if tn == NONE:
            return None
        return self.strings[self.types[tn][1]]

    def edges_of(self, i):
        s = self.offsets[i]
        return [(self.target[j], self.name[j]) for j in range(s, self.offsets[i + 1])]

    @property
    def n(self):
        return len(self.addr)

    def heap_ids(self):
        """Object numbers of heapy's heap(): every object but the root and unrc."""
        u = set(self.unrc)
        return [i for i in range(1, self.n) if i not in u]

    def new_ids(self):
        """heaplens's ``heapnew``: heap() objects first seen after the reference point."""
        ref = (self.meta.get('reference') or {}).get('seq')
        if ref is None:
            raise ValueError('no reference point')
        return [i for i in self.heap_ids() if self.seen[i] > ref]

    def preview(self, i):
        s = self.previews.get(i)
        return None if s is None else self.strings[s]

    def producer(self, i):
        s = self.producers.get(i)
        return None if s is None else self.strings[s]

    def finish(self):
        off = array('Q', [0])
        acc = 0
        for d in self.degree:
            acc += d
            off.append(acc)
        self.offsets = off


_WIDTH_CODE = {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}


def _columns(q, m, count, pos, tag):
    """Decode ``count`` packed columns of ``m`` values (base:u64 width:u8 values)."""
    cols = []
    k = 0
    for c in range(count):
        if k + 9 > len(q):
            raise FormatError('offset %d: %r column %d header past end' % (pos, tag, c))
        base, width = struct.unpack_from('<QB', q, k)
        k += 9
        if width not in _WIDTH_CODE:
            raise FormatError('offset %d: %r column %d width %d' % (pos, tag, c, width))
        if k + width * m > len(q):
            raise FormatError('offset %d: %r column %d past end' % (pos, tag, c))
        vals = _arr(_WIDTH_CODE[width], q[k:k + width * m])
        k += width * m
        cols.append(array('Q', (v + base for v in vals)) if base else array('Q', vals))
    if k != len(q):
        raise FormatError('offset %d: %r has %d bytes after its columns' % (pos, tag, len(q) - k))
    return cols


def read(path_or_bytes):
    if isinstance(path_or_bytes, (bytes, bytearray)):
        data = path_or_bytes
    else:
        with open(path_or_bytes, 'rb') as f:
            data = f.read()
    n = len(data)
    if n < 16 or data[:8] != MAGIC:
        raise FormatError('offset 0: bad magic')
    major, minor, flags = struct.unpack_from('<HHI', data, 8)
    if major != 1:
        raise FormatError('offset 8: major version %d' % major)
    if flags != 0:
        raise FormatError('offset 12: flags %d' % flags)
    snap = Snapshot()
    pos = 16
    ends = None
    while True:
        if pos + 12 > n:
            raise FormatError('offset %d: truncated (no ENDS)' % pos)
        tag = data[pos:pos + 4]
        (length,) = struct.unpack_from('<Q', data, pos + 4)
        body = pos + 12
        if body + length > n:
            raise FormatError('offset %d: section %r length %d past end' % (pos, tag, length))
        p = data[body:body + length]
        if tag == b'ENDS':
            if length != 28:
                raise FormatError('offset %d: ENDS length %d' % (pos, length))
            o, e, s, crc = struct.unpack('<QQQI', p)
            if zlib.crc32(data[:pos]) & 0xFFFFFFFF != crc:
                raise FormatError('offset %d: CRC mismatch' % pos)
            if body + length != n:
                raise FormatError('offset %d: bytes after ENDS' % (body + length))
            ends = (o, e, s)
            break
        if tag == b'META':
            if snap.meta is not None:
                raise FormatError('offset %d: second META' % pos)
            snap.meta = json.loads(p.decode('utf-8'))
        elif tag in (b'OBJC', b'EDGC', b'STRC', b'TYPC', b'MODN', b'prev', b'prod', b'unrc', b'seen'):
            if length < 4:
                raise FormatError('offset %d: chunk too short' % pos)
            (m,) = struct.unpack_from('<I', p, 0)
            q = p[4:]
            if tag == b'OBJC':
                addr, typ, size, degree = _columns(q, m, 4, pos, tag)
                snap.addr.extend(addr)
                snap.type.extend(array('I', typ))
                snap.size.extend(size)
                snap.degree.extend(array('I', degree))
            elif tag == b'EDGC':
                target, name = _columns(q, m, 2, pos, tag)
                snap.target.extend(array('I', target))
                snap.name.extend(array('I', name))
            elif tag == b'STRC':
                k = 0
                for _ in range(m):
                    if k + 4 > len(q):
                        raise FormatError('offset %d: STRC truncated' % pos)
                    (ln,) = struct.unpack_from('<I', q, k)
                    k += 4
                    if k + ln > len(q):
                        raise FormatError('offset %d: STRC string past end' % pos)
                    snap.strings.append(q[k:k + ln].decode('utf-8'))
                    k += ln
                if k != len(q):
                    raise FormatError('offset %d: STRC trailing bytes' % pos)
            elif tag == b'seen':
                (first,) = _columns(q, m, 1, pos, tag)
                snap.seen.extend(array('I', first))
            elif tag == b'unrc':
                if len(q) != m * 4:
                    raise FormatError('offset %d: unrc m=%d but %d bytes' % (pos, m, len(q)))
                snap.unrc.extend(_arr('I', q))
            elif tag in (b'TYPC', b'MODN', b'prev', b'prod'):
                if len(q) != m * 8:
                    raise FormatError('offset %d: %r m=%d but %d bytes' % (pos, tag, m, len(q)))
                a = _arr('I', q)
                pairs = list(zip(a[0::2], a[1::2]))
                if tag == b'TYPC':
                    snap.types.extend(pairs)
                elif tag == b'prev':
                    snap.previews.update(pairs)
                elif tag == b'prod':
                    snap.producers.update(pairs)
                else:
                    for o, s in pairs:
                        snap.modnames[o] = s
        elif tag[:1].isupper():
            raise FormatError('offset %d: unknown critical section %r' % (pos, tag))
        pos = body + length
    if snap.meta is None:
        raise FormatError('no META')
    if ends != (snap.n, len(snap.target), len(snap.strings)):
        raise FormatError('ENDS counts %r != %r' % (ends, (snap.n, len(snap.target), len(snap.strings))))
    if snap.n < 1 or snap.addr[0] != 0 or snap.type[0] != NONE or snap.size[0] != 0:
        raise FormatError('object 0 is not the root')
    if sum(snap.degree) != len(snap.target):
        raise FormatError('degree sum %d != edges %d' % (sum(snap.degree), len(snap.target)))
    nt, ns, no = len(snap.types), len(snap.strings), snap.n
    for i, t in enumerate(snap.type):
        if t != NONE and t >= nt:
            raise FormatError('object %d: type %d out of range' % (i, t))
    for t in snap.target:
        if t >= no:
            raise FormatError('edge target %d out of range' % t)
    for c in snap.name:
        tag = c >> 29
        if tag > 3 or (tag == 0 and c >= ns):
            raise FormatError('edge name %#x invalid' % c)
    for o, l in snap.types:
        if (o != NONE and o >= no) or l >= ns:
            raise FormatError('TYPC record (%d, %d) out of range' % (o, l))
    for d, what in ((snap.modnames, 'MODN'), (snap.previews, 'prev'), (snap.producers, 'prod')):
        for o, s in d.items():
            if o >= no or s >= ns:
                raise FormatError('%s record out of range' % what)
    for o in snap.unrc:
        if o == 0 or o >= no:
            raise FormatError('unrc entry %d is not an object' % o)
    if snap.seen and len(snap.seen) != no:
        raise FormatError('seen has %d marks for %d objects' % (len(snap.seen), no))
    snap.finish()
    return snap


# --- heapy-style partitions ------------------------------------------------

def dict_owners(snap):
    """object number of an exact dict -> its owner (source of a '.__dict__' edge)."""
    try:
        dname = snap.strings.index('.__dict__')
    except ValueError:
        return {}
    owners = {}
    for i in range(snap.n):
        s, e = snap.offsets[i], snap.offsets[i + 1]
        for j in range(s, e):
            if snap.name[j] == dname:
                owners.setdefault(snap.target[j], i)
    return owners


def dict_type_number(snap):
    for tn, (o, l) in enumerate(snap.types):
        if snap.strings[l] == 'dict':
            return tn
    return None


def kinds(snap, by='clodo', ids=None):
    """(key, label) of every object but the root, per heapy's classifier ``by``.

    Like heapy, clodo and type partition by type *identity*: two distinct
    classes with the same label (e.g. ctypes' many ``CFunctionType``) are two
    rows with equal labels.  The key tells rows apart; the label is printed.
    ``ids``: the objects (default: heapy's heap(), i.e. without the unrc objects)."""
    if ids is None:
        ids = snap.heap_ids()
    if by == 'type':
        return [(snap.type[i], snap.type_label(snap.type[i])) for i in ids]
    if by == 'size':
        return [(snap.size[i], '%9d' % snap.size[i]) for i in ids]
    if by == 'module':
        # one row per module object (heapy's ModuleFamily kind is the module)
        return [(i if i in snap.modnames else -1,
                 snap.strings[snap.modnames[i]] if i in snap.modnames else '~module')
                for i in ids]
    if by == 'via':
        # heapy's via: the names of all edges into the object, the root's
        # included; '->ob_type' and unnamed ('') edges add nothing
        via = [set() for _ in range(snap.n)]
        skip = {'', '->ob_type'}
        u = set(snap.unrc)
        for i in range(snap.n):
            if i in u:  # heapy's referrers are in the heap
                continue
            for t, c in snap.edges_of(i):
                nm = snap.edge_name(c)
                if nm not in skip:
                    via[t].add(nm)
        out = []
        for i in ids:
            lab = ', '.join(sorted(repr(x) for x in via[i]))
            out.append((lab, lab))
        return out
    owners = dict_owners(snap)
    dt = dict_type_number(snap)
    out = []
    for i in ids:
        t = snap.type[i]
        if t == dt:
            o = owners.get(i)
            if o is None:
                out.append((('dictof', None), 'dict (no owner)'))
            else:
                ot = snap.type[o]
                out.append((('dictof', ot), 'dict of ' + snap.type_label(ot)))
        else:
            out.append((t, snap.type_label(t)))
    return out


def labels(snap, by='clodo'):
    return [lab for _, lab in kinds(snap, by)]


def partition(snap, by='clodo', ids=None):
    """{(key, label): [count, size]} over heapy's heap() (or the objects ``ids``)."""
    if ids is None:
        ids = snap.heap_ids()
    res = {}
    for i, kl in zip(ids, kinds(snap, by, ids)):
        r = res.get(kl)
        if r is None:
            r = res[kl] = [0, 0]
        r[0] += 1
        r[1] += snap.size[i]
    return res


def partition_by_label(snap, by='clodo', ids=None):
    """{label: [count, size]}, rows with equal labels merged."""
    res = {}
    for (_, lab), (c, s) in partition(snap, by, ids).items():
        r = res.setdefault(lab, [0, 0])
        r[0] += c
        r[1] += s
    return res


def table(snap, by='clodo', all_rows=False):
    """heapy's table text (title, header, rows) for the whole snapshot."""
    part = partition(snap, by)
    count = sum(c for c, _ in part.values())
    size = sum(s for _, s in part.values())
    hdr = {'clodo': 'Kind (class / dict of class)', 'type': 'Type',
           'size': 'Individual Size', 'module': 'Module', 'via': 'Referred Via:'}[by]
    rows = sorted(((kl[1], cs) for kl, cs in part.items()), key=lambda kv: (-kv[1][1], kv[0]))
    lines = ['Partition of a set of %d object%s. Total size = %d bytes.'
             % (count, '' if count == 1 else 's', size),
             ' Index  Count   %     Size   % Cumulative  % ' + hdr]
    cum = 0
    shown = rows if all_rows or len(rows) <= 11 else rows[:10]
    for ix, (lab, (c, s)) in enumerate(shown):
        cum += s
        lines.append('%6d %6d %3d %8d %3d %9d %3d %s' % (
            ix, c, round(100.0 * c / count), s, round(100.0 * s / size), cum,
            round(100.0 * cum / size), lab))
    if len(shown) < len(rows):
        lines.append("<%d more rows. Type e.g. '_.more' to view.>" % (len(rows) - 10))
    return '\n'.join(lines)


if __name__ == '__main__':
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument('file')
    ap.add_argument('--by', default='clodo')
    ap.add_argument('--all', action='store_true')
    a = ap.parse_args()
    s = read(a.file)
    print(json.dumps(s.meta))
    print(table(s, a.by, a.all))
