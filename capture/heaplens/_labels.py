"""Type labels exactly as guppy3's heapy prints them (``Summary_str.str_type``).

* ``module`` and ``function`` are bare;
* a type that the ``types`` module names is ``types.X`` (the alphabetically last
  name wins when ``types`` has two names for one type, as in heapy);
* a type named in ``builtins`` is bare (``str``, ``dict``, ``ValueError``),
  overriding a ``types`` name;
* everything else is ``__module__ + '.' + __name__`` (never ``__qualname__``).

Every label produced by the last rule contains a dot, so the bare label ``dict``
can only ever belong to ``builtins.dict``.
"""

import builtins
import types

# keyed by the type's identity: a lookup by the type itself would hash it and compare it
# with the keys, through its metaclass's __hash__ and __eq__ when it has them (program
# code; 3.14's typing._UnionGenericAlias warns from them). ``_held`` keeps the keys alive.
_inv = {}
_held = []
for _k, _v in sorted(types.__dict__.items()):
    if isinstance(_v, type):
        _inv[id(_v)] = 'types.%s' % _k
        _held.append(_v)
for _k, _v in sorted(builtins.__dict__.items()):
    if isinstance(_v, type):
        _inv[id(_v)] = _k
        _held.append(_v)
_inv[id(types.ModuleType)] = 'module'
_module_of = type.__dict__['__module__'].__get__
_name_of = type.__dict__['__name__'].__get__
_mro_of = type.__dict__['__mro__'].__get__
_dict_of = type.__dict__['__dict__'].__get__
_C_DESCRIPTORS = (types.GetSetDescriptorType, types.MemberDescriptorType)
_inv[id(types.FunctionType)] = 'function'
del _k, _v


def type_label(t):
    """heapy's label for type object ``t``."""
    lab = _inv.get(id(t))
    if lab is not None:
        return lab
    # type's own getters: a metaclass's __getattribute__ or properties never run
    try:
        mod = _meta_module(t)
    except Exception:
        mod = None
    try:
        name = _name_of(t)
    except Exception:
        name = '?'
    if not isinstance(name, str):
        name = str(name)
    if mod is None:
        return '<unknown module>.%s' % name
    if not isinstance(mod, str):
        mod = str(mod)
    return '%s.%s' % (mod, name)


def _meta_module(t):
    """``t.__module__`` as heapy reads it: a metaclass's own C descriptor for
    ``__module__`` (Cython 3's shared types have one, answering from ``tp_name``)
    wins over ``type``'s getter; a descriptor written in Python is never run (the
    ``type`` getter answers then)."""
    mt = type(t)
    if mt is not type:
        for c in _mro_of(mt):
            if c is type:
                break
            d = _dict_of(c).get('__module__')
            if d is not None:
                if any(type(d) is x for x in _C_DESCRIPTORS):
                    return d.__get__(t, mt)
                break
    return _module_of(t)
