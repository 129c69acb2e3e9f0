"""Edge names and type labels: heapy's naming for each kind of reference."""

import dataclasses
import sys
import threading
import types

import heaplens

VER = sys.version_info[:2]


class Plain:
    def __init__(self):
        self.x = [1, 2]
        self.y = 'yval'


class Slotted:
    __slots__ = ('a', 'b', '__weakref__')


class DictSub(dict):
    pass


@dataclasses.dataclass
class DC:
    p: int
    q: list


MOD_LEVEL = {'kept': ('deep', 1)}


def test_containers(capture):
    lst = ['a0', 'a1', 'a2']
    tup = (lst, 'b')
    key_obj = ('t', 1)
    d = {'k': lst, key_obj: tup}
    sd = {'only': lst}
    s = {key_obj}
    snap = capture()
    assert snap.names_to(lst, lst[1]) == ['[1]']
    assert snap.names_to(tup, lst) == ['[0]']
    assert snap.names_to(d, lst) == ["['k']"]
    assert snap.names_to(d, tup) == ["[('t', 1)]"]
    # a general (non-str-keyed) dict visits its keys; heapy names them by position
    assert snap.names_to(d, key_obj) == ['.keys()[1]']
    # an all-str-keyed dict does not visit its keys (CPython's dict_traverse)
    assert snap.names_to(sd, 'only') == []
    # heapy names every set member 'list(_)[0]'
    assert snap.names_to(s, key_obj) == ['list(_)[0]']


def test_instances_and_dicts(capture):
    p = Plain()
    sl = Slotted()
    sl.a = ('slot', 'value')
    ds = DictSub(z=1)
    ds.extra = 'e'
    dc = DC(1, [2])
    snap = capture()
    d = p.__dict__
    assert snap.names_to(p, d) == ['.__dict__']
    assert snap.names_to(p, Plain) == ['->ob_type']
    # since 3.11 the attribute values hang off the dict, not the instance; on 3.13 the
    # materialised dict shares the instance's inline values and both refer to them
    # (heapy's via is "['x']", '.x'); 3.14's instance traverse visits the dict alone
    assert snap.names_to(d, p.x) == ["['x']"]
    assert snap.names_to(p, p.x) == (['.x'] if sys.version_info[:2] == (3, 13) else [])
    assert snap.names_to(sl, sl.a) == ['.a']
    assert snap.label(sl) == __name__ + '.Slotted'
    assert snap.names_to(ds, ds.__dict__) == ['.__dict__']
    assert snap.names_to(ds.__dict__, 'e') == ["['extra']"]
    assert snap.names_to(dc.__dict__, dc.q) == ["['q']"]
    assert snap.label(dc) == __name__ + '.DC'
    assert snap.label(d) == 'dict'
    assert snap.names_to(Plain, Plain.__dict__['__init__']) == []  # via the type's dict
    tdict = [a for a, n in snap.out(Plain) if n == '.__dict__']
    assert len(tdict) == 1


def test_materialised_dicts_are_counted(tmp_path):
    import hlsread

    class Fresh:
        def __init__(self):
            self.v = 1
    objs = [Fresh() for _ in range(25)]
    st = heaplens.dump(str(tmp_path / 'm.hls'))
    if VER >= (3, 11):
        assert st['materialized_dicts'] >= 25
    assert hlsread.read(str(tmp_path / 'm.hls')).meta['materialized_dicts'] == st['materialized_dicts']
    st2 = heaplens.dump(str(tmp_path / 'm2.hls'))
    assert st2['materialized_dicts'] < 25  # already there the second time
    del objs


def test_functions_closures_cells(capture):
    def outer():
        captured = ['cell content']

        def inner(a, b=('dflt',)):
            return captured, a
        return inner
    f = outer()
    cell = f.__closure__[0]
    snap = capture()
    assert snap.names_to(f, f.__code__) == ['.__code__']
    assert snap.names_to(f, f.__globals__) == ['.__globals__']
    assert snap.names_to(f, f.__closure__) == ['.__closure__']
    assert snap.names_to(f, f.__defaults__) == ['.__defaults__']
    assert snap.names_to(f.__closure__, cell) == ['[0]']
    assert snap.names_to(cell, cell.cell_contents) == ['.cell_contents']
    assert snap.label(f) == 'function'
    assert snap.label(cell) == 'types.CellType'


def test_code_objects(capture):
    def sample(arg):
        local = 'a local'
        return local, len, 12345.5
    co = sample.__code__
    snap = capture()
    assert snap.label(co) == 'types.CodeType'
    assert snap.names_to(co, co.co_consts) == ['.co_consts']
    assert snap.names_to(co, co.co_names) == ['.co_names']
    assert snap.names_to(co, co.co_filename) == ['.co_filename']
    assert '.co_name' in snap.names_to(co, co.co_name)
    if VER >= (3, 11):
        assert '.co_qualname' in snap.names_to(co, co.co_qualname)
        assert snap.names_to(co, co.co_linetable) == ['.co_linetable']
        assert snap.names_to(co, co.co_exceptiontable) == ['.co_exceptiontable']
        names = [n for a, n in snap.out(co)]
        assert '->co_localsplusnames' in names and '->co_localspluskinds' in names
    else:
        assert snap.names_to(co, co.co_varnames) == ['.co_varnames']
    nested = [c for c in co.co_consts if isinstance(c, types.CodeType)]
    assert snap.names_to(co.co_consts, 12345.5) == ['[%d]' % co.co_consts.index(12345.5)]
    del nested


def test_types(capture):
    snap = capture()
    for t in (int, Plain):
        names = dict((n, a) for a, n in snap.out(t))
        assert '.__mro__' in names and names['.__mro__'] == id(t.__mro__)
        assert names['.__bases__'] == id(t.__bases__)
        assert names['.__base__'] == id(t.__base__)
        assert '.__dict__' in names
    names = [n for a, n in snap.out(Plain)]
    assert '.__name__' in names and '.__qualname__' in names
    assert snap.label(int) == 'type'
    # static types: the dict gc.get_referents cannot reach
    assert snap.has(int.__dict__['bit_length'])


def test_labels():
    from heaplens._labels import type_label
    assert type_label(str) == 'str'
    assert type_label(dict) == 'dict'
    assert type_label(types.FunctionType) == 'function'
    assert type_label(types.ModuleType) == 'module'
    assert type_label(types.CodeType) == 'types.CodeType'
    assert type_label(types.FrameType) == 'types.FrameType'
    assert type_label(ValueError) == 'ValueError'
    assert type_label(Plain) == __name__ + '.Plain'
    assert type_label(type(threading.Lock())) == '_thread.lock'

    class dict_(dict):  # noqa: N801
        pass
    dict_.__name__ = 'dict'
    dict_.__module__ = 'builtins'
    assert type_label(dict_) == 'builtins.dict'  # never bare 'dict'


def test_frames_and_roots(capture):
    local_marker = ['frame local']
    me = sys._getframe()
    snap = capture()
    roots = dict((n, a) for a, n in snap.root_edges())
    assert roots['.i0_modules'] == id(sys.modules)
    assert roots['.i0_sysdict'] == id(sys.__dict__)
    import builtins
    assert roots['.i0_builtins'] == id(builtins.__dict__)
    # found by their contents in one referrer scan: the codec registry and the
    # interpreter's copy of builtins, and this thread's context (a copy shares its map)
    # and, logging imported, its os.register_at_fork handlers' lists (3.13 renamed them:
    # with the old names the whole search failed, and every root of this kind was lost)
    import contextvars
    import logging  # noqa: F401
    for n in ('.i0_codec_search_path', '.i0_codec_error_registry', '.i0_builtins_copy',
              '.i0_before_forkers', '.i0_after_forkers_parent', '.i0_after_forkers_child'):
        assert n in roots, (n, sorted(roots))
    ctx = roots['.i0_t%d_context' % threading.get_ident()]
    import gc
    assert any(id(x) == ctx for x in gc.get_referrers(*gc.get_referents(contextvars.copy_context())))
    depth = 0
    f = me.f_back
    while f is not None:
        depth += 1
        f = f.f_back
    # the thread's frame edge goes to its current frame, the agent's walk (as heapy's goes
    # to its own query frame), whose f_back chain reaches this frame
    tid = threading.get_ident()
    [(name, top)] = [(n, a) for n, a in roots.items() if n.startswith('.i0_t%d_f' % tid)]
    chain = [top]
    while chain[-1] != id(me):
        backs = [a for a, n in snap.out_num(snap.num[chain[-1]]) if n == '.f_back']
        assert len(backs) == 1 and len(chain) < 10, chain
        chain.append(backs[0])
    assert name == '.i0_t%d_f%d' % (tid, depth + len(chain) - 1)
    # the walk's and dump()'s frames show f_back only: their locals are the agent's state
    for a in chain[:2]:
        assert [n for _, n in snap.out_num(snap.num[a])] == ['.f_back']
    assert snap.names_to(me, local_marker) == [".f_locals['local_marker']"]
    assert snap.names_to(me, me.f_code) == ['.f_code']
    assert snap.names_to(me, me.f_back) == ['.f_back']
    assert snap.names_to(me, me.f_globals) == ['.f_globals']
    # path from the root to a module global
    mod = sys.modules[__name__]
    assert snap.names_to(sys.modules, mod) == ["['%s']" % __name__]
    assert snap.names_to(mod, mod.__dict__) == ['.__dict__']
    assert snap.names_to(mod.__dict__, MOD_LEVEL) == ["['MOD_LEVEL']"]
    n = snap.node(mod)
    assert snap.s.strings[snap.s.modnames[n]] == __name__


def test_other_threads(capture):
    ev = threading.Event()
    started = threading.Event()

    def worker():
        started.set()
        ev.wait(10)
    t = threading.Thread(target=worker)
    t.start()
    started.wait(5)
    try:
        snap = capture()
        roots = [n for a, n in snap.root_edges()]
        assert any(n.startswith('.i0_t%d_f' % t.ident) for n in roots), roots
    finally:
        ev.set()
        t.join()


def test_modules_named(capture):
    snap = capture()
    s = snap.s
    names = {s.strings[v] for v in s.modnames.values()}
    assert {'sys', 'builtins', 'heaplens', __name__} <= names
    for o in s.modnames:
        assert s.type_label(s.type[o]) == 'module'


def test_dict_label_is_builtins_dict_only(capture):
    snap = capture()
    s = snap.s
    dict_types = [o for o, l in s.types if s.strings[l] == 'dict']
    assert len(dict_types) == 1
    assert dict_types[0] == snap.node(dict)
