"""Value previews (the ``prev`` section): the text heapy's ``byid`` shows after ``<kind>: ``.

heapy renders one object of a set (``hp.iso(x).byid``, ``Summary_str`` in
guppy/heapy/UniSet.py) with a function chosen by the object's **exact** type
(a subclass of ``type`` uses the type rule; every other type not listed falls
back to the address).  The agent stores a preview only where the text depends
on something the snapshot does not otherwise hold:

=================================  =============================================  ======
exact type                          preview text (what heapy prints)               header
=================================  =============================================  ======
``str``, ``bytes``                  ``reprlib.repr(x)`` (at most ~32 characters)   Representation (limited)
``int``, ``bool``, ``float``,       ``repr(x)``; an ``int`` longer than 200        Value
``complex``, ``NoneType``           digits is shortened like ``reprlib`` (heapy
                                    prints it whole)
``type`` and its subclasses         heapy's type label (``__main__.A``, ``int``,   Name
                                    ``types.CodeType``, ``module``)
``function``                        ``__module__ + '.' + __name__``                Name
``builtin_function_or_method``      ``__name__``, or ``__module__.__name__`` when  Name
                                    ``__module__ != 'builtins'`` (``None.append``)
``code``                            ``basename(co_filename):co_firstlineno:        File:Line:Name
                                    co_name``
``frame``                           ``<co_name at 0xADDR>``                        Name at Address
``method``                          ``<Cls at 0xADDR>.name`` (or ``Cls.name``)     Type/<Type at address> . method
``traceback``                       ``<in frame <name at 0xF> at 0xT>``            Frame at Address
=================================  =============================================  ======

No preview is stored (the engine derives the text) for:

* ``module`` (exact): its ``__name__`` is in ``MODN``;
* ``list``, ``tuple`` and ``dict``: heapy prints ``0xADDR*LEN``; the length is
  the number of edges (list/tuple: one edge per item; dict: one edge per value,
  i.e. the edges not named ``.keys()[i]``);
* a ``dict of X``: heapy prints the owner's text (``dict of module: sys``);
* everything else: ``0xADDR`` (the address is in ``OBJC``).

Every preview is at most ``MAX`` characters (longer texts are cut to ``MAX - 3``
characters plus ``...``; only names and long ints can be that long).
"""

import os
import reprlib
import types

from ._labels import type_label

MAX = 200
_repr = reprlib.aRepr.repr
_basename = os.path.basename


def _cut(s):
    if len(s) > MAX:
        return s[:MAX - 3] + '...'
    return s


def _str(x):
    """``reprlib.repr(x)`` for an exact str (Repr.repr_str, maxstring 30), inlined."""
    s = repr(x[:30])
    if len(s) > 30:
        s = repr(x[:13] + x[len(x) - 14:])
        s = s[:13] + '...' + s[len(s) - 14:]
    return s


def _bytes(x):
    if len(x) <= 4096:
        return _repr(x)
    # reprlib.repr(bytes) is repr() cut to 13 + '...' + 14 characters; repr() of a
    # long object is O(n), so build it from the ends (the quote heapy would pick
    # depends on the whole: ' unless there is a ' and no ")
    q = '"' if (b"'" in x and b'"' not in x) else "'"
    head = repr(x[:16])
    tail = repr(x[-32:])
    force = b'"' if q == "'" else b"'"  # added to an end to make repr() pick quote q
    if head[1] != q:
        head = repr(x[:16] + force)
    if tail[1] != q:
        tail = repr(force + x[-32:])
    s = 'b' + q + head[2:-1] + '<cut>' + tail[2:-1] + q
    head_part = s[:13]
    tail_part = s[len(s) - 14:]
    return head_part + '...' + tail_part


_BIG = 10 ** 200


def _int(x):
    if -_BIG < x < _BIG:
        return repr(x)
    try:
        return _cut(reprlib.aRepr.repr_int(x, 1))
    except ValueError:  # more digits than int -> str allows (3.11+)
        return '<int of %d bits>' % x.bit_length()


def _type(x):
    return _cut(type_label(x))


def _function(x):
    return _cut('%s.%s' % (x.__module__, x.__name__))


def _builtin(x):
    n = x.__name__
    m = x.__module__
    if m != 'builtins':
        n = '%s.%s' % (m, n)
    return _cut(n)


def _code(x):
    return _cut('%s:%d:%s' % (_basename(x.co_filename), x.co_firstlineno, x.co_name))


def _frame(x):
    return _cut('<%s at %s>' % (x.f_code.co_name, hex(id(x))))


def _method(x):
    s = x.__self__
    # type(s), not s.__class__: that may be the program's property or __getattr__
    cn = type_label(type(s))
    if s is not None:
        cn = '<%s at %s>' % (cn, hex(id(s)))
    func = x.__func__
    if type(func) in (types.FunctionType, types.BuiltinFunctionType):
        fname = func.__name__
    else:  # another callable: its attributes could run its code
        fname = '<%s object>' % type_label(type(func))
    return _cut('%s.%s' % (cn, fname))


def _traceback(x):
    return _cut('<in frame %s at %s>' % (_frame(x.tb_frame), hex(id(x))))


#: exact type -> preview function
BY_TYPE = {
    str: _str,
    bytes: _bytes,
    int: _int,
    bool: repr,
    float: repr,
    complex: repr,
    type(None): repr,
    type: _type,
    types.FunctionType: _function,
    types.BuiltinFunctionType: _builtin,
    types.CodeType: _code,
    types.FrameType: _frame,
    types.MethodType: _method,
    types.TracebackType: _traceback,
}


#: BY_TYPE by the type's identity: a lookup by the type would run its metaclass's
#: __hash__ and __eq__ (program code)
_BY_ID = {id(k): v for k, v in BY_TYPE.items()}


def preview_func(t):
    """The preview function for exact type ``t``, or None (no preview stored)."""
    f = _BY_ID.get(id(t))
    if f is None and isinstance(t, type) and issubclass(t, type):
        return _type
    return f


def preview(x):
    """The preview text of ``x`` or None; never raises."""
    f = preview_func(type(x))
    if f is None:
        return None
    try:
        return f(x)
    except Exception:
        return None
