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

import builtins
import gc
import sys
import threading
import types
from array import array
from itertools import compress, count

from . import _names as N
from . import _redact as R
from ._labels import type_label
from ._preview import preview_func
from ._writer import NONE

LEAF, LIST, TUPLE, DICT, SET, INST, PROD, SUBLIST, SUBTUPLE, SUBDICT, SUBSET = range(11)

_P = 8
_word = N.word
_VER = sys.version_info[:2]


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
        return PROD, N.type_
    if t is types.CodeType:
        return PROD, N.code
    if t is types.FrameType:
        return PROD, N.frame
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
            issubclass(t, types.BuiltinFunctionType) and not t.__flags__ & N.HEAPTYPE):
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
    if not t.__flags__ & N.HAVE_GC:
        return LEAF, None
    if issubclass(t, (dict, list, tuple, set, frozenset)):
        return PROD, N.generic_container
    return PROD, N.generic


def _codec_roots():
    """Interpreter-state containers Python cannot name: found by their contents."""
    out = []
    try:
        import codecs
        import encodings
        strict = codecs.lookup_error('strict')
        info = codecs.lookup('utf-8')
        search = encodings.search_function
        bdict = builtins.__dict__
        ecache = getattr(encodings, '_cache', None)
        forkfns = [getattr(sys.modules.get('threading'), '_after_fork', None)]
        lg = sys.modules.get('logging')
        forkfns += [getattr(lg, '_acquireLock', None), getattr(lg, '_releaseLock', None),
                    getattr(lg, '_after_at_fork_child_reinit_locks', None)]
        forkfns = [f for f in forkfns if f is not None]
        found = {}
        for r in gc.get_referrers(strict, info, search, len, *forkfns):
            tr = type(r)
            if tr is list and r and r[0] is search and 'path' not in found:
                found['path'] = r
            elif tr is list and forkfns and r is not forkfns:
                ids = set(map(id, r))
                if lg is not None and id(lg._acquireLock) in ids:
                    found.setdefault('before', r)
                elif lg is not None and id(lg._releaseLock) in ids:
                    found.setdefault('parent', r)
                elif any(id(f) in ids for f in forkfns):
                    found.setdefault('child', r)
            elif tr is dict and r is not bdict and r is not ecache:
                if r.get('strict') is strict and 'ignore' in r:
                    found.setdefault('errors', r)
                elif (r.get('len') is len and '__build_class__' in r
                      and '__import__' in r):
                    if len(r) > len(found.get('bcopy', ())):
                        found['bcopy'] = r
                elif r and all(type(v) is type(info) for v in r.values()):
                    found.setdefault('cache', r)
        for k, n in (('path', '.i0_codec_search_path'), ('cache', '.i0_codec_search_cache'),
                     ('errors', '.i0_codec_error_registry'),
                     ('bcopy', '.i0_builtins_copy'), ('before', '.i0_before_forkers'),
                     ('parent', '.i0_after_forkers_parent'),
                     ('child', '.i0_after_forkers_child')):
            if k in found:
                out.append((found[k], n))
    except Exception:
        pass
    return out


def _thread_dict():
    """The calling thread's state dict (ts->dict), as PyThreadState_GetDict gives."""
    try:
        import ctypes
        f = ctypes.pythonapi.PyThreadState_GetDict
        f.restype = ctypes.c_void_p
        f.argtypes = []
        p = f()
        return N.obj_from_ptr(p) if p else None
    except Exception:
        return None


def _heapy_tag():
    """guppy's hiding tag, if guppy.heapy is loaded (else None)."""
    v = sys.modules.get('guppy.heapy.View')
    try:
        return v._GLUECLAMP_.__dict__.get('_hiding_tag_') if v is not None else None
    except Exception:
        return None


def _thread_context():
    """The calling thread's current contextvars.Context (ts->context).

    Python only hands out copies; the copy shares its variable map (a HAMT)
    with the current context, which is the other Context referring to it."""
    try:
        import contextvars
        cp = contextvars.copy_context()
        p = N.word(id(cp) + 3 * 8)  # PyContext: head, ctx_prev, ctx_vars
        if not p:
            return None
        hamt = N.obj_from_ptr(p)
        ct = type(cp)
        for r in gc.get_referrers(hamt):
            if type(r) is ct and r is not cp and N.word(id(r) + 3 * 8) == p:
                return r
    except Exception:
        pass
    return None


def root_edges(caller, interp_state=True):
    """The root's edges, named like heapy's RootState attributes."""
    e = [(sys.modules, '.i0_modules')]
    imp = sys.modules.get('_frozen_importlib')
    if imp is not None:
        e.append((imp, '.i0_importlib'))
    imf = builtins.__dict__.get('__import__')
    if imf is not None:
        e.append((imf, '.i0_import_func'))
    e.append((sys.__dict__, '.i0_sysdict'))
    e.append((builtins.__dict__, '.i0_builtins'))
    if interp_state:
        e.extend(_codec_roots())
    me = threading.get_ident()
    frames = sys._current_frames()
    frames[me] = caller
    for tid, f in sorted(frames.items()):
        if f is None:
            continue
        depth = 0
        b = f.f_back
        while b is not None:
            depth += 1
            b = b.f_back
        e.append((f, '.i0_t%d_f%d' % (tid, depth)))
    del frames
    t = 'i0_t%d_' % me
    td = _thread_dict()
    if td is not None:
        e.append((td, '.' + t + 'dict'))
    ctx = _thread_context()
    if ctx is not None:
        e.append((ctx, '.' + t + 'context'))
    ei = sys.exc_info()
    if _VER >= (3, 11):
        if ei[1] is not None:
            e.append((ei[1], '.' + t + 'exc_value'))
    else:
        for v, n in zip(ei, ('exc_type', 'exc_value', 'exc_traceback')):
            if v is not None:
                e.append((v, '.' + t + n))
    for v, n in ((sys.getprofile(), 'c_profileobj'), (sys.gettrace(), 'c_traceobj')):
        if v is not None:
            e.append((v, '.' + t + n))
    hooks = sys.get_asyncgen_hooks()
    for v, n in zip(hooks, ('async_gen_firstiter', 'async_gen_finalizer')):
        if v is not None:
            e.append((v, '.' + t + n))
    return e


def _agent_chain(top, caller, agent_frames):
    """The agent's frames from ``top`` (the walk's) outwards: ``top`` and up to
    ``agent_frames`` callers, stopping at ``caller``.  heapy's root reaches the calling
    frame through its own query frames, so a module global's shortest path is through
    ``sys.modules``, never the caller's ``f_globals``; these frames play that part."""
    chain = [top]
    f = top.f_back
    for _ in range(agent_frames):
        if f is None or f is caller:
            break
        chain.append(f)
        f = f.f_back
    return chain


def _agent_frame_edges(f):
    """An agent frame's edges: its ``f_back`` only."""
    b = f.f_back
    return ([b], ['.f_back']) if b is not None else ([], [])


def _tracer():
    """tracemalloc's raw object-traceback function if tracemalloc is tracing, else None.

    It returns the allocation frames most recent first, as (filename, lineno) pairs."""
    tm = sys.modules.get('tracemalloc')
    if tm is None or not tm.is_tracing():
        return None
    f = getattr(tm, '_get_object_traceback', None)
    if f is None:
        return None
    if _VER != (3, 11):
        return f
    # 3.11's _get_object_traceback misses objects with a managed dict: it does not
    # subtract their two pre-header words from the address (fixed in 3.12); ask
    # for the block's true start, as heapy's C code does
    try:
        import ctypes
        raw = ctypes.pythonapi._PyTraceMalloc_GetTraceback
        raw.restype = ctypes.py_object
        raw.argtypes = [ctypes.c_uint, ctypes.c_size_t]
    except Exception:
        return f
    gc_pre = 2 * _P  # PyGC_Head

    def tb(o, f=f, raw=raw, MANAGED=N.MANAGED_DICT, GC=N.HAVE_GC):
        fl = type(o).__flags__
        if fl & MANAGED and fl & GC:
            return raw(0, id(o) - gc_pre - 2 * _P)
        return f(o)
    return tb


_HEAPY_PRIVATE = {('guppy.heapy.View', 'Gchook_type'), ('guppy.heapy.View', 'ClearCallback')}
_NOT_AGENTS = frozenset((types.MemberDescriptorType, types.GetSetDescriptorType,
                         types.WrapperDescriptorType, types.MethodDescriptorType,
                         types.ClassMethodDescriptorType,
                         types.ModuleType, types.CodeType))
_HEAPY_PRIVATE_R = {(n, m) for m, n in _HEAPY_PRIVATE}


def _add_unreachable(objs, index, hidden, frame, agent_frames, tagged=(), opaque=()):
    """Append heapy's ``heapu`` seeds to ``objs``: GC-tracked objects the walk did not reach.

    Like guppy's ``View.heapu``: every object of ``gc.get_objects()`` that is not
    reachable from the root, except guppy's ``Gchook_type`` and ``ClearCallback``
    objects.  (The walker then closes the set under referents, as heapu does.)
    Hidden too: the agent's own state, i.e. everything reachable from the locals of
    the agent's frames (``frame`` and ``agent_frames`` callers) that the root does
    not reach, those frame objects, and the list ``gc.get_objects()`` returns; and,
    as heapy hides its own session, everything reachable from the dicts carrying
    guppy's hiding tag (``tagged``) that the root does not reach.  ``opaque``: identities
    of agent objects that are neither candidates nor searched (the identity state)."""
    own = [sys._getframe(), frame]
    f = frame
    for _ in range(agent_frames):
        f = f.f_back
        if f is None:
            break
        own.append(f)
    # the agent's containers are expanded (their contents are hidden too), except the
    # two that hold every heap object
    hide = {id(objs), id(index), id(opaque)}
    hide.update(opaque)
    stack = [N._members_cache, hidden]
    hide.add(id(N.static_subclasses))
    index_get = index.get
    get_referents = gc.get_referents
    tag = _heapy_tag()
    x = k = loc = None
    hide.update(map(id, own))
    hide.update((id(hide), id(stack), id(own), id(index_get), id(get_referents)))
    for f in own:
        loc = f.f_locals
        hide.add(id(loc))
        stack.extend(loc.values())
    while stack:
        x = stack.pop()
        k = id(x)
        if k in hide or index_get(k) is not None:
            continue
        t = type(x)
        if t in _NOT_AGENTS or issubclass(t, type):
            # types and descriptors are keys and values of the agent's caches but
            # never made by it: they stay candidates for heapu
            continue
        hide.add(k)
        stack.extend(get_referents(x))
    # heapy's session: all it reaches is hidden
    for d in tagged:
        stack.extend(d.values())
    while stack:
        x = stack.pop()
        k = id(x)
        if k in hide or index_get(k) is not None:
            continue
        hide.add(k)
        stack.extend(get_referents(x))
    f = loc = x = None
    hide.update(hidden)
    gcobjs = gc.get_objects()
    hide.add(id(gcobjs))
    cand = []
    for x in gcobjs:
        k = id(x)
        if k in hide or index_get(k) is not None:
            continue
        t = type(x)
        if tag is not None:
            # heapy does not see its own objects: dicts tagged with its hiding tag and
            # guppy objects that carry the tag (in a slot or in their dict)
            if t is dict:
                if x.get('_hiding_tag_') is tag:
                    hide.add(k)
                    continue
            elif str(getattr(t, '__module__', '')).startswith('guppy.'):
                if (t.__name__, t.__module__) in _HEAPY_PRIVATE_R:
                    hide.add(k)
                    continue
                try:
                    h = getattr(x, '_hiding_tag_', None)
                except Exception:
                    h = None
                if h is tag:
                    hide.add(k)
                    continue
        cand.append(x)
    del gcobjs
    new = []
    for x in cand:
        t = type(x)
        if (getattr(t, '__module__', None), t.__name__) in _HEAPY_PRIVATE:
            continue
        new.append(x)
    del cand
    hidden.update(hide)
    n = len(objs)
    for j, x in enumerate(new):
        index[id(x)] = n + j
    objs.extend(new)
    del new[:]


#: the native walker, ``[function or None, is-it-on function]``: ``_native`` sets it when
#: ``heaplens_native`` imports.  ``walk`` calls it itself, so the walk's frame the snapshot
#: shows (the calling thread's newest frame, as heapy's query frames) is the same with
#: either walker.
NATIVE = [None, None]


def walk(w, caller, chunk=65536, interp_state=True, hide_heapy=True, previews=True,
         producers=True, unreachable=True, _agent_frames=1, values='all', track=None):
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

    Returns a dict of statistics (objects, edges, strings, materialized_dicts,
    unreachable, previews, producers)."""
    if NATIVE[0] is not None and values == 'all' and NATIVE[1]():
        return NATIVE[0](w, caller, sys._getframe(), chunk, interp_state, hide_heapy, previews,
                         producers, unreachable, _agent_frames, track)
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
    sites = {}
    tagged = []  # dicts not entered because of guppy's hiding tag
    stats = {'materialized_dicts': 0, 'previews': 0, 'producers': 0, 'unreachable': 0}
    rkeys = R.Keys(R.check_mode(values)) if values != 'all' else None
    dunder = None  # the string number of '.__dict__' (redacting walks only)
    state = (objs, index, strs, newstrs, tnum, tlist, tlabel, kinds, keycache,
             modn_o, modn_s, addr, typ, deg, et, en, stats, w, pv_o, pv_s, pd_o, pd_s,
             pfuncs, sites, tagged) + ((rkeys,) if rkeys is not None else ())
    hidden = {id(x) for x in state + (N._members_cache, N.static_subclasses)}
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
        n = len(o)
        if not n:
            return [], []
        if hide_tag is not None and dict_get(o, '_hiding_tag_') is hide_tag:
            tagged.append(o)
            return [], []
        keys = list(dict_keys(o))
        vals = list(dict_values(o))
        if rkeys is not None and id(o) not in rkeys.owned:
            nm = [S(rkeys.name(keyname(k))) for k in keys]
        else:
            nm = list(map(kc_get, keys))
        if None in nm:
            for j, v in enumerate(nm):
                if v is None:
                    k = keys[j]
                    v = S(keyname(k))
                    if type(k) is str:
                        keycache[k] = v
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
        tns = list(map(tnum_get, ts))
        if None in tns:
            for t in ts:
                if tnum_get(t) is None:
                    tnum[t] = len(tlist)
                    tlist.append(t)
                    tlabel.append(S(type_label(t)))
            tns = list(map(tnum_get, ts))
        addr.extend(map(id, part))
        typ.extend(tns)
        if a == 0:
            addr[0] = 0
            typ[0] = NONE
        if newstrs:
            w.strings(newstrs)
            del newstrs[:]
        try:
            sizes = array('Q', map(getsizeof, part))
        except Exception:
            sizes = array('Q')
            for x in part:
                try:
                    sizes.append(getsizeof(x))
                except Exception:
                    sizes.append(0)
        if a == 0:
            sizes[0] = 0
        if previews:
            for t in ts:
                if t not in pfuncs:
                    pfuncs[t] = R.preview_func(preview_func(t), t, values)
            fs = list(map(pfuncs_get, ts))
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

    if interp_state:
        N.static_subclasses.update(N.find_static_subclasses())
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
            kp = kinds_get(t)
            if kp is None:
                kp = kinds[t] = _classify(t)
            k = kp[0]
            if k == LEAF:
                deg_append(0)
            elif k == TUPLE or k == LIST:
                n = len(o)
                emit(o, range(TAG_INDEX, TAG_INDEX + n) if n <= LOW else seq_names(TAG_INDEX, n))
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
                    try:
                        mn = o.__name__
                    except Exception:
                        mn = None
                    if isinstance(mn, str):
                        modn_o.append(i)
                        modn_s.append(S(mn))
            else:
                # was the managed dict absent before we asked for it?  (3.12 keeps
                # dict-or-values in one slot, values tagged with the low bit)
                pre = managed_check and t.__flags__ & MANAGED and _no_dict(_word(id(o) - 3 * _P))
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
                            tg = list((list if k == SUBLIST else tuple).__iter__(o))
                            nm = list(seq_names(TAG_INDEX, len(tg)))
                    tg.extend(xt)
                    nm.extend(conv(xn))
                if pre and not _no_dict(_word(id(o) - 3 * _P)):
                    mat += 1
                emit(tg, nm)
            i += 1
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
    del objs[:]
    index.clear()
    N._members_cache.clear()
    N.static_subclasses.clear()
    return stats
