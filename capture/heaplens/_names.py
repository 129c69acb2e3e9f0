"""Edge producers: what each kind of object refers to, under heapy's edge names.

Each producer takes an object and returns ``(targets, names)``: two parallel
lists.  A name is either a ``str`` (the whole edge name, e.g. ``'.__dict__'``,
``"['key']"``, ``'->ob_type'``) or an ``int`` that is already a tagged name code
of the snapshot format (``TAG_INDEX | i`` for ``[i]`` ...).  The targets are
exactly what heapy's traversal visits for that object (``tp_traverse``, plus
heapy's own traversals for dicts, frames, code objects and types); the names
are what heapy's ``relate`` gives each of them.  Every producer is O(edges).

Containers (list, tuple, dict, set) are handled inline by the walker for speed;
their subclasses come here.
"""

import gc
import sys
import types

from . import _cptr

VER = sys.version_info[:2]
TAG_INDEX = 1 << 29
TAG_KEY = 2 << 29
TAG_SET = 3 << 29
LOW = (1 << 29) - 1

HEAPTYPE = 1 << 9
HAVE_GC = 1 << 14
MANAGED_DICT = 1 << 4
INLINE_VALUES = 1 << 2  # 3.13+
STATIC_BUILTIN = 1 << 1

get_referents = gc.get_referents
_P = 8
word = _cptr.word
obj_from_ptr = _cptr.obj_from_ptr
field = _cptr.field
get_dict = _cptr.get_dict
T = _cptr.TYPE
C = _cptr.CODE
F = _cptr.FUNC
FR = _cptr.FRAME
MemberDescriptorType = types.MemberDescriptorType
_type_dict = type.__dict__['__dict__'].__get__


def keyname(k):
    """heapy's name of the edge from a dict to the value at key ``k``."""
    try:
        return '[%r]' % (k,)
    except Exception:
        return '[<unrepresentable %s>]' % type(k).__name__


def assign(refs, cands):
    """Name a traversal's referents: ``cands`` is a list of (object, name).

    Like heapy's ``relate``, every candidate naming a referent's identity
    names an edge: a referent visited once but named by two fields (a
    classmethod's ``__func__`` and ``__wrapped__``) gets one edge per name; one
    visited twice through two fields gets one name per visit.  A referent
    that no candidate names gets the empty name: heapy gives such an edge no
    relation at all (paths print it ``.??``, via ignores it)."""
    m = {}
    for o, n in cands:
        if o is None:
            continue
        k = id(o)
        lst = m.get(k)
        if lst is None:
            m[k] = [n]
        else:
            lst.append(n)
    tg = list(refs)
    names = []
    app = names.append
    used = {}
    for r in tg:
        k = id(r)
        lst = m.get(k)
        if lst:
            u = used.get(k, 0)
            app(lst[u] if u < len(lst) else lst[-1])
            used[k] = u + 1
        else:
            app('')
    if used:
        for r in refs:
            k = id(r)
            u = used.get(k)
            if u is not None:
                lst = m[k]
                for n in lst[u:]:
                    tg.append(r)
                    app(n)
                used[k] = len(lst)
    return tg, names


_members_cache = {}

#: 3.12+: id(static builtin type) -> its tp_subclasses dict, which CPython keeps in the
#: interpreter state (filled by the walker for one capture, then cleared)
static_subclasses = {}


def find_static_subclasses():
    """3.12+: find the tp_subclasses dicts of static builtin types by their contents.

    Such a dict maps ``id(S)`` to ``weakref(S)`` for each direct subclass S of the type;
    heapy reaches it through the type (``->tp_subclasses``), Python cannot name it."""
    out = {}
    if VER < (3, 12):
        return out
    import weakref
    wr_type = weakref.ReferenceType
    for d in gc.get_objects():
        if type(d) is not dict or not d:
            continue
        try:
            k, v = next(iter(d.items()))
            if type(v) is not wr_type or type(k) is not int:
                continue
            sub = v()
            if not isinstance(sub, type) or k != id(sub):
                continue
            for b in type.__dict__['__bases__'].__get__(sub):
                if b.__flags__ & STATIC_BUILTIN and id(b) not in out:
                    live = b.__subclasses__()
                    if live and all(id(x) in d for x in live):
                        out[id(b)] = d
                        break
        except Exception:
            continue
    return out


def members(t):
    """(name, descriptor) of every T_OBJECT-like member in t's MRO (slots too)."""
    r = _members_cache.get(t)
    if r is None:
        r = []
        seen = set()
        for c in getattr(t, '__mro__', (t,)):
            try:
                items = list(_type_dict(c).items())
            except Exception:
                continue
            for k, v in items:
                if type(v) is MemberDescriptorType and k not in seen:
                    seen.add(k)
                    r.append(('.' + getattr(v, '__name__', k), v))
        _members_cache[t] = r
    return r


def member_cands(o, t, out):
    for n, d in members(t):
        try:
            v = d.__get__(o, t)
        except Exception:
            continue
        out.append((v, n))
    return out


def generic(o):
    """Any object: tp_traverse referents named by ob_type, members, __dict__."""
    t = type(o)
    cands = [(t, '->ob_type')]
    if t.__flags__ & (MANAGED_DICT | HEAPTYPE) or t.__dictoffset__:
        d = get_dict(o)
        if d is not None:
            cands.append((d, '.__dict__'))
    member_cands(o, t, cands)
    return assign(get_referents(o), cands)


def generic_container(o):
    """A C-level subclass of dict/list/tuple/set (e.g. ctypes' StgDict): the
    base container's names (as heapy's inherited relate gives them) plus
    type, dict and members."""
    t = type(o)
    cands = [(t, '->ob_type')]
    if isinstance(o, dict):
        for i, (k, v) in enumerate(dict.items(o)):
            cands.append((v, keyname(k)))
            cands.append((k, TAG_KEY | i if i <= LOW else '.keys()[%d]' % i))
    elif isinstance(o, (list, tuple)):
        it = list.__iter__(o) if isinstance(o, list) else tuple.__iter__(o)
        for i, v in enumerate(it):
            cands.append((v, TAG_INDEX | i if i <= LOW else '[%d]' % i))
    elif isinstance(o, (set, frozenset)):
        for v in (set.__iter__(o) if isinstance(o, set) else frozenset.__iter__(o)):
            cands.append((v, TAG_SET))
    if t.__dictoffset__ or t.__flags__ & MANAGED_DICT:
        d = get_dict(o)
        if d is not None:
            cands.append((d, '.__dict__'))
    member_cands(o, t, cands)
    return assign(get_referents(o), cands)


def extras(o, t):
    """Edges a Python class adds to a builtin container base: type, dict, slots."""
    tg = [t]
    nm = ['->ob_type']
    if t.__flags__ & MANAGED_DICT or t.__dictoffset__:
        d = get_dict(o)
        if d is not None:
            tg.append(d)
            nm.append('.__dict__')
    _slot_values(o, t, tg, nm)
    return tg, nm


def _slot_values(o, t, tg, nm):
    """Append the values of ``o``'s slots (member descriptors of ``t``) and their names."""
    for n, d in members(t):
        try:
            v = d.__get__(o, t)
        except Exception:
            continue
        tg.append(v)
        nm.append(n)


def instance(o):
    """An instance of a Python class whose solid base is ``object``.

    Mirrors subtype_traverse: the slots, the instance dict (materialised on
    3.11+ exactly like heapy) and the class.  Attribute values hang off the
    dict, not the instance."""
    t = type(o)
    tg = []
    nm = []
    _slot_values(o, t, tg, nm)
    if t.__flags__ & MANAGED_DICT or t.__dictoffset__:
        d = get_dict(o)
        if d is not None:
            tg.append(d)
            nm.append('.__dict__')
            if VER >= (3, 13) and t.__flags__ & INLINE_VALUES and d:
                # 3.13: a materialised dict shares the instance's inline values, and the
                # instance's traverse still visits them: heapy names those edges '.attr'
                ids = set(map(id, get_referents(o)))
                for k, v in d.items():
                    if id(v) in ids and type(k) is str:
                        tg.append(v)
                        nm.append('.' + k)
    tg.append(t)
    nm.append('->ob_type')
    return tg, nm


def function(o):
    cands = [(o.__code__, '.__code__'), (o.__globals__, '.__globals__'),
                          (o.__module__, '.__module__'),
             (o.__defaults__, '.__defaults__'), (o.__kwdefaults__, '.__kwdefaults__'),
             (o.__doc__, '.__doc__'), (o.__name__, '.__name__'),
             (o.__closure__, '.__closure__'), (o.__qualname__, '.__qualname__')]
    if 'func_dict' in F:
        cands.append((field(o, F['func_dict']), '.__dict__'))
    if 'func_annotations' in F:
        cands.append((field(o, F['func_annotations']), '.__annotations__'))
    if VER >= (3, 12):
        cands.append((getattr(o, '__type_params__', None), '.__type_params__'))
    t = type(o)
    if t is not types.FunctionType:
        cands.append((t, '->ob_type'))
        member_cands(o, t, cands)
    return assign(get_referents(o), cands)


def module(o):
    refs = get_referents(o)
    d = get_dict(o)
    if len(refs) == 1 and refs[0] is d:
        return refs, ['.__dict__']
    cands = [(d, '.__dict__')]
    t = type(o)
    if t is not types.ModuleType:
        cands.append((t, '->ob_type'))
        member_cands(o, t, cands)
    if type(d) is dict:
        for k, v in list(d.items()):
            if type(k) is str:
                cands.append((v, '.' + k))
    return assign(refs, cands)


def cell(o):
    refs = get_referents(o)
    return refs, ['.cell_contents'] * len(refs)


def traceback(o):
    return assign(get_referents(o), [(o.tb_next, '.tb_next'), (o.tb_frame, '.tb_frame')])


def cfunction(o):
    cands = [(o.__self__, '.__self__'), (o.__module__, '.__module__')]
    return assign(get_referents(o), cands)


def mappingproxy(o):
    refs = get_referents(o)
    return refs, ['->mapping'] * len(refs)


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
        tr = word(id(o) + 4 * _P)
        if tr:
            tg.append(obj_from_ptr(tr))
            nm.append('.f_trace')
        p = word(id(o) + _fr_f_frame)
        if not p:
            return tg, nm
        co = None
        for off, n in _fr_fields:
            v = word(p + off)
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
            v = word(base + i * _P)
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
        # f_locals field sits right after f_globals; reading it does not
        # create the dict like the f_locals attribute would
        cands.append((field(o, 7 * _P), '.f_locals'))
        tr = o.f_trace
        if tr is not None:
            cands.append((tr, '.f_trace'))
        if _fr_locals is not None:
            names = co.co_varnames + co.co_cellvars + co.co_freevars
            base = id(o) + _fr_locals
            for i in range(len(names)):
                v = word(base + i * _P)
                if v:
                    cands.append((obj_from_ptr(v), '.f_locals[%r]' % (names[i],)))
        return assign(get_referents(o), cands)
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


def type_(o):
    """heapy's type_traverse: dict, subclasses, mro, bases, cache, base, and
    for heap types name, slots, qualname, module.  (No edge to the metaclass.)"""
    tg = []
    nm = []
    try:
        d = get_referents(_type_dict(o))
        if d:
            tg.append(d[0])
            nm.append('.__dict__')
    except Exception:
        pass
    flags = o.__flags__
    base = id(o)
    if _t_subclasses is not None and not (VER >= (3, 12) and flags & STATIC_BUILTIN):
        v = word(base + _t_subclasses)
        if v:
            tg.append(obj_from_ptr(v))
            nm.append('->tp_subclasses')
    elif flags & STATIC_BUILTIN and VER >= (3, 12):
        v = static_subclasses.get(base)
        if v is not None:
            tg.append(v)
            nm.append('->tp_subclasses')
    for off, n in _tfields:
        v = word(base + off)
        if v:
            tg.append(obj_from_ptr(v))
            nm.append(n)
    if flags & HEAPTYPE:
        for off, n in _hfields:
            v = word(base + off)
            if v:
                tg.append(obj_from_ptr(v))
                nm.append(n)
    return tg, nm


def _subtype_traverse_ptr():
    class _HeaplensProbeInstance:
        pass
    off = T.get('tp_traverse')
    return word(id(_HeaplensProbeInstance) + off) if off is not None else None


SUBTYPE_TRAVERSE = _subtype_traverse_ptr()


def is_python_class(t):
    """True when t's instances are traversed by CPython's subtype_traverse."""
    off = T.get('tp_traverse')
    return (off is not None and t.__flags__ & HEAPTYPE
            and word(id(t) + off) == SUBTYPE_TRAVERSE)


def solid_base(t):
    for c in t.__mro__:
        if not c.__flags__ & HEAPTYPE:
            return c
    return object
