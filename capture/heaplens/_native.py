"""The walk with the native walker (``capture/native``, module ``heaplens_native``).

``_walk.walk`` hands a ``values='all'`` walk to ``native_walk`` when ``heaplens_native``
imports (with the interface this module expects) and ``HEAPLENS_PURE_PYTHON`` is not set
to anything but ``0``; ``NATIVE`` says whether it does, ``WHY`` why not, ``use(False)``
switches back to the pure walker (the switch lives in the extension, out of the heap).
Both walkers write snapshots whose every relation's table is the same for the same heap
(``capture/tests/test_native.py``).  What runs in Rust and what in Python, and what is
read by offset: ``capture/README.md``, "The native walker".
"""

import gc
import os
import sys
import time
import types
from array import array

from . import _cfields as CF
from . import _heapu as HU
from . import _names as N
from . import _roots as RT
from . import _walk as W
from ._labels import type_label
from ._preview import _bytes, _function, _int, _str, preview_func

NATIVE = False
WHY = None
_hn = None
_API = 7  # heaplens_native.API this module is written for
if os.environ.get('HEAPLENS_PURE_PYTHON', '') not in ('', '0'):
    WHY = 'HEAPLENS_PURE_PYTHON=%s' % os.environ['HEAPLENS_PURE_PYTHON']
elif sys.implementation.name != 'cpython':
    WHY = 'not CPython'
elif __import__('sysconfig').get_config_var('Py_GIL_DISABLED'):
    # the walk's consistency rests on holding the GIL from the first object to the last
    WHY = 'free-threaded interpreter: the native walker needs the GIL'
else:
    try:
        import heaplens_native as _hn
        if getattr(_hn, 'API', None) != _API:
            WHY = ('heaplens_native has interface %r, this agent needs %r: rebuild it '
                   '(pip install ./capture/native)' % (getattr(_hn, 'API', None), _API))
            _hn = None
        else:
            NATIVE = True
    except ImportError as e:
        WHY = 'heaplens_native does not import (%s): pip install ./capture/native' % e

_P = 8
_VER = sys.version_info[:2]
_KINDS = {W.LEAF: 0, W.LIST: 1, W.TUPLE: 2, W.DICT: 3, W.SET: 4, W.INST: 5, W.PROD: 6}
_obj_sizeof = object.__dict__['__sizeof__']
_mro = type.__dict__['__mro__'].__get__
# a type's slots read through type's own descriptors: ``t.__flags__`` would look the name
# up on t's metaclass, whose ``__getattribute__`` is the program's code
_TF = N.TF
_TD = N.TD
_TI = type.__dict__['__itemsize__'].__get__
_NOTYPE = type(None)


def _size_mode(t, pysize):
    """How the walker finds ``sys.getsizeof`` of t's instances: (0, None) t's basic size,
    (1, None) basic size + items (``object.__sizeof__`` inherited), (2, d) the C method
    ``d`` (t's inherited builtin ``__sizeof__``), each plus what getsizeof adds (the GC
    header, the pre-header: a function of the type, as no type but ``type`` has
    ``tp_is_gc``); (3, None) ``sys.getsizeof`` itself (a ``__sizeof__`` written in
    Python: never called: the walker's size callable, ``_sizeof``, gives what the pure
    walker gives for it, ``_names.own_sizeof``).  ``pysize`` collects those types."""
    try:
        f = N.own_sizeof(t)
        if f is not None:
            pysize[id(t)] = f  # (by identity: no metaclass __hash__ runs)
            return 3, None
        if issubclass(t, type):
            return 3, None
        for c in _mro(t):
            d = N._type_dict(c)
            if '__sizeof__' in d:
                f = d['__sizeof__']
                if f is _obj_sizeof:
                    return (1 if _TI(t) else 0), None
                if type(f) is types.MethodDescriptorType:
                    return 2, f
                return 3, None
    except Exception:
        pass
    return 3, None


def _frame_cells(f):
    """Identities of the cells frame ``f`` (running: the pure walk's, which handed over)
    made for its closures' variables.  When the pure walker runs they are its state,
    hidden from ``heapu`` through its closures; hidden here too.  On 3.11+ they are read
    as addresses from the ``_PyInterpreterFrame``'s fast locals (as ``_names.frame``
    reads a frame's locals); no object is made from them."""
    co = f.f_code
    cellnames = set(co.co_cellvars) | set(co.co_freevars)
    if _VER < (3, 11):
        return {id(x) for x in gc.get_referents(f) if type(x) is types.CellType}
    if not hasattr(CF, '_fr_f_frame') or not hasattr(CF, '_co_lpn'):
        return set()
    p = N.word(id(f) + CF._fr_f_frame)
    if not p:
        return set()
    names = N.field(co, CF._co_lpn)
    base = p + CF._fr_locals
    out = {N.sref(base + i * _P) for i, nm in enumerate(names) if nm in cellnames}
    out.discard(0)
    return out


class _GcView:
    """``gc`` as ``_heapu._add_unreachable`` sees it during a native walk (``_heapu.gc``, for
    that call only): ``get_objects()`` without the objects the walk already numbered,
    which that function skips anyway."""

    __slots__ = ('get_objects',)

    def __init__(self, get_objects):
        self.get_objects = get_objects

    def __getattr__(self, name):
        return getattr(gc, name)


class _Index:
    """The walker's index as ``_walk._add_unreachable`` uses it: ``get`` (a C function)
    and ``index[k] = n`` (the walker numbers the objects it is given itself)."""

    __slots__ = ('get',)

    def __init__(self, get):
        self.get = get

    def __setitem__(self, k, n):
        pass


def _encode(s):
    """The writer's encoding of a str (``_writer.Writer.strings``)."""
    b = s.encode('utf-8', 'surrogatepass')
    try:
        b.decode('utf-8')
    except UnicodeDecodeError:
        b = s.encode('utf-8', 'backslashreplace')
    return b


def _pmode(t):
    """(mode, function) of the preview of exact type t for the native walker."""
    f = preview_func(t)
    if f is None:
        return 0, None
    if t is str and f is _str:
        return 1, f
    if t is int and f is _int:
        return 2, f
    if t is float and f is repr and _FLOAT_OK:
        return 5, f
    if t is types.FunctionType and f is _function:
        return 6, f
    if t is bytes and f is _bytes:
        return 7, f
    if f is repr and any(t is x for x in (float, bool, complex, _NOTYPE)):
        return 3, f
    return 4, f


def native_walk(w, caller, top, chunk=65536, interp_state=True, hide_heapy=True,
                previews=True, producers=True, unreachable=True, _agent_frames=1, track=None,
                guard=None):
    """``_walk.walk`` (``values='all'``) with the native walker, called by ``_walk.walk``
    (its frame: ``top``) with its arguments; same statistics plus ``walker``.  The
    snapshot is written after the walk (into ``w``: the capture's in-memory file).
    ``guard`` (``_guard.Quiet``) is checked between the walk's phases (the Rust walk itself
    runs to its end: it holds the GIL throughout and calls no program code)."""
    stats = {'materialized_dicts': 0, 'previews': 0, 'producers': 0, 'unreachable': 0}
    pysize = {}  # id(type) -> size function, for classes that define __sizeof__ in Python
    hidden = {id(N._members_cache), id(CF.static_subclasses), id(CF.subclass_dicts),
              id(pysize)}
    if track is not None:
        hidden.update(track.hidden())
    CF.subclass_dicts.clear()
    sc = CF.find_static_subclasses(_hn.subclass_dict_candidates(gc.get_objects()))
    if interp_state:
        CF.static_subclasses.update(sc)
    del sc
    agent_frames = RT._agent_chain(top, caller, _agent_frames)
    agent_ids = {id(f) for f in agent_frames}
    hide_tag = RT._heapy_tag() if hide_heapy else None
    tagged = []  # container subclasses' dicts not entered (guppy's hiding tag)
    managed_check = _VER >= (3, 11)
    MANAGED = N.MANAGED_DICT
    no_dict = W._no_dict
    word = N.word
    get_referents = gc.get_referents
    TAG_KEY, TAG_INDEX, TAG_SET, LOW = N.TAG_KEY, N.TAG_INDEX, N.TAG_SET, N.LOW

    pysize_get = pysize.get
    getsizeof = sys.getsizeof

    def size(o):
        """sys.getsizeof(o), but never a ``__sizeof__`` written in Python (``_size_mode``)."""
        f = pysize_get(id(type(o)))
        return getsizeof(o) if f is None else f(o)

    def frame_prod(o):
        if id(o) in agent_ids:
            return RT._agent_frame_edges(o)
        return CF.frame(o)

    def dict_edges(o):
        n = dict.__len__(o)  # (not len(o): a dict subclass's __len__ is the program's)
        if not n:
            return [], []
        if hide_tag is not None and dict.get(o, '_hiding_tag_') is hide_tag:
            tagged.append(o)
            return [], []
        keys = list(dict.keys(o))
        vals = list(dict.values(o))
        nm = [N.keyname(k) for k in keys]
        if len(get_referents(o)) != n:
            vals.extend(keys)
            nm.extend(TAG_KEY | i if i <= LOW else '.keys()[%d]' % i for i in range(n))
        return vals, nm

    def sub_prod(o):
        """A Python subclass of list, tuple, dict, set or frozenset (as ``_walk.walk``)."""
        t = type(o)
        k = W._classify(t)[0]
        pre = managed_check and _TF(t) & MANAGED and no_dict(word(id(o) - 3 * _P))
        xt, xn = N.extras(o, t)
        if k == W.SUBDICT:
            tg, nm = dict_edges(o)
        elif k == W.SUBSET:
            tg = list((frozenset if issubclass(t, frozenset) else set).__iter__(o))
            nm = [TAG_SET] * len(tg)
        else:
            tg, idx = N.seq_items(o, (list if k == W.SUBLIST else tuple).__len__(o),
                                  k == W.SUBLIST)
            nm = N.index_names(idx)
        tg.extend(xt)
        nm.extend(xn)
        return tg, nm, bool(pre and not no_dict(word(id(o) - 3 * _P)))

    def classify(t):
        k, prod = W._classify(t)
        members = ()
        kc = _KINDS.get(k)
        if kc is None:
            kc, prod = 7, sub_prod
        elif k == W.INST:
            members = N.members(t)
        elif k == W.PROD and t is types.FrameType:
            prod = frame_prod
        elif k == W.PROD and t is types.FunctionType and _FUNC_OK:
            kc = 8
        elif k == W.PROD and t is _CellType:
            kc = 9
        fl = _TF(t)
        return (kc, prod, members, bool(fl & MANAGED or _TD(t)), bool(fl & MANAGED),
                bool(_VER >= (3, 13) and fl & N.INLINE_VALUES), t is types.ModuleType,
                _size_mode(t, pysize), type_label(t))

    check = guard.check if guard is not None else (lambda: None)
    wk = _hn.Walker(classify, N.keyname, size, _encode, hide_tag, ())
    clock = time.perf_counter
    phases = {}
    t = clock()
    try:
        hidden.update(map(id, (hidden, agent_frames, agent_ids, tagged, stats, wk, classify,
                               frame_prod, sub_prod, dict_edges, size)))
        wk.set_hidden(hidden)
        re = RT.root_edges(agent_frames[0], interp_state)
        wk.root([x for x, _ in re], [n for _, n in re])
        del re
        wk.run()
        n_reach = len(wk)
        phases['walk'], t = clock() - t, clock()
        check()
        if unreachable:
            # the pure walk's frame (``top``) made cells for its closures' variables
            # before handing over: the agent's, as they are when the pure walker runs
            opaque = _frame_cells(top)
            if track is not None:
                opaque.update(track.opaque())
            # _add_unreachable skips every object of gc.get_objects() that the walk
            # numbered; it is given the others only (the same candidates, without a
            # Python loop over the whole GC list)
            gcview = _GcView(lambda: wk.unreached(gc.get_objects()))
            HU.gc = gcview
            try:
                HU._add_unreachable(wk, _Index(wk.index_getter()), hidden, sys._getframe(),
                                    _agent_frames + 1, wk.tagged() + tagged, opaque)
            finally:
                HU.gc = gc
            del opaque
            wk.set_hidden(hidden)
            wk.run()
        n = len(wk)
        phases['heapu'], t = clock() - t, clock()
        check()
        # after the walk, still before any write: previews, allocation sites, identity
        if previews:
            wk.previews(_pmode)
        phases['previews'], t = clock() - t, clock()
        check()
        tb_of = HU._tracer() if producers else None
        if tb_of is not None:
            sites = {}
            for a in range(1, n, chunk):
                on = []
                ss = []
                for j, o in enumerate(wk.objects(a, min(n, a + chunk)), a):
                    try:
                        tb = tb_of(o)
                    except Exception:
                        continue
                    if tb:
                        fr = tb[0]
                        s = sites.get(fr)
                        if s is None:
                            s = sites[fr] = '%s:%d' % fr
                        on.append(j)
                        ss.append(s)
                o = None
                wk.add_producers(on, ss)
        phases['producers'], t = clock() - t, clock()
        seen = None
        if track is not None:
            seen = array('Q')
            for a in range(0, n, chunk):
                b = min(n, a + chunk)
                part = wk.objects(a, b)
                if a == 0:
                    part[0] = 0
                addr = array('Q')
                addr.frombytes(wk.addresses(a, b))
                sizes = array('Q')
                sizes.frombytes(wk.sizes(a, b))
                seen.extend(array('Q', track.chunk(part, addr, list(map(type, part)), sizes, a == 0)))
                del part
        phases['identity'], t = clock() - t, clock()
        check()
        # the file: strings, objects and edges, identity marks, the rest
        blob, m = wk.strc(0)
        w._emit(blob)
        w.nstr += m
        for a in range(0, n, chunk):
            blob, no, ne = wk.chunk(a, a + chunk)
            w._emit(blob)
            w.nobj += no
            w.nedge += ne
        if seen is not None:
            if sys.byteorder == 'big':
                seen.byteswap()
            w._emit(_hn.seen_sections(seen.tobytes()))
        w._emit(wk.tail(n_reach if unreachable else n))
        blob = None
        phases['write'] = clock() - t
        nobj, nedge, nstr, ntypes, mat, npv, npd = wk.stats()
        stats.update(objects=nobj, edges=w.nedge, strings=nstr, types=ntypes,
                     materialized_dicts=mat, previews=npv, producers=npd,
                     unreachable=nobj - n_reach if unreachable else 0, walker='native',
                     phases=phases)
    finally:
        wk.release()
        pysize.clear()
        N._members_cache.clear()
        CF.static_subclasses.clear()
        CF.subclass_dicts.clear()
    return stats


def _probe_functions():
    """True when the walker names a function's edges exactly as ``_names.function``."""
    def outer(a, b=[1], *, c={'x': 1}) -> 'ann':
        """doc"""
        def inner(x=(a, b)):
            return a, b, c
        return inner
    outer.attr = 1
    samples = [outer, outer(1), _probe_functions, len.__call__, N.function]
    try:
        for f in samples:
            if type(f) is not types.FunctionType:
                continue
            mine = [(id(t), n) for t, n in _hn.function_edges(f)]
            tg, nm = N.function(f)
            theirs = [(id(t), n) for t, n in zip(tg, nm)]
            if mine != theirs:
                return False
        return True
    except Exception:
        return False


def _probe_floats():
    """True when the walker formats floats exactly as ``repr``."""
    import random
    r = random.Random(13)
    xs = [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, 2 / 3, 1e16, 1e15, 9999999999999998.0, 1e-4,
          1e-5, 1.5e-5, 123456789.125, 5e-324, 1.7976931348623157e308, float('inf'),
          -float('inf'), float('nan'), 2.0 ** 52, 2.0 ** 53 + 2, 0.30000000000000004]
    xs += [r.random() * 10.0 ** r.randint(-30, 30) * r.choice((1, -1)) for _ in range(3000)]
    xs += [float(r.randint(-10 ** 17, 10 ** 17)) for _ in range(500)]
    xs += [r.randint(0, 10 ** 6) / 1000 for _ in range(500)]
    try:
        # None: left to repr (two shortest candidates); never a different text
        return all(_hn.float_repr(x) in (None, repr(x)) for x in xs)
    except Exception:
        return False


_CellType = types.CellType
_FLOAT_OK = NATIVE and _probe_floats()
_FUNC_OK = NATIVE and _probe_functions()


def use(native):
    """Make ``heaplens.dump`` use the native walker (True; when it imports) or the pure one.
    Returns whether it now does.  (The switch is kept in the extension, out of the heap.)"""
    if not NATIVE:
        return False
    _hn.set_enabled(bool(native))
    return _hn.enabled()


if NATIVE:
    W.NATIVE[:] = [native_walk, _hn.enabled]
