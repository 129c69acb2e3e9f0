"""Reading C-level object pointers that Python code cannot reach (stdlib ctypes).

heapy's traversal visits fields that no Python attribute exposes without side
effects: a code object's ``co_localsplusnames``, a type's ``tp_subclasses`` and
``ht_slots``, a 3.11+ frame's fast locals, a function's ``func_dict``.  This
module finds the byte offsets of those fields at import time by probing sample
objects whose field values are known, verifies every offset, and disables a
field (returns ``None`` for its offset) rather than guessing when a probe fails.
Nothing here writes memory.

Probes dereference guessed pointers only through ``peek`` (a read of
``/proc/self/mem``, which fails cleanly on an unmapped address instead of faulting)
and never make an object from a guessed pointer: a field is accepted when the words
it points at equal the identities of objects the probe holds.  During the walk,
objects are made from pointers only under the rules listed in capture/README.md
("Memory read by offset"): through ``refmap`` (the pointer must be one of the
object's ``gc.get_referents``), or ``field`` on a field that holds a strong
reference of an object the walker keeps alive, read and taken in one step.
"""

import ctypes
import gc
import os
import sys
from array import array

_VER = sys.version_info[:2]
_P = ctypes.sizeof(ctypes.c_void_p)
_word = ctypes.c_void_p.from_address
_py_object = ctypes.py_object

try:
    from _ctypes import PyObj_FromPtr as obj_from_ptr
except ImportError:  # pragma: no cover
    def obj_from_ptr(p):
        return ctypes.cast(p, ctypes.py_object).value


def word(addr):
    """The pointer-sized word at ``addr`` (0 for NULL)."""
    return _word(addr).value or 0


def _open_mem():
    try:
        return os.open('/proc/self/mem', os.O_RDONLY)
    except OSError:  # pragma: no cover - not Linux
        return None


_MEM = _open_mem()
# without /proc/self/mem (a chroot or sandbox without /proc), guessed pointers are
# followed only on the layouts tested here (3.9-3.13 from pyenv; Debian's 3.14 and 3.15)
_TRUST = _VER <= (3, 15)


if _VER >= (3, 14):
    def sref(addr):
        """The object address in the ``_PyStackRef`` at ``addr`` (3.14+ frames' fast
        locals, ``f_executable``, ``f_funcobj``): its low two bits are a tag (1: a
        reference that does not count, as for immortal objects and NULL; 2 and 3: no
        object, e.g. a tagged int), so 0 unless they say it is an object."""
        v = word(addr)
        return 0 if v & 3 >= 2 else v & ~3

    def _speek(addr):
        v = peek(addr)
        return 0 if v & 3 >= 2 else v & ~3
else:
    sref = None  # bound to word below: before 3.14 these fields are plain pointers
    _speek = None


def peek(addr):
    """The word at ``addr``, read so that a bad address gives 0 instead of a fault.

    Used by the import-time probes for every pointer they have not yet verified."""
    if not addr or addr < 4096:
        return 0
    if _MEM is None:
        return word(addr) if _TRUST else 0
    try:
        b = os.pread(_MEM, _P, addr)
    except (OSError, OverflowError, ValueError):
        return 0
    return int.from_bytes(b, sys.byteorder) if len(b) == _P else 0


def _tuple_at(p, ids):
    """Does ``p`` point at a tuple holding exactly the objects ``ids`` (in any order)?
    Its items start where ``_probe_seq`` found them (3.14 added a hash before them)."""
    items = globals().get('SEQ', {}).get('tuple_items', 3 * _P)
    return (bool(p) and peek(p + _P) == id(tuple) and peek(p + 2 * _P) == len(ids)
            and sorted(peek(p + items + i * _P) for i in range(len(ids))) == sorted(ids))


def refmap(refs):
    """{address: object} of an object's referents (its ``tp_traverse``)."""
    return {id(r): r for r in refs}


def field_ref(obj, off, rm):
    """The object in the pointer field at ``off`` of ``obj`` if it is one of the
    referents ``rm`` (``refmap(gc.get_referents(obj))``), else None."""
    p = word(id(obj) + off)
    return rm.get(p) if p else None


def _probe_seq():
    """Where tuple and list items are, and the order their traversal visits them."""
    a, b, c = object(), object(), object()
    t = (a, b, c)
    lst = [a, b, c]
    res = {}
    off = tuple.__basicsize__
    if [peek(id(t) + off + i * _P) for i in range(3)] == [id(a), id(b), id(c)]:
        res['tuple_items'] = off
    p = peek(id(lst) + 3 * _P)
    if p and [peek(p + i * _P) for i in range(3)] == [id(a), id(b), id(c)]:
        res['list_items'] = 3 * _P
    res['reversed'] = (gc.get_referents(t) == [c, b, a] and
                       gc.get_referents(lst) == [c, b, a])
    res['forward'] = (gc.get_referents(t) == [a, b, c] and
                      gc.get_referents(lst) == [a, b, c])
    return res


def item_addrs(o, n, is_list):
    """The addresses in the first ``n`` item slots of tuple or list ``o`` (0 for an empty
    slot), read as numbers: a slot may be NULL in a tuple or list a C extension is
    still filling (guppy's classifiers keep such tuples), and Python's own iteration
    crashes on it.  None when the layout probe failed."""
    off = SEQ.get('list_items' if is_list else 'tuple_items')
    if off is None or n <= 0:
        return [] if off is not None else None
    base = word(id(o) + off) if is_list else id(o) + off
    if not base:
        return [0] * n
    # a copy of the slots as bytes (no ctypes array type, which ctypes would cache
    # for every new length), read as unsigned words
    words = array('Q' if _P == 8 else 'I')
    words.frombytes(ctypes.string_at(base, n * _P))
    return words.tolist()


def _find(obj, target_id, limit):
    base = id(obj)
    for off in range(2 * _P, limit, _P):
        if word(base + off) == target_id:
            return off
    return None


def _probe_type():
    """Offsets inside PyTypeObject / PyHeapTypeObject."""
    def make():
        class _HeaplensProbeBase:
            pass

        class _HeaplensProbe(_HeaplensProbeBase):
            __slots__ = ('probe_a', 'probe_b')
        return _HeaplensProbe
    T = make()
    limit = type.__basicsize__
    res = {}
    mro = _find(T, id(T.__mro__), limit)
    if (mro is not None and word(id(T) + mro - _P) == id(T.__bases__)
            and word(id(T) + mro - 11 * _P) == id(T.__base__)
            and word(id(T) + mro - 22 * _P) == T.__flags__):
        res['tp_mro'] = mro
        res['tp_bases'] = mro - _P
        res['tp_base'] = mro - 11 * _P
        res['tp_dict'] = mro - 10 * _P
        res['tp_traverse'] = mro - 20 * _P
        res['tp_cache'] = mro + _P
        res['tp_subclasses'] = mro + 2 * _P
    name = _find(T, id(T.__name__), limit)
    if name is not None and word(id(T) + name + 2 * _P) == id(T.__qualname__):
        if _tuple_at(word(id(T) + name + _P), [id('probe_a'), id('probe_b')]):
            res['ht_name'] = name
            res['ht_slots'] = name + _P
            res['ht_qualname'] = name + 2 * _P
        res['ht_module'] = name + 4 * _P
    # verify tp_subclasses on the base: a dict (3.9-3.11) holding a weakref to T
    if 'tp_subclasses' in res:
        B = T.__base__
        p = word(id(B) + res['tp_subclasses'])
        # a dict (3.9-3.12 heap types) holding a weakref to T: found among the GC's
        # objects by its address, never made from the pointer
        ok = False
        if p and peek(p + _P) == id(dict):
            import weakref
            for d in gc.get_referrers(*weakref.getweakrefs(T)):
                if id(d) == p and type(d) is dict:
                    ok = True
        if not ok:
            del res['tp_subclasses']
    return res


def _probe_code():
    """Offsets inside PyCodeObject (co_localsplusnames etc., 3.11+)."""
    def sample(arg_heaplens_probe):
        cell_heaplens_probe = 1

        def inner():
            return cell_heaplens_probe
        return inner
    co = sample.__code__
    limit = 400
    res = {}
    fn = _find(co, id(co.co_filename), limit)
    if fn is None or word(id(co) + fn + _P) != id(co.co_name):
        return res
    if _VER >= (3, 11):
        p = word(id(co) + fn - 2 * _P)
        if _tuple_at(p, list(map(id, co.co_varnames + co.co_cellvars + co.co_freevars))):
            res['co_localsplusnames'] = fn - 2 * _P
            res['co_localspluskinds'] = fn - _P
        lt = _find(co, id(co.co_linetable), limit)
        if lt is not None:
            res['co_weakreflist'] = lt + _P
            bc = co.co_code  # creates the cached bytes on the probe only
            if _VER == (3, 11):
                if word(id(co) + lt + 2 * _P) == id(bc):
                    res['_co_code'] = lt + 2 * _P
            else:
                for off in (lt + 2 * _P, lt + 3 * _P):
                    p = word(id(co) + off)
                    if p and peek(p) == id(bc):
                        res['_co_cached'] = off
                        break
    return res


def _probe_func():
    def f():
        pass
    f.heaplens_probe = 1
    f.__annotations__ = {'probe': 1}
    res = {}
    off = _find(f, id(f.__dict__), 300)
    if off is not None:
        res['func_dict'] = off
    off = _find(f, id(f.__annotations__), 300)
    if off is not None:
        res['func_annotations'] = off
    return res


def _probe_frame():
    """3.11+: where the _PyInterpreterFrame's fields and fast locals are."""
    if _VER < (3, 11):
        # localsplus is the last member of PyFrameObject
        def sample(a_heaplens_probe):
            return sys._getframe()
        marker = object()
        fr = sample(marker)
        off = type(fr).__basicsize__ - _P
        if word(id(fr) + off) == id(marker):
            return {'localsplus': off}
        return {}
    if _VER == (3, 11):
        lay = {'f_func': 0, 'f_globals': 1, 'f_builtins': 2, 'f_locals': 3,
               'f_code': 4, 'frame_obj': 5}
    else:
        lay = {'f_code': 0, 'f_funcobj': 2, 'f_globals': 3, 'f_builtins': 4,
               'f_locals': 5, 'frame_obj': 6}
    lay = {k: v * _P for k, v in lay.items()}
    # fast locals after instr_ptr and a word of small fields (3.11-3.13); 3.14 put the
    # stack pointer before those small fields, and made f_executable, f_funcobj and the
    # fast locals tagged _PyStackRefs (read with _speek/sref)
    locals_at = 10 * _P if _VER >= (3, 14) else 9 * _P
    ref = _speek if _VER >= (3, 14) else peek

    def sample(a_heaplens_probe):
        fr = sys._getframe()
        p = word(id(fr) + 3 * _P)  # f_back, then f_frame
        return bool(p) and (ref(p + lay['f_code']) == id(fr.f_code)
                            and peek(p + lay['f_globals']) == id(fr.f_globals)
                            and peek(p + lay['frame_obj']) == id(fr)
                            and ref(p + locals_at) == id(a_heaplens_probe))
    if not sample(object()):
        return {}
    lay['f_frame'] = 3 * _P
    lay['localsplus'] = locals_at
    return lay


def _safe(fn):
    try:
        return fn()
    except Exception:  # pragma: no cover - a probe must never break import
        return {}


SEQ = _safe(_probe_seq)
TYPE = _safe(_probe_type)
CODE = _safe(_probe_code)
FUNC = _safe(_probe_func)
FRAME = _safe(_probe_frame)
if sref is None:
    sref = word
if _MEM is not None:
    os.close(_MEM)
    _MEM = None

try:
    _getdictptr = ctypes.pythonapi._PyObject_GetDictPtr
    # no argtypes: py_object.from_param runs isinstance(), which asks the object for
    # __class__ (the program's property or __getattr__); a py_object made here does not
    _getdictptr.restype = ctypes.c_void_p
except Exception:  # pragma: no cover
    _getdictptr = None


def get_dict(obj):
    """The object's instance dict via _PyObject_GetDictPtr, as heapy does.

    On 3.11+ this materialises a managed dict (exactly like heapy).  Returns
    None when the object has no dict slot or it is empty (NULL)."""
    if _getdictptr is None:
        return None
    pp = _getdictptr(_py_object(obj))
    if not pp:
        return None
    p = word(pp)
    return obj_from_ptr(p) if p else None


def field(obj, off):
    """The object stored in the pointer field at ``off`` of ``obj`` or None."""
    p = word(id(obj) + off)
    return obj_from_ptr(p) if p else None
