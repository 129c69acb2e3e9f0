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
sref = _cptr.sref
obj_from_ptr = _cptr.obj_from_ptr
field = _cptr.field
field_ref = _cptr.field_ref
refmap = _cptr.refmap
item_addrs = _cptr.item_addrs
#: get_referents of a tuple or list visits the items last to first (True), first to
#: last (False), or in an order the probe did not recognise (None)
SEQ_REVERSED = (True if _cptr.SEQ.get('reversed') else
                False if _cptr.SEQ.get('forward') else None)
get_dict = _cptr.get_dict
T = _cptr.TYPE
C = _cptr.CODE
F = _cptr.FUNC
FR = _cptr.FRAME
MemberDescriptorType = types.MemberDescriptorType
_type_dict = type.__dict__['__dict__'].__get__
TD = type.__dict__['__dictoffset__'].__get__  # (not t.__dictoffset__: a metaclass could run code)
TF = type.__dict__['__flags__'].__get__  # (not t.__flags__: a metaclass could run code)
TM = type.__dict__['__mro__'].__get__  # (not t.__mro__: a metaclass could run code)


_type_mro = type.__dict__['__mro__'].__get__
_type_name = type.__dict__['__name__'].__get__
#: reprs that run no Python code and call no other object's repr
_SAFE_REPRS = {id(c.__dict__['__repr__']) for c in (
    object, type, int, float, str, bytes, bool, complex, type(None), type(Ellipsis))}
# (by identity: ``t in {types}`` would hash t, through its metaclass's __hash__/__eq__)
_ATOMS = {id(t) for t in (str, int, float, bool, type(None), bytes, complex)}


def _lookup(t, name):
    """What ``t.name`` resolves to in ``t``'s MRO, found without running any code.
    (A C type that was never readied has neither an MRO nor a dict.)"""
    for c in _type_mro(t) or (t,):
        d = _type_dict(c)
        if d is not None and name in d:
            return d[name]
    return None


def safe_repr(k, depth=0):
    """Can ``repr(k)`` run without calling the program's own code?  True for the
    atoms, types, instances whose repr is ``object``'s, tuples, frozensets and
    namedtuples of such, and enum members with such a value."""
    t = type(k)
    if id(t) in _ATOMS:
        return True
    if depth > 20:
        return False
    r = _lookup(t, '__repr__')
    if id(r) in _SAFE_REPRS:
        return True
    if t is tuple or t is frozenset:
        return all(safe_repr(x, depth + 1) for x in k)
    if type(r) is types.FunctionType:
        m = r.__module__
        if m == 'enum':
            d = get_dict(k)
            return type(d) is dict and safe_repr(d.get('_value_'), depth + 1)
        if m == 'collections' and r.__qualname__ == 'namedtuple.<locals>.__repr__':
            return all(safe_repr(x, depth + 1) for x in tuple.__iter__(k))
    return False


_PREHEADER = (MANAGED_DICT | (1 << 3)) if VER >= (3, 12) else MANAGED_DICT if VER >= (3, 11) else 0


def own_sizeof(t):
    """For a class whose ``__sizeof__`` is Python code (which ``sys.getsizeof`` would run):
    a function giving what ``sys.getsizeof`` gives for the nearest C ``__sizeof__`` of its
    MRO, plus the GC and managed pre-headers.  None for every other type."""
    if type(_lookup(t, '__sizeof__')) is not types.FunctionType:
        return None
    c_sizeof = None
    for c in _type_mro(t) or (t,):
        v = (_type_dict(c) or {}).get('__sizeof__')
        if v is not None and type(v) is not types.FunctionType:
            c_sizeof = v
            break
    if c_sizeof is None:
        c_sizeof = object.__dict__['__sizeof__']
    fl = TF(t)
    pre = (16 if fl & HAVE_GC else 0) + (16 if fl & _PREHEADER else 0)
    return lambda x: c_sizeof(x) + pre


def keyname(k):
    """heapy's name of the edge from a dict to the value at key ``k``: ``[repr(k)]``,
    when that repr runs none of the program's code; else the key's type and address."""
    if type(k) is not str and not safe_repr(k):
        return '[<%s object at %#x>]' % (_type_name(type(k)), id(k))
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


def dense_items(o, n):
    """The items of exact tuple or list ``o`` (length ``n``) in index order, from its
    traversal, or None when a slot is empty or the order is unknown (then use
    ``seq_items``).  Never Python's iteration, which crashes on an empty slot."""
    refs = get_referents(o)
    if len(refs) != n or SEQ_REVERSED is None:
        return None
    if SEQ_REVERSED:
        refs.reverse()
    return refs


def seq_items(o, n, is_list, refs=None):
    """(items, indices) of a tuple or list (or a subclass instance) ``o`` with ``n``
    slots: the slot addresses are read as numbers and each non-empty one is matched
    to an object of ``o``'s traversal, which is what is returned.  A slot that is
    not among the referents (it cannot be, unless the layout probe is wrong) is
    left out."""
    if refs is None:
        refs = get_referents(o)
    addrs = item_addrs(o, n, is_list)
    if addrs is None:  # layout unknown: the referents, unnamed
        return refs, [None] * len(refs)
    rm = refmap(refs)
    tg = []
    idx = []
    for i, a in enumerate(addrs):
        if a:
            r = rm.get(a)
            if r is not None:
                tg.append(r)
                idx.append(i)
    return tg, idx


def index_names(idx):
    """Edge names ``[i]`` for item indices (None: unnamed)."""
    return ['' if i is None else TAG_INDEX | i if i <= LOW else '[%d]' % i for i in idx]


#: id(t) -> (t, members(t)), for one walk (cleared after it): keyed by identity, as a
#: lookup by the type would run its metaclass's __hash__ and __eq__
_members_cache = {}


def members(t):
    """(name, descriptor) of every T_OBJECT-like member in t's MRO (slots too)."""
    e = _members_cache.get(id(t))
    r = e[1] if e is not None and e[0] is t else None
    if r is None:
        r = []
        seen = set()
        for c in _type_mro(t) or (t,):
            try:
                items = list(_type_dict(c).items())
            except Exception:
                continue
            for k, v in items:
                if type(v) is MemberDescriptorType and k not in seen:
                    seen.add(k)
                    r.append(('.' + getattr(v, '__name__', k), v))
        _members_cache[id(t)] = (t, r)
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
    if TF(t) & (MANAGED_DICT | HEAPTYPE) or TD(t):
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
        is_list = isinstance(o, list)
        n = (list.__len__ if is_list else tuple.__len__)(o)
        tg, idx = seq_items(o, n, is_list)
        cands.extend(zip(tg, index_names(idx)))
    elif isinstance(o, (set, frozenset)):
        for v in (set.__iter__(o) if isinstance(o, set) else frozenset.__iter__(o)):
            cands.append((v, TAG_SET))
    if TD(t) or TF(t) & MANAGED_DICT:
        d = get_dict(o)
        if d is not None:
            cands.append((d, '.__dict__'))
    member_cands(o, t, cands)
    return assign(get_referents(o), cands)


def extras(o, t):
    """Edges a Python class adds to a builtin container base: type, dict, slots."""
    tg = [t]
    nm = ['->ob_type']
    if TF(t) & MANAGED_DICT or TD(t):
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
    if TF(t) & MANAGED_DICT or TD(t):
        d = get_dict(o)
        if d is not None:
            tg.append(d)
            nm.append('.__dict__')
            if VER >= (3, 13) and TF(t) & INLINE_VALUES and d:
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
    refs = get_referents(o)
    if 'func_dict' in F or 'func_annotations' in F:
        rm = refmap(refs)  # both fields are visited by func_traverse
        if 'func_dict' in F:
            cands.append((field_ref(o, F['func_dict'], rm), '.__dict__'))
        if 'func_annotations' in F:
            cands.append((field_ref(o, F['func_annotations'], rm), '.__annotations__'))
    if VER >= (3, 12):
        cands.append((getattr(o, '__type_params__', None), '.__type_params__'))
    t = type(o)
    if t is not types.FunctionType:
        cands.append((t, '->ob_type'))
        member_cands(o, t, cands)
    return assign(refs, cands)


#: CPython gh-122695: on 3.12.0-3.12.5 (and 3.13 before rc2) the ``_asyncio`` module's
#: tp_traverse visits its FutureIter free list, so ``gc.get_referents`` hands out freed
#: objects (refcount 0); when the caller drops them they are freed again and the free
#: list is corrupted (crashes, "Future object is not initialized").  Never traverse it.
_ASYNCIO_FREELIST_BUG = ((3, 12, 0) <= sys.version_info[:3] < (3, 12, 6) or
                         (sys.version_info[:3] == (3, 13, 0) and
                          sys.version_info.releaselevel != 'final'))


def bad_traverse(o):
    """True for an object whose traversal must not be called (see above)."""
    return _ASYNCIO_FREELIST_BUG and o is sys.modules.get('_asyncio')


def module(o):
    if bad_traverse(o):
        # its dict only: the module state's references (types, cached functions) are
        # lost here; they are reached through the dict or other modules as a rule
        d = get_dict(o)
        return ([d], ['.__dict__']) if d is not None else ([], [])
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


def _subtype_traverse_ptr():
    class _HeaplensProbeInstance:
        pass
    off = T.get('tp_traverse')
    return word(id(_HeaplensProbeInstance) + off) if off is not None else None


SUBTYPE_TRAVERSE = _subtype_traverse_ptr()


def is_python_class(t):
    """True when t's instances are traversed by CPython's subtype_traverse."""
    off = T.get('tp_traverse')
    return (off is not None and TF(t) & HEAPTYPE
            and word(id(t) + off) == SUBTYPE_TRAVERSE)


def solid_base(t):
    """The first class of t's MRO that is not a Python class: a static type, or an
    extension type made at run time (Cython 3, PyType_FromSpec: heap types with their own
    traverse, whose C fields instances of t carry)."""
    for c in TM(t) or (t,):
        if not TF(c) & HEAPTYPE or not is_python_class(c):
            return c
    return object
