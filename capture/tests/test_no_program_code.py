"""A capture runs none of the program's own code (issue 18): no ``__repr__``,
``__hash__``, ``__eq__``, ``__sizeof__``, ``__getattr__``, ``__getattribute__``,
property or metaclass hook of the program's objects, from the main thread or a new one.
A program's code could take locks (a deadlock while the walk holds the GIL), change
objects mid-walk or fail.  Run in a subprocess; every hook records its call."""

import os

import pytest

from test_crash_safety import run_script

SPIES = r'''
import threading, types, heaplens, hlsread
calls = []

class Spy:
    def __init__(self, n):
        self.n = n
    def __repr__(self):
        calls.append('repr'); return 'Spy(%d)' % self.n
    def __hash__(self):
        calls.append('hash'); return self.n
    def __eq__(self, other):
        calls.append('eq'); return self is other
    def __sizeof__(self):
        calls.append('sizeof'); return 1000
    def __getattr__(self, name):
        calls.append('getattr ' + name); raise AttributeError(name)
    def __call__(self):
        calls.append('call')
    @property
    def __class__(self):
        calls.append('__class__'); return Spy

class Meta(type):
    def __getattribute__(cls, name):
        calls.append('meta getattribute ' + name); return type.__getattribute__(cls, name)
    def __repr__(cls):
        calls.append('meta repr'); return 'Meta-made'
    def __hash__(cls):
        return id(cls) >> 4          # (a dict of classes hashes them; heapy's too)

class Made(metaclass=Meta):
    def __sizeof__(self):
        calls.append('Made sizeof'); return 3

class EqMeta(type):
    # hashes like str, so in any dict or set keyed by types a lookup compares it with
    # str: Python calls this __eq__ (3.14's typing._UnionGenericAlias is such a class)
    def __hash__(cls):
        calls.append('EqMeta hash'); return hash(str)
    def __eq__(cls, other):
        calls.append('EqMeta eq'); return type.__eq__(cls, other)

class Odd(metaclass=EqMeta):
    __slots__ = ('v',)
    def __init__(self):
        self.v = [1]

class OddSized(metaclass=EqMeta):
    def __sizeof__(self):
        calls.append('OddSized sizeof'); return 5

class Mod(types.ModuleType):
    def __getattr__(self, name):
        calls.append('module getattr ' + name); raise AttributeError(name)

class SpyList(list):
    def __len__(self):
        calls.append('len'); return 0
    def __iter__(self):
        calls.append('iter'); return iter(())

class SpyDict(dict):
    def __len__(self):
        calls.append('dict len'); return 0
    def keys(self):
        calls.append('keys'); return []

keep = {
    'by_spy': {Spy(1): 'a', Spy(2): 'b', 'plain': 'c'},
    'by_class': {Made: 1, Spy: 2},
    'by_tuple': {(Spy(3), 1): 'x'},
    'spies': [Spy(i) for i in range(5)],
    'made': Made(),
    'bound': types.MethodType(Spy(9), Spy(10)),
    'seq': SpyList([Spy(4), 1]),
    'map': SpyDict({Spy(5): 1}),
    'odd': [Odd(), Odd(), OddSized(), Odd, OddSized, EqMeta],
}
mod = Mod('spy_module')
mod.__dict__['__name__'] = 'spy_module'
sys.modules['spy_module'] = mod
del mod.__dict__['__name__']           # a module without __name__: __getattr__ would run
where = sys.argv[2]
calls.clear()
if where == 'thread':
    out = {}
    th = threading.Thread(target=lambda: out.setdefault('st', heaplens.dump(sys.argv[1])))
    th.start(); th.join()
    st = out['st']
else:
    st = heaplens.dump(sys.argv[1])
assert calls == [], calls
s = hlsread.read(sys.argv[1])
num = {s.addr[i]: i for i in range(1, s.n)}
d = keep['by_spy']
names = sorted(s.edge_name(c) for t, c in s.edges_of(num[id(d)]))
# values named by key (a key whose repr is the program's: by type and address), and
# the keys themselves (a general dict's traversal visits them)
assert names == sorted(["['plain']", '.keys()[0]', '.keys()[1]', '.keys()[2]'] +
                       ['[<Spy object at %#x>]' % id(k) for k in d if type(k) is Spy]), names
sp = [k for k in d if type(k) is not str]
calls.clear()
# every referent of the spied containers is in the snapshot
for k in sp:
    assert id(k) in num
assert s.size[num[id(keep['made'])]] != 3 + 16
print('ok', st['objects'])
'''


@pytest.mark.parametrize('walker', ['native', 'pure'])
@pytest.mark.parametrize('where', ['main', 'thread'])
def test_capture_calls_no_code_of_the_program(tmp_path, where, walker):
    env = dict(os.environ)
    env.pop('HEAPLENS_PURE_PYTHON', None)
    if walker == 'pure':
        env['HEAPLENS_PURE_PYTHON'] = '1'
    r = run_script(SPIES + WALKER_CHECK, tmp_path / 'p.hls', where, walker, env=env)
    assert r.stdout.startswith('ok '), r.stdout


# the walker asked for is the one that walked (native: when heaplens_native imports here)
WALKER_CHECK = r'''
from heaplens import _native
want = sys.argv[3]
assert st.get('walker', 'python') == ('native' if want == 'native' and _native.NATIVE else 'python'), st
'''


SIGNALS = r'''
import signal, heaplens
big = [[i] for i in range(200000)]
ran = []

def handler(signum, frame):
    # where did the handler interrupt the program?  Never inside the walk.
    f, files = frame, []
    while f is not None:
        files.append(f.f_code.co_filename)
        f = f.f_back
    ran.append(any(x.endswith(('_walk.py', '_names.py', '_cfields.py', '_heapu.py'))
                   for x in files))

signal.signal(signal.SIGALRM, handler)
signal.setitimer(signal.ITIMER_REAL, 0.002, 0.002)
for _ in range(3):
    heaplens.dump(sys.argv[1])
signal.setitimer(signal.ITIMER_REAL, 0, 0)
assert signal.getsignal(signal.SIGALRM) is handler
assert ran and not any(ran), ran
print('ok', len(ran))
'''


def test_signal_handlers_run_after_the_walk_not_inside_it(tmp_path):
    r = run_script(SIGNALS, tmp_path / 's.hls')
    assert r.stdout.startswith('ok '), r.stdout
