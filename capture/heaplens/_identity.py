"""Object identity across the captures of one process: heapy's ``setref`` reference point.

Every capture (a ``dump`` or a ``setref``) gets a sequence number in this process, and
each captured object a *first seen* mark: the sequence number of the earliest capture
since which the agent has seen it continuously.  An object of the current capture is
the same as one of the previous capture (or of the reference point) when it has the
same address, the same type object and the same ``sys.getsizeof`` size; for objects
that support weak references a weak reference taken at the earlier capture decides
instead (it is dead if that object died, even if a new one took its address, and it
still holds the object if its size changed).  Nothing here keeps a captured object
alive: the state is flat arrays of addresses, type addresses and sizes, plus weak
references.  ``docs/identity.md`` lists what this can and cannot tell apart.

The state lives in this module and is hidden from captures (the walker drops edges
to it), as heapy hides its own session.
"""

import os
import time
import types
import weakref
from array import array

from ._walk import _heapy_tag

_wr_type = weakref.ref
_weakrefoffset = type.__dict__['__weakrefoffset__'].__get__
#: types whose weak reference list heapy (and the walker) show as a reference
#: (``co_weakreflist``): a weak reference to them would be visible in the heap
_NO_WITNESS = (types.CodeType,)


class _Capture:
    """What one capture saw: parallel arrays (address, type address, size, first seen)
    and weak references to the weak-referenceable objects, by address."""

    __slots__ = ('seq', 'time', 'ids', 'tids', 'sizes', 'first', 'wrs')

    def __init__(self, seq, t):
        self.seq = seq
        self.time = t
        self.ids = array('Q')
        self.tids = array('Q')
        self.sizes = array('Q')
        self.first = array('I')
        self.wrs = {}


class _Process:
    """The per-process identity: a random token, the pid, the agent's import time, the
    capture counter, the previous capture and the reference point."""

    __slots__ = ('token', 'pid', 'started', 'seq', 'prev', 'ref')

    def __init__(self):
        self.token = os.urandom(8).hex()
        self.pid = os.getpid()
        self.started = time.time()
        self.seq = 0
        self.prev = None
        self.ref = None

    def meta(self):
        return {'token': self.token, 'pid': self.pid, 'started': self.started}


#: the state's one holder: a dict that carries guppy's hiding tag when guppy is loaded,
#: so that heapy's ``heap()`` does not count the agent's state either
_HOLD = {'process': _Process()}


def process():
    """The process identity; a forked child starts a new one (its captures are its own)."""
    p = _HOLD['process']
    if p.pid != os.getpid():
        p = _HOLD['process'] = _Process()
    tag = _heapy_tag()
    if tag is not None:
        _HOLD['_hiding_tag_'] = tag
    return p


class Tracker:
    """Marks the objects of one capture (chunk by chunk, as the walker flushes them) with
    their first-seen sequence number, and records them for the next capture."""

    def __init__(self, is_setref, keep=None, proc=None):
        """``keep``: record this capture for later ones (always for a setref; for a dump
        only when asked: ``dump(track=True)``).  A dump that keeps nothing still marks
        its objects against the reference point and the last kept capture.  ``proc``: the
        process identity to use (a ``dump(fork=True)`` child passes its parent's)."""
        p = proc if proc is not None else process()
        p.seq += 1
        self.p = p
        self.seq = p.seq
        self.is_setref = is_setref
        self.keep = is_setref or bool(keep)
        self.cur = _Capture(p.seq, time.time())
        self.olds = [c for c in (p.prev, p.ref) if c is not None]
        # transient: address -> index into each earlier capture's arrays
        self.index = [dict(zip(c.ids, range(len(c.ids)))) for c in self.olds]
        self.weakrefable = {}

    def hidden(self):
        """Identities of the agent's identity state, which captures must not show (its
        containers; the weak references are in ``opaque``)."""
        out = [id(self), id(self.p), id(_HOLD), id(self.cur), id(self.olds), id(self.index), id(self.weakrefable)]
        for c in [self.cur] + self.olds:
            out.extend(map(id, (c, c.ids, c.tids, c.sizes, c.first, c.wrs)))
        out.extend(map(id, self.index))
        return out

    def opaque(self):
        """The containers above and the agent's weak references, for the ``heapu`` search:
        none of them is a candidate and their contents need not be searched.  (A weak
        reference the root reaches is not the agent's alone: CPython shares one basic weak
        reference per object, e.g. with a class's ``__subclasses__`` table, and such a
        one stays in the heap.)"""
        out = set(self.hidden())
        for c in [self.cur] + self.olds:
            out.update(map(id, c.wrs.values()))
        return out

    def chunk(self, objs, ids, types, sizes, root):
        """First-seen marks (array 'I') of one chunk; ``objs`` are the objects, ``ids``,
        ``types``, ``sizes`` their columns; ``root``: the first is the root (marked 0)."""
        seq = self.seq
        cur = self.cur
        out = array('I')
        olds = self.olds
        if not olds and not self.keep:
            # nothing to compare with and nothing to keep: every object is first seen now
            out.fromlist([seq] * len(ids))
            if root and len(out):
                out[0] = 0
            return out
        keep = self.keep
        index = self.index
        wable = self.weakrefable
        for o, k, t, s in zip(objs, ids, types, sizes):
            if root:
                root = False
                out.append(0)
                continue
            tk = id(t)
            e = wable.get(tk)  # by identity: no metaclass __hash__/__eq__ runs
            if e is not None and e[0] is t:
                w = e[1]
            else:
                w = bool(_weakrefoffset(t)) and not any(t is x for x in _NO_WITNESS)
                wable[tk] = (t, w)
            first = seq
            for c, ix in zip(olds, index):
                j = ix.get(k)
                if j is None:
                    continue
                if w:
                    r = c.wrs.get(k)
                    same = r is not None and r() is o
                else:
                    same = c.tids[j] == tk and c.sizes[j] == s
                if same:
                    first = c.first[j]
                    break
            out.append(first)
            if not keep:
                continue
            cur.ids.append(k)
            cur.tids.append(tk)
            cur.sizes.append(s)
            cur.first.append(first)
            if w:
                try:
                    cur.wrs[k] = _wr_type(o)
                except TypeError:
                    pass
        return out

    def finish(self):
        """Makes this capture the previous one (and the reference point for setref) when
        it is kept; drops every transient table either way."""
        p = self.p
        self.index = []
        self.olds = []
        self.weakrefable = {}
        cur, self.cur = self.cur, None
        if self.keep:
            p.prev = cur
        if self.is_setref:
            p.ref = cur
        return cur

    def meta(self):
        """META keys of this capture (docs/format.md)."""
        p = self.p
        d = {'process': p.meta(), 'capture_seq': self.seq}
        if p.ref is not None and not self.is_setref:
            d['reference'] = {'seq': p.ref.seq, 'time': p.ref.time, 'objects': len(p.ref.ids)}
        return d


def reference():
    """The reference point as {'seq', 'time', 'objects'}, or None."""
    r = process().ref
    return None if r is None else {'seq': r.seq, 'time': r.time, 'objects': len(r.ids)}

