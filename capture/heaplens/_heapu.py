"""heapy's ``heapu``: GC-tracked objects the root does not reach.

``_add_unreachable`` appends the seeds of heapy's ``heapu()`` set to the walker's object
list (every object of ``gc.get_objects()`` the walk has not reached, minus the agent's
own state and guppy's hidden session); the walker then closes the set under referents.
``_tracer`` picks the function that gives an object's allocation traceback (``prod``).
"""

import ctypes
import gc
import sys
import types

from . import _cfields as CF
from . import _names as N
from ._roots import _heapy_tag

_P = 8
_VER = sys.version_info[:2]
_type_module = type.__dict__['__module__'].__get__
_type_name = type.__dict__['__name__'].__get__
TF = type.__dict__['__flags__'].__get__  # (not t.__flags__: a metaclass could run code)


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
        # item access: a new function pointer each time, never cached in pythonapi's
        # dict (an attribute would stay there, a lasting object heapy then sees)
        raw = ctypes.pythonapi['_PyTraceMalloc_GetTraceback']
        raw.restype = ctypes.py_object
        raw.argtypes = [ctypes.c_uint, ctypes.c_size_t]
    except Exception:
        return f
    gc_pre = 2 * _P  # PyGC_Head

    def tb(o, f=f, raw=raw, MANAGED=N.MANAGED_DICT, GC=N.HAVE_GC):
        fl = TF(type(o))
        if fl & MANAGED and fl & GC:
            return raw(0, id(o) - gc_pre - 2 * _P)
        return f(o)
    return tb



_HEAPY_PRIVATE = {('guppy.heapy.View', 'Gchook_type'), ('guppy.heapy.View', 'ClearCallback')}
# (identities: a set of types would hash the type looked up, through its metaclass)
_NOT_AGENTS = frozenset(map(id, (types.MemberDescriptorType, types.GetSetDescriptorType,
                                 types.WrapperDescriptorType, types.MethodDescriptorType,
                                 types.ClassMethodDescriptorType,
                                 types.ModuleType, types.CodeType)))
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
    hide.add(id(CF.static_subclasses))
    hide.add(id(CF.subclass_dicts))
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
        if id(t) in _NOT_AGENTS or issubclass(t, type):
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
        if not N.bad_traverse(x):
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
            elif str(_type_module(t)).startswith('guppy.'):
                if (_type_name(t), _type_module(t)) in _HEAPY_PRIVATE_R:
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
        if (_type_module(t), _type_name(t)) in _HEAPY_PRIVATE:
            continue
        new.append(x)
    del cand
    hidden.update(hide)
    n = len(objs)
    for j, x in enumerate(new):
        index[id(x)] = n + j
    objs.extend(new)
    del new[:]

