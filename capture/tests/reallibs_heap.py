"""A heap of real libraries, captured by heaplens and tabled by guppy3 in one fresh process.

    python reallibs_heap.py OUTDIR [--no-trace]

Run by test_real_libraries.py.  The process holds only the libraries and a heap built with
them: a pandas DataFrame (a few thousand rows, object and str columns), an SQLAlchemy ORM
Session on in-memory sqlite with a few hundred mapped objects loaded, nested pydantic v2
models, a Jinja2 Environment with compiled templates, a requests Session with adapters,
headers and cookies (no network), combined enum.Flag members and slotted frozen
dataclasses.  Then guppy3 is imported and warmed with one ``heap()``, the heap is captured
with ``heaplens.dump`` to OUTDIR/heap.hls and guppy3's ``heap()`` rows of every relation
are written to OUTDIR/guppy.json: ``{"count", "size", "rows": {rel: [[label, count,
size], ...]}}`` (``id``: ``[size, text]`` per object).  Exit status 3: a library is missing.
"""

import dataclasses
import enum
import gc
import json
import os
import sys
import time
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE)]

try:
    import jinja2
    import pandas
    import pydantic
    import requests
    import sqlalchemy
    from sqlalchemy import orm
    from guppy import hpy
except ImportError as e:  # the test skips, naming the library
    print('MISSING %s' % e.name)
    sys.exit(3)

import heaplens  # noqa: E402  (the worktree's agent: capture/ is first on sys.path)
from heaplens import _walk  # noqa: E402

RELS = ('clodo', 'type', 'rcs', 'via', 'size', 'module', 'unity', 'prod', 'id', 'idset')
SAMPLE = 20  # byidset: every SAMPLE-th object (see rows_of)
N = 300  # objects per library (ORM rows, models); the DataFrame has 10 * N rows


class Base(orm.DeclarativeBase):
    pass


class User(Base):
    __tablename__ = 'users'
    id = sqlalchemy.Column(sqlalchemy.Integer, primary_key=True)
    name = sqlalchemy.Column(sqlalchemy.String(50))
    email = sqlalchemy.Column(sqlalchemy.String(100))
    addresses = orm.relationship('Address', back_populates='user')


class Address(Base):
    __tablename__ = 'addresses'
    id = sqlalchemy.Column(sqlalchemy.Integer, primary_key=True)
    user_id = sqlalchemy.Column(sqlalchemy.ForeignKey('users.id'))
    street = sqlalchemy.Column(sqlalchemy.String(100))
    user = orm.relationship('User', back_populates='addresses')


class Geo(pydantic.BaseModel):
    lat: float
    lon: float


class Place(pydantic.BaseModel):
    city: str
    zip: str
    geo: Geo


class Person(pydantic.BaseModel):
    name: str
    age: int
    tags: list[str]
    places: list[Place]
    extra: dict[str, int] = {}


class Perm(enum.Flag):
    READ = 1
    WRITE = 2
    EXEC = 4
    ADMIN = 8


@dataclasses.dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: float
    label: str


TEMPLATES = {
    'base.html': '<html><title>{% block title %}{% endblock %}</title>'
                 '<body>{% block body %}{% endblock %}</body></html>',
    'macros.html': '{% macro row(u) %}<tr><td>{{ u.name|e }}</td><td>{{ u.age }}</td></tr>'
                   '{% endmacro %}',
    'people.html': '{% extends "base.html" %}{% from "macros.html" import row %}'
                   '{% block title %}People ({{ people|length }}){% endblock %}'
                   '{% block body %}<table>{% for u in people %}{{ row(u) }}'
                   '{% else %}none{% endfor %}</table>{% endblock %}',
    'filters.html': '{{ items|map("upper")|join(", ") }} {{ n|default(3) * 2 }}'
                    '{% if x is defined %}{{ x|round(2) }}{% endif %}',
}


def build():
    heap = {}
    n = N
    heap['df'] = pandas.DataFrame({
        'id': range(10 * n),
        'name': pandas.Series(['name-%d' % i for i in range(10 * n)], dtype=object),
        'city': ['city-%d' % (i % 37) for i in range(10 * n)],
        'value': [i * 0.25 for i in range(10 * n)],
    })
    heap['df_grouped'] = heap['df'].groupby('city')['value'].sum()

    engine = sqlalchemy.create_engine('sqlite://')
    Base.metadata.create_all(engine)
    with orm.Session(engine) as s:
        for i in range(n):
            s.add(User(name='user%d' % i, email='u%d@example.org' % i,
                       addresses=[Address(street='%d Main St' % i)]))
        s.commit()
    session = orm.Session(engine)
    heap['users'] = session.scalars(sqlalchemy.select(User).options(
        orm.selectinload(User.addresses))).all()
    heap['session'], heap['engine'] = session, engine

    heap['people'] = [Person.model_validate({
        'name': 'p%d' % i, 'age': i % 90, 'tags': ['t%d' % (i % 7), 'x'],
        'places': [{'city': 'c%d' % j, 'zip': '%05d' % (i * 10 + j),
                    'geo': {'lat': i / 10, 'lon': j / 10}} for j in range(2)],
        'extra': {'k%d' % (i % 5): i}}) for i in range(n)]

    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    heap['jinja_env'] = env
    heap['templates'] = [env.get_template(t) for t in TEMPLATES]
    heap['rendered'] = env.get_template('people.html').render(people=heap['people'][:20])

    http = requests.Session()
    http.headers.update({'User-Agent': 'heaplens-test/1', 'X-Trace': 'abc'})
    http.cookies.set('session', 'deadbeef', domain='example.org', path='/')
    http.cookies.set('pref', 'dark', domain='example.org', path='/app')
    http.mount('https://api.example.org/', requests.adapters.HTTPAdapter(pool_maxsize=4))
    heap['http'] = http
    heap['prepared'] = [http.prepare_request(requests.Request(
        'POST', 'https://api.example.org/v1/items/%d' % i, json={'i': i}, params={'q': 'x'}))
        for i in range(20)]

    heap['perms'] = [Perm.READ | Perm.WRITE, Perm.READ | Perm.EXEC, Perm.WRITE | Perm.ADMIN,
                     Perm.READ | Perm.WRITE | Perm.EXEC | Perm.ADMIN, ~Perm.ADMIN]
    heap['points'] = [Point(i, i / 3, 'pt%d' % i) for i in range(n)]
    heap['point_set'] = frozenset(heap['points'][:50])
    return heap


def rows_of(hp, h, rel):
    """heapy's rows of ``h`` by ``rel``: [label, count, size] (``id``: [size, text])."""
    if rel == 'idset':
        # heapy's byidset of the whole heap takes minutes (a clodo partition per
        # object): every SAMPLE-th object of the heap, in heapy's address order
        step = 1 if os.environ.get('HEAPLENS_RL_FULL') else SAMPLE
        h = hp.idset(list(h.nodes)[::step])
    part = getattr(h, 'by' + rel)
    if rel == 'id':
        # heapy's rows without its get_row(), whose sort of a size class by value raises
        # TypeError on two unequal complex numbers (numpy and pandas hold some)
        p = part.partition
        return [[c.obsize, str(p.render(o))] for c in p.clusters for o in c.objects]
    return [[str(r.name), r.count, r.size] for r in part.stat.get_rows()]


def main(out, trace):
    if trace:
        tracemalloc.start()
    heap = build()
    hpy().heap()  # guppy's one-time lazy imports and caches, before the capture
    path = os.path.join(out, 'heap.hls')
    # nothing is assigned between the capture and heapy's heap(): no object of the test's
    # own exists in one and not the other (dump's statistics are dropped)
    heaplens.dump(path)
    hp = hpy()  # not held during the capture: heapy hides its session, the agent would not
    h = hp.heap()
    # rcs and via depend on the referrers when heapy classifies: first, before the
    # tables' own objects exist
    times = {}
    rows = {}
    for rel in os.environ.get('HEAPLENS_RL_RELS', ' '.join(RELS)).split():
        t = time.perf_counter()
        rows[rel] = rows_of(hp, h, rel)
        times[rel] = round(time.perf_counter() - t, 2)
    res = {'count': h.count, 'size': h.size, 'rows': rows, 'times': times,
           'idset_sample': 1 if os.environ.get('HEAPLENS_RL_FULL') else SAMPLE,
           'walker': 'pure' if _walk.NATIVE[0] is None
           or os.environ.get('HEAPLENS_PURE_PYTHON') else 'native', 'kept': len(heap)}
    if os.environ.get('HEAPLENS_RL_DEBUG'):
        debug(out, path, h)
    del h
    with open(os.path.join(out, 'guppy.json'), 'w') as f:
        json.dump(res, f)


def debug(out, path, h):
    """Heapy's objects that the snapshot lacks, each with its referrers (to stderr)."""
    sys.path.insert(0, HERE)
    import hlsread
    ours = set(hlsread.read(path).addr)
    snap = hlsread.read(path)
    theirs = {id(o) for o in h.nodes}
    for i in snap.heap_ids():
        if snap.addr[i] not in theirs:
            print('ours only', hex(snap.addr[i]), snap.type_label(snap.type[i]), snap.size[i],
                  [(snap.type_label(snap.type[t]), snap.edge_name(c)) for t, c in snap.edges_of(i)][:6],
                  file=sys.stderr)
    extra = [o for o in h.nodes if id(o) not in ours]
    ids = {id(x) for x in extra}
    me = sys._getframe()
    for o in extra:
        refs = [r for r in gc.get_referrers(o) if r is not extra and r is not me]
        desc = ['%s%s' % (type(r).__name__, ' (extra)' if id(r) in ids else
                          ' (ours)' if id(r) in ours else '') for r in refs[:3]]
        print(hex(id(o)), type(o).__name__, '' if hasattr(o, '__len__') else repr(o)[:60],
              '<-', ', '.join(desc), file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1], '--no-trace' not in sys.argv[2:])
