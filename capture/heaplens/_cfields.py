"""Edge producers for objects whose references sit in C fields Python does not show:
frames, code objects and types (heapy's ``frame_traverse``, ``code_traverse`` and
``type_traverse``), and the index of types' ``tp_subclasses`` dicts.

Field addresses come from the probes of ``_cptr``.  Every place a field is read by
offset, why it is safe and what is lost when a probe fails is listed in
capture/README.md ("Memory read by offset").
"""

import gc
import sys
import types
import weakref

from ._names import (C, FR, HEAPTYPE, STATIC_BUILTIN, T, _P, _type_dict, assign,
                     field, field_ref, get_referents, obj_from_ptr, refmap, sref, word)

VER = sys.version_info[:2]

#: 3.12+: id(static builtin type) -> its tp_subclasses dict, which CPython keeps in the
#: interpreter state (filled by the walker for one capture, then cleared)
static_subclasses = {}
TF = type.__dict__['__flags__'].__get__  # (not t.__flags__: a metaclass could run code)


#: every type's tp_subclasses dict by address (the walker fills it for one capture from
#: gc.get_objects(), so the dict behind a type's tp_subclasses pointer is taken from
#: the GC's list of live objects, never made from the pointer)
subclass_dicts = {}


def find_static_subclasses(candidates=None):
    """Find the tp_subclasses dicts of all types by their contents.

    Such a dict maps ``id(S)`` to ``weakref(S)`` for each direct subclass S of the type;
    heapy reaches it through the type (``->tp_subclasses``), Python cannot name it.
    Fills ``subclass_dicts`` (address -> dict, every version) and returns, for 3.12+,
    {id(static builtin type): its dict} (CPython keeps those in the interpreter state).
    ``candidates``: the dicts to look at, when the native walker has already picked, from
    ``gc.get_objects()``, the dicts whose first item is an int and a weak reference (the
    same test as below); by default every object of ``gc.get_objects()``."""
    out = {}
    wr_type = weakref.ReferenceType
    bases_of = type.__dict__['__bases__'].__get__
    for d in gc.get_objects() if candidates is None else candidates:
        if type(d) is not dict or not d:
            continue
        try:
            k, v = next(iter(dict.items(d)))
            if type(v) is not wr_type or type(k) is not int:
                continue
            # a candidate only: it is looked up by the address in a type's tp_subclasses
            # (a dict whose first subclass died is one too)
            subclass_dicts[id(d)] = d
            if VER < (3, 12):
                continue
            for k, v in dict.items(d):  # a live subclass (type(), not isinstance():
                sub = v() if type(v) is wr_type else None  # no __class__ of the program)
                if sub is not None and issubclass(type(sub), type) and k == id(sub):
                    break
            else:
                continue
            for b in bases_of(sub):
                if TF(b) & STATIC_BUILTIN and id(b) not in out:
                    live = type.__subclasses__(b)
                    if live and all(id(x) in d for x in live):
                        out[id(b)] = d
                        break
        except Exception:
            continue
    return out



if VER >= (3, 11) and FR and 'co_localsplusnames' in C:
    _fr_f_frame = FR['f_frame']
    _fr_locals = FR['localsplus']
    _fr_fields = [(FR[k], n) for k, n in (
        ('f_func', '->f_func'), ('f_funcobj', '->f_funcobj'),
        ('f_code', '.f_code'), ('f_builtins', '.f_builtins'),
        ('f_globals', '.f_globals'),
        ('f_locals', '->f_locals' if VER >= (3, 13) else '.f_locals'))
        if k in FR]
    _co_lpn = C['co_localsplusnames']

    def frame(o):
        """3.11+: heapy's frame_traverse, reading the _PyInterpreterFrame."""
        tg = []
        nm = []
        back = o.f_back  # creates the previous frame object, as heapy does
        if back is not None:
            tg.append(back)
            nm.append('.f_back')
        tr = o.f_trace
        if tr is not None:
            tg.append(tr)
            nm.append('.f_trace')
        # the interpreter frame's fields and fast locals hold strong references; the
        # frame object (kept alive by the walker) points at them until its frame
        # ends, when they move into the frame object itself (README: offsets)
        p = word(id(o) + _fr_f_frame)
        if not p:
            return tg, nm
        co = None
        for off, n in _fr_fields:
            v = sref(p + off)
            if v:
                ob = obj_from_ptr(v)
                if n == '.f_code':
                    if type(ob) is not types.CodeType:
                        n = '->f_executable'
                    else:
                        co = ob
                tg.append(ob)
                nm.append(n)
        if co is None:
            return tg, nm
        names = field(co, _co_lpn)
        base = p + _fr_locals
        for i in range(len(names)):
            v = sref(base + i * _P)
            if v:
                tg.append(obj_from_ptr(v))
                nm.append('.f_locals[%r]' % (names[i],))
        return tg, nm
elif VER < (3, 11):
    _fr_locals = FR.get('localsplus')

    def frame(o):
        co = o.f_code
        cands = [(o.f_back, '.f_back'), (co, '.f_code'),
                 (o.f_builtins, '.f_builtins'), (o.f_globals, '.f_globals')]
        # before 3.11 frame_traverse visits every field and fast local: read their
        # addresses and take the objects from the traversal.  f_locals sits right
        # after f_globals; reading it does not create the dict as the attribute would
        refs = get_referents(o)
        rm = refmap(refs)
        cands.append((field_ref(o, 7 * _P, rm), '.f_locals'))
        tr = o.f_trace
        if tr is not None:
            cands.append((tr, '.f_trace'))
        if _fr_locals is not None:
            names = co.co_varnames + co.co_cellvars + co.co_freevars
            base = id(o) + _fr_locals
            for i in range(len(names)):
                v = rm.get(word(base + i * _P))
                if v is not None:
                    cands.append((v, '.f_locals[%r]' % (names[i],)))
        return assign(refs, cands)
else:  # pragma: no cover - probes failed: degrade to what Python shows
    def frame(o):
        tg, nm = [], []
        for a in ('f_back', 'f_code', 'f_builtins', 'f_globals'):
            v = getattr(o, a)
            if v is not None:
                tg.append(v)
                nm.append('.' + a)
        return tg, nm


def _code_fields():
    out = []
    if VER >= (3, 11):
        for a in ('co_consts', 'co_names', 'co_exceptiontable', 'co_filename',
                  'co_name', 'co_qualname', 'co_linetable'):
            out.append((a, '.' + a))
    else:
        for a in ('co_code', 'co_consts', 'co_names', 'co_varnames', 'co_freevars',
                  'co_cellvars', 'co_filename', 'co_name',
                  'co_linetable' if VER >= (3, 10) else 'co_lnotab'):
            out.append((a, '.' + a))
    return out


_cf = _code_fields()
_cfields = [(C[k], n) for k, n in (
    ('co_localsplusnames', '->co_localsplusnames'),
    ('co_localspluskinds', '->co_localspluskinds'),
    ('co_weakreflist', '.co_weakreflist'),
    ('_co_code', '.co_code')) if k in C]
_co_cached = C.get('_co_cached')
_cached_names = ('.co_code', '.co_cellvars', '.co_freevars', '.co_varnames')


def code(o):
    tg = []
    nm = []
    for a, n in _cf:
        v = getattr(o, a)
        if v is not None:
            tg.append(v)
            nm.append(n)
    base = id(o)
    for off, n in _cfields:
        v = word(base + off)
        if v:
            tg.append(obj_from_ptr(v))
            nm.append(n)
    if _co_cached is not None:
        p = word(base + _co_cached)
        if p:
            for i, n in enumerate(_cached_names):
                v = word(p + i * _P)
                if v:
                    tg.append(obj_from_ptr(v))
                    nm.append(n)
    return tg, nm


_tfields = [(T[k], n) for k, n in (
    ('tp_mro', '.__mro__'), ('tp_bases', '.__bases__'), ('tp_cache', '->tp_cache'),
    ('tp_base', '.__base__')) if k in T]
_hfields = [(T[k], n) for k, n in (
    ('ht_name', '.__name__'), ('ht_slots', '.__slots__'),
    ('ht_qualname', '.__qualname__'), ('ht_module', '->ht_module')) if k in T]
_t_subclasses = T.get('tp_subclasses')


_type_flags = type.__dict__['__flags__'].__get__
_static_getters = {'.__mro__': type.__dict__['__mro__'].__get__,
                   '.__bases__': type.__dict__['__bases__'].__get__,
                   '.__base__': type.__dict__['__base__'].__get__}
_heap_getters = {'.__name__': type.__dict__['__name__'].__get__,
                 '.__qualname__': type.__dict__['__qualname__'].__get__}


def type_(o):
    """heapy's type_traverse: dict, subclasses, mro, bases, cache, base, and
    for heap types name, slots, qualname, module.  (No edge to the metaclass.)

    Each field's address is read; the object comes from the type's traversal (heap
    types), from the type's own getter when it returns that very object, or from
    ``subclass_dicts`` (tp_subclasses).  Only ``ht_slots`` (a tuple no traversal or
    getter reaches, set once when the class is made) is taken from its pointer."""
    tg = []
    nm = []
    try:
        d = get_referents(_type_dict(o))
        if d:
            tg.append(d[0])
            nm.append('.__dict__')
    except Exception:
        pass
    flags = _type_flags(o)
    base = id(o)
    heap = flags & HEAPTYPE
    rm = refmap(get_referents(o)) if heap else None
    if _t_subclasses is not None and not (VER >= (3, 12) and flags & STATIC_BUILTIN):
        v = word(base + _t_subclasses)
        if v:
            d = subclass_dicts.get(v)
            if d is not None:
                tg.append(d)
                nm.append('->tp_subclasses')
    elif flags & STATIC_BUILTIN and VER >= (3, 12):
        v = static_subclasses.get(base)
        if v is not None:
            tg.append(v)
            nm.append('->tp_subclasses')
    for off, n in _tfields:
        v = word(base + off)
        if v:
            if heap:
                ob = rm.get(v)
            else:
                g = _static_getters.get(n)
                ob = g(o) if g is not None else None
                if id(ob) != v:
                    ob = None
            if ob is not None:
                tg.append(ob)
                nm.append(n)
    if heap:
        for off, n in _hfields:
            v = word(base + off)
            if v:
                g = _heap_getters.get(n)
                if g is not None:
                    ob = g(o)
                    if id(ob) != v:
                        continue
                elif n == '.__slots__':
                    ob = obj_from_ptr(v)
                else:
                    ob = rm.get(v)
                    if ob is None:
                        continue
                tg.append(ob)
                nm.append(n)
    return tg, nm

