"""Random object graphs for the capture stress suite (issue 18): ``build(choices)`` turns
a list of integers (drawn by hypothesis, or by a seeded ``random``) into objects of many
kinds whose references point at one another: cycles, self-references, shared children,
containers of every builtin kind, instances with a ``__dict__``, with slots and of
builtin subclasses, closures, bound methods, partials, weak references, generators
suspended over a node, bytes, strings and big ints.  The same list gives the same graph.
"""

import collections
import functools
import weakref


class GNode:
    def __init__(self):
        self.refs = []


class GSlots:
    __slots__ = ('a', 'b', '__weakref__')


class GDict(dict):
    pass


class GList(list):
    pass


def _gen(x):
    hold = [x]
    yield hold


def _closure(x):
    def inner():
        return x
    return inner


def build(choices):
    """The objects made from ``choices`` (every one; the caller holds the list)."""
    it = iter(choices)

    def nxt():
        return next(it, 0)

    n = 1 + nxt() % 60
    # first the mutable nodes, then the references between them
    made = []
    for _ in range(n):
        k = nxt() % 9
        made.append([lambda: [], lambda: {}, set, GNode, GSlots, GDict, GList,
                     collections.deque, collections.OrderedDict][k]())

    def pick():
        return made[nxt() % len(made)] if made else None

    for _ in range(nxt() % 200):
        o, t = pick(), pick()
        kind = nxt() % 12
        if isinstance(o, (list, collections.deque)):
            o.append(t)
        elif isinstance(o, dict):
            key = [nxt(), 'k%d' % nxt(), (nxt(), 'x'), 2 ** (64 + nxt() % 100)][nxt() % 4]
            o[key] = t
        elif isinstance(o, set):
            o.add([nxt(), 'm%d' % nxt(), frozenset([nxt()]), (nxt(),)][nxt() % 4])
        elif isinstance(o, GNode):
            o.refs.append(t)
            if kind == 0:
                o.__dict__['extra%d' % nxt()] = t
        elif isinstance(o, GSlots):
            setattr(o, 'ab'[kind % 2], t)
        # and some values made of the graph's nodes
        if kind == 1:
            made.append((t, pick(), b'b' * (nxt() % 50)))
        elif kind == 2:
            made.append(_closure(t))
        elif kind == 3 and isinstance(t, GNode):
            made.append(weakref.ref(t))
        elif kind == 4:
            g = _gen(t)
            next(g)
            made.append(g)
        elif kind == 5:
            made.append(functools.partial(_closure, t))
        elif kind == 6:
            made.append('s%d' % nxt() * (1 + nxt() % 30))
        elif kind == 7:
            made.append(frozenset(['f%d' % nxt(), nxt()]))
        elif kind == 8 and isinstance(o, GNode):
            made.append(o.__init__)       # a bound method
    return made
