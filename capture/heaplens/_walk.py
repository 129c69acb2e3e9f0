"""The heap walk: from heapy's root state to every reachable object, streamed.

Objects are numbered in the order they are discovered (breadth first; 0 is the
synthetic root).  Each object is processed once: its type is registered, its
edges are produced (containers inline, everything else through the producers
in ``_names``) and appended to flat ``array`` columns.  Every ``chunk``
processed objects the columns are flushed as ``STRC``/``OBJC``/``EDGC``
sections and cleared, so memory holds one chunk of columns plus the
identity index (``id -> number``) and the list that keeps discovered objects
alive for the duration of the walk.

None of the walker's own objects is reachable from the root: the walk starts
at the caller's frame, and its state lives only in this function's locals.  As
a belt-and-braces measure the identities of that state are pre-registered as
hidden, so that an edge to them, should one ever appear, is dropped.
"""

import gc
import sys
import types
from array import array
from itertools import compress, count

from . import _cfields as CF
from . import _names as N
from . import _redact as R
from ._labels import type_label
from ._preview import preview_func
from ._writer import NONE
from ._guard import RATE_NATIVE, RATE_PURE
from ._heapu import _add_unreachable, _tracer
from ._roots import (_agent_chain, _agent_frame_edges, _heapy_tag,  # noqa: F401
                     root_edges)

LEAF, LIST, TUPLE, DICT, SET, INST, PROD, SUBLIST, SUBTUPLE, SUBDICT, SUBSET = range(11)

_P = 8
_word = N.word
_VER = sys.version_info[:2]
TF = type.__dict__['__flags__'].__get__  # (not t.__flags__: a metaclass could run code)


if _VER == (3, 12):
    def _no_dict(w):
        return not w or w & 1
else:
    def _no_dict(w):
        return not w


def _classify(t):
    """(kind, producer) for type t."""
    if t is list:
        return LIST, None
    if t is tuple:
        return TUPLE, None
    if t is dict:
        return DICT, None
    if t is set or t is frozenset:
        return SET, None
    if issubclass(t, type):
        return PROD, CF.type_
    if t is types.CodeType:
        return PROD, CF.code
    if t is types.FrameType:
        return PROD, CF.frame
    if t is types.FunctionType:
        return PROD, N.function
    if issubclass(t, types.ModuleType):
        return PROD, N.module
    if t is types.CellType if hasattr(types, 'CellType') else False:
        return PROD, N.cell
    if t is types.TracebackType:
        return PROD, N.traceback
    if t is types.MappingProxyType:
        return PROD, N.mappingproxy
    if t is types.BuiltinFunctionType or (
            issubclass(t, types.BuiltinFunctionType) and not TF(t) & N.HEAPTYPE):
        return PROD, N.cfunction
    if N.is_python_class(t):
        sb = N.solid_base(t)
        if sb is object:
            return INST, None
        if sb is list:
            return SUBLIST, None
        if sb is tuple:
            return SUBTUPLE, None
        if sb is dict:
            return SUBDICT, None
        if sb is set or sb is frozenset:
            return SUBSET, None
        return PROD, N.generic
    if not TF(t) & N.HAVE_GC:
        return LEAF, None
    if issubclass(t, (dict, list, tuple, set, frozenset)):
        return PROD, N.generic_container
    return PROD, N.generic


#: the native walker, ``[function or None, is-it-on function]``: ``_native`` sets it when
#: ``heaplens_native`` imports.  ``walk`` calls it itself, so the walk's frame the snapshot
#: shows (the calling thread's newest frame, as heapy's query frames) is the same with
#: either walker.
NATIVE = [None, None]


def rate(values='all'):
    """The conservative speed (objects/s) of the walker a walk with ``values`` uses."""
    native = NATIVE[0] is not None and values == 'all' and NATIVE[1]()
    return RATE_NATIVE if native else RATE_PURE


def walk(w, caller, chunk=65536, interp_state=True, hide_heapy=True, previews=True,
         producers=True, unreachable=True, _agent_frames=1, values='all', track=None,
         guard=None):
    """Walk the heap from the root and stream it to Writer ``w``.

    ``hide_heapy``: like heapy, do not enter a dict whose ``_hiding_tag_`` item
    is guppy's hiding tag (guppy marks its own namespaces so), so a process
    running guppy shows the same heap to both tools.

    ``previews``: write ``prev`` (``_preview.py``).  ``producers``: when
    tracemalloc is tracing, write ``prod`` (the newest frame of each object's
    allocation traceback, ``file:line``).  ``unreachable``: after the reachable
    objects, add heapy's ``heapu`` (GC-tracked objects the root does not reach,
    closed under their referents) and list them in ``unrc``.
    ``_agent_frames``: how many frames above this one belong to the agent (their
    locals are hidden from ``heapu``).
    ``values``: ``'all'``, ``'none'`` or ``'redact'``: what data text is written
    (``_redact.py``, ``docs/redaction.md``).
    ``track``: an ``_identity.Tracker`` that marks
    each object with its first-seen capture (written as ``seen``); its state is hidden.
    ``guard``: a ``_guard.Quiet`` whose ``check()`` the walk calls every 4096 objects
    (it raises ``CaptureTimeout`` past the deadline).

    Returns a dict of statistics (objects, edges, strings, materialized_dicts,
    unreachable, previews, producers)."""
    # the walk's frame object is made here, for either walker (on 3.11+ it is made when
    # first asked for, and its allocation site, with tracemalloc on, is that line)
    sys._getframe()
    if NATIVE[0] is not None and values == 'all' and NATIVE[1]():
        return NATIVE[0](w, caller, sys._getframe(), chunk, interp_state, hide_heapy, previews,
                         producers, unreachable, _agent_frames, track, guard)
    objs = [None]
    index = {}
    strs = {}
    newstrs = []
    tnum = {}
    tlist = []
    tlabel = []
    kinds = {}
    keycache = {}
    modn_o = array('I')
    modn_s = array('I')
    addr = array('Q')
    typ = array('I')
    deg = array('I')
    et = array('I')
    en = array('I')
    pv_o = array('I')
    pv_s = array('I')
    pd_o = array('I')
    pd_s = array('I')
    pfuncs = {}
    pysize = {}  # id(type) -> size function, for classes that define __sizeof__ in Python
    sites = {}
    tagged = []  # dicts not entered because of guppy's hiding tag
    stats = {'materialized_dicts': 0, 'previews': 0, 'producers': 0, 'unreachable': 0}
    rkeys = R.Keys(R.check_mode(values)) if values != 'all' else None
    dunder = None  # the string number of '.__dict__' (redacting walks only)
    state = (objs, index, strs, newstrs, tnum, tlist, tlabel, kinds, keycache,
             modn_o, modn_s, addr, typ, deg, et, en, stats, w, pv_o, pv_s, pd_o, pd_s,
             pfuncs, sites, tagged, pysize) + ((rkeys,) if rkeys is not None else ())
    hidden = {id(x) for x in state + (N._members_cache, CF.static_subclasses,
                                      CF.subclass_dicts)}
    hidden.add(id(state))
    hidden.add(id(hidden))
    if track is not None:
        hidden.update(track.hidden())

    index_get = index.get
    strs_get = strs.get
    kinds_get = kinds.get
    tnum_get = tnum.get
    kc_get = keycache.get
    getsizeof = sys.getsizeof
    get_referents = gc.get_referents
    dict_keys = dict.keys
    dict_values = dict.values
    dict_get = dict.get
    dict_len = dict.__len__
    dense_items = N.dense_items
    hide_tag = _heapy_tag() if hide_heapy else None
    et_extend = et.extend
    en_extend = en.extend
    deg_append = deg.append
    objs_extend = objs.extend
    objs_append = objs.append
    index_update = index.update
    TAG_INDEX, TAG_KEY, TAG_SET, LOW = N.TAG_INDEX, N.TAG_KEY, N.TAG_SET, N.LOW
    MANAGED = N.MANAGED_DICT
    keyname = N.keyname
    managed_check = _VER >= (3, 11)
    tb_of = _tracer() if producers else None
    pfuncs_get = pfuncs.get
    sites_get = sites.get

    def S(s):
        n = strs_get(s)
        if n is None:
            n = len(strs)
            if n > LOW:
                raise OverflowError('more than 2**29 distinct strings')
            strs[s] = n
            newstrs.append(s)
        return n

    def emit(tg, nm):
        """Append edges to targets ``tg`` (objects) named ``nm`` (codes)."""
        if rkeys is not None:
            rkeys.note(tg, nm, dunder)
        ids = list(map(id, tg))
        nums = list(map(index_get, ids))
        if None in nums:
            if len(nums) < 32:
                for j, n in enumerate(nums):
                    if n is None:
                        k = ids[j]
                        n = index_get(k)
                        if n is None:
                            if k in hidden:
                                continue
                            n = index[k] = len(objs)
                            objs_append(tg[j])
                        nums[j] = n
            else:
                # number the new objects in order of first appearance, in bulk
                new = {id(x): x for x, n in zip(tg, nums) if n is None}
                for k in hidden.intersection(new):
                    del new[k]
                index_update(zip(new, count(len(objs))))
                objs_extend(new.values())
                nums = list(map(index_get, ids))
            if None in nums:  # an edge to the agent's own state: drop it
                keep = [j for j, n in enumerate(nums) if n is not None]
                nums = [nums[j] for j in keep]
                nm = [nm[j] for j in keep]
        et_extend(nums)
        en_extend(nm)
        deg_append(len(nums))

    def seq_names(tag, n):
        if n <= LOW + 1:
            return range(tag, tag + n)
        return [tag | i if i <= LOW else S('[%d]' % i if tag == TAG_INDEX else
                                         'list(_)[%d]' % i if tag == TAG_SET else
                                         '.keys()[%d]' % i) for i in range(n)]

    def dict_edges(o):
        n = dict_len(o)
        if not n:
            return [], []
        if hide_tag is not None and dict_get(o, '_hiding_tag_') is hide_tag:
            tagged.append(o)
            return [], []
        keys = list(dict_keys(o))
        vals = list(dict_values(o))
        if rkeys is not None and id(o) not in rkeys.owned:
            nm = [S(rkeys.name(keyname(k))) for k in keys]
        elif len(set(map(type, keys))) == 1 and type(keys[0]) is str:
            nm = list(map(kc_get, keys))  # str keys only: hashing them runs no code
        else:
            nm = [None] * n  # a lookup would hash (and compare) the other keys
        if None in nm:
            for j, v in enumerate(nm):
                if v is None:
                    k = keys[j]
                    if type(k) is str:
                        v = kc_get(k)
                        if v is None:
                            v = keycache[k] = S(keyname(k))
                    else:
                        v = S(keyname(k))
                    nm[j] = v
        if len(get_referents(o)) != n:  # a general dict: its keys are visited
            vals.extend(keys)
            nm.extend(seq_names(TAG_KEY, n))
        return vals, nm

    def conv(nm):
        return [S(x) if type(x) is str else x for x in nm]

    def flush(a, b):
        if newstrs:
            w.strings(newstrs)
            del newstrs[:]
        part = objs[a:b]
        if a == 0:
            part[0] = 0
        ts = list(map(type, part))
        tids = list(map(id, ts))  # types are looked up by identity (a metaclass's
        tns = list(map(tnum_get, tids))  # __hash__ and __eq__ are the program's code)
        if None in tns:
            for t in ts:
                if tnum_get(id(t)) is None:
                    tnum[id(t)] = len(tlist)
                    tlist.append(t)
                    tlabel.append(S(type_label(t)))
                    f = N.own_sizeof(t)
                    if f is not None:
                        pysize[id(t)] = f
            tns = list(map(tnum_get, tids))
        addr.extend(map(id, part))
        typ.extend(tns)
        if a == 0:
            addr[0] = 0
            typ[0] = NONE
        if newstrs:
            w.strings(newstrs)
            del newstrs[:]
        try:
            if pysize and not pysize.keys().isdisjoint(tids):
                raise TypeError  # a class's own __sizeof__ is the program's code
            sizes = array('Q', map(getsizeof, part))
        except Exception:
            sizes = array('Q')
            for x, t in zip(part, ts):
                try:
                    f = pysize.get(id(t))
                    sizes.append(getsizeof(x) if f is None else f(x))
                except Exception:
                    sizes.append(0)
        if a == 0:
            sizes[0] = 0
        if previews:
            for t in ts:
                if id(t) not in pfuncs:
                    pfuncs[id(t)] = R.preview_func(preview_func(t), t, values)
            fs = list(map(pfuncs_get, tids))
            if a == 0:
                fs[0] = None
            for j in compress(range(a, b), fs):
                try:
                    txt = fs[j - a](objs[j])
                except Exception:
                    continue
                pv_o.append(j)
                pv_s.append(S(txt))
        if tb_of is not None:
            for j in range(max(a, 1), b):
                try:
                    tb = tb_of(objs[j])
                except Exception:
                    continue
                if tb:
                    fr = tb[0]
                    sn = sites_get(fr)
                    if sn is None:
                        sn = sites[fr] = S('%s:%d' % fr)
                    pd_o.append(j)
                    pd_s.append(sn)
        if newstrs:
            w.strings(newstrs)
            del newstrs[:]
        w.objects(addr, typ, sizes, deg)
        if track is not None:
            w.seen(track.chunk(part, addr, ts, sizes, a == 0))
        w.edges(et, en)
        if modn_o:
            w.modnames(modn_o, modn_s)
        if pv_o:
            w.previews(pv_o, pv_s)
            stats['previews'] += len(pv_o)
        if pd_o:
            w.producers(pd_o, pd_s)
            stats['producers'] += len(pd_o)
        for arr in (addr, typ, deg, et, en, modn_o, modn_s, pv_o, pv_s, pd_o, pd_s):
            del arr[:]

    try:
        CF.subclass_dicts.clear()
        sc = CF.find_static_subclasses()
        if interp_state:
            CF.static_subclasses.update(sc)
        del sc
        # object 0: the root.  Its frame edge for this thread goes, as heapy's does, to the
        # thread's current frame: ours (the walk's), whose f_back chain passes the agent's
        # frames before the caller, as heapy's own query frames do.  Agent frames show their
        # f_back edge only: their locals are the agent's state.
        agent_frames = _agent_chain(sys._getframe(), caller, _agent_frames)
        agent_ids = {id(f) for f in agent_frames}
        hidden.update((id(agent_frames), id(agent_ids)))
        re = root_edges(agent_frames[0], interp_state)
        # object 0: the root
        if rkeys is not None:
            dunder = S('.__dict__')
            rkeys.owned.update(id(x) for x, _ in re)
        emit([x for x, _ in re], [S(n) for _, n in re])
        del re

        i = 1
        start = 0
        mat = 0
        n_reach = 0
        for phase in (0, 1) if unreachable else (0,):
            if phase == 1:
                n_reach = len(objs)
                _add_unreachable(objs, index, hidden, sys._getframe(), _agent_frames, tagged,
                                 track.opaque() if track is not None else ())
            while i < len(objs):
                o = objs[i]
                t = type(o)
                kp = kinds_get(id(t))
                if kp is None:
                    kp = kinds[id(t)] = _classify(t)
                k = kp[0]
                if k == LEAF:
                    deg_append(0)
                elif k == TUPLE or k == LIST:
                    n = len(o)
                    tg = dense_items(o, n)
                    if tg is not None:
                        emit(tg, range(TAG_INDEX, TAG_INDEX + n) if n <= LOW
                             else seq_names(TAG_INDEX, n))
                    else:  # an empty slot (a C extension's tuple): only the filled ones
                        tg, idx = N.seq_items(o, n, k == LIST)
                        emit(tg, conv(N.index_names(idx)))
                elif k == DICT:
                    tg, nm = dict_edges(o)
                    emit(tg, nm)
                elif k == SET:
                    # heapy names every set member 'list(_)[0]' (its set_relate never
                    # advances the index), so do we
                    tg = list(o)
                    emit(tg, [TAG_SET] * len(tg))
                elif k == PROD:
                    if t is types.FrameType and id(o) in agent_ids:
                        tg, nm = _agent_frame_edges(o)
                    else:
                        tg, nm = kp[1](o)
                    if rkeys is not None:
                        nm = rkeys.names(o, nm)
                    emit(tg, conv(nm))
                    if t is types.ModuleType:  # heapy's bymodule: exact modules only
                        d = N.get_dict(o)  # (not o.__name__: a module __getattr__ may run)
                        mn = dict_get(d, '__name__') if type(d) is dict else None
                        if isinstance(mn, str):
                            modn_o.append(i)
                            modn_s.append(S(mn))
                else:
                    # was the managed dict absent before we asked for it?  (3.12 keeps
                    # dict-or-values in one slot, values tagged with the low bit)
                    pre = managed_check and TF(t) & MANAGED and _no_dict(_word(id(o) - 3 * _P))
                    if k == INST:
                        tg, nm = N.instance(o)
                        nm = conv(nm)
                    else:
                        xt, xn = N.extras(o, t)
                        if k == SUBDICT:
                            tg, nm = dict_edges(o)
                        else:
                            if k == SUBSET:
                                tg = list((frozenset if issubclass(t, frozenset) else set).__iter__(o))
                                nm = [TAG_SET] * len(tg)
                            else:
                                tg, idx = N.seq_items(
                                    o, (list if k == SUBLIST else tuple).__len__(o), k == SUBLIST)
                                nm = conv(N.index_names(idx))
                        tg.extend(xt)
                        nm.extend(conv(xn))
                    if pre and not _no_dict(_word(id(o) - 3 * _P)):
                        mat += 1
                    emit(tg, nm)
                i += 1
                if not i & 4095 and guard is not None:
                    guard.check()
                if i - start >= chunk:
                    flush(start, i)
                    start = i
        flush(start, i)
        # types: object numbers are known only now (a type may be found late)
        tob = array('I', (index_get(id(t), NONE) for t in tlist))
        for j, v in enumerate(tob):
            if v >= len(objs):
                tob[j] = NONE
        if newstrs:
            w.strings(newstrs)
            del newstrs[:]
        w.types(tob, tlabel)
        if n_reach < len(objs) and unreachable:
            w.unreachable(range(n_reach, len(objs)))
        stats['unreachable'] = len(objs) - n_reach if unreachable else 0
        stats['objects'] = len(objs)
        stats['edges'] = w.nedge
        stats['strings'] = len(strs)
        stats['types'] = len(tlist)
        stats['materialized_dicts'] = mat
        return stats
    finally:
        # also when the walk fails or times out: nothing of the capture stays behind
        del objs[:]
        index.clear()
        N._members_cache.clear()
        CF.static_subclasses.clear()
        CF.subclass_dicts.clear()
