"""Builds a heap of about N objects shaped like a real service's, for the benchmarks.

    import service_heap
    root = service_heap.build(1_000_000)

Everything hangs off modules registered in ``sys.modules`` (so heapy's root and our
agent reach it): generated modules with functions, classes and code objects; a
customer/order/session model made of classes with ``__dict__`` and with
``__slots__``; dicts keyed by strings and by tuples; lists; unique and shared strings;
floats and big ints; reference cycles (customer <-> order, parent <-> child); closures
(per-customer handlers with cells); bytes in a response cache.
"""

import random
import sys
import types

PACKAGE = 'svc'

# Objects added per "customer unit", as our agent counts them (instance dicts included,
# since heapy and the agent materialise them on 3.11+). Measured with bench/run.py
# at 200k and 1M; build() uses it only to choose how many units make N objects.
OBJECTS_PER_UNIT = 38.0
MODULES = 40

_CITIES = ['Berlin', 'Lisbon', 'Osaka', 'Lima', 'Austin', 'Nairobi', 'Oslo', 'Pune']
_TAGS = ['vip', 'new', 'churn-risk', 'b2b', 'newsletter', 'beta', 'support', 'eu']
_SKUS = ['sku-%04d' % i for i in range(500)]
_STATUSES = ('new', 'paid', 'shipped', 'cancelled')

_MODULE_SOURCE = '''
"""Generated service module {i}."""
import functools

LIMIT_{i} = {i} * 1000 + 7
NAMES_{i} = ("alpha_{i}", "beta_{i}", "gamma_{i}")

class Handler{i}:
    """A request handler."""
    retries = {i}

    def __init__(self, route, backend):
        self.route = route
        self.backend = backend
        self.calls = 0

    def __call__(self, request):
        self.calls += 1
        return self.backend.get(request, LIMIT_{i})

    @property
    def name(self):
        return "handler-" + self.route

class Point{i}:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm(self):
        return (self.x * self.x + self.y * self.y) ** 0.5

class Error{i}(Exception):
    pass

def parse_{i}(text, sep=","):
    return [part.strip() for part in text.split(sep) if part]

def render_{i}(rows):
    return "\\n".join("%s=%r" % (k, v) for k, v in sorted(rows.items()))

@functools.lru_cache(maxsize=128)
def cached_{i}(key):
    return hash(key) % LIMIT_{i}

def make_counter_{i}(start):
    count = start
    def step(n=1):
        nonlocal count
        count += n
        return count
    return step
'''


class Address:
    """A customer's address: a slotted class."""
    __slots__ = ('street', 'city', 'zip')

    def __init__(self, street, city, zip_code):
        self.street = street
        self.city = city
        self.zip = zip_code


class Customer:
    """A customer: an ordinary class with a __dict__."""

    def __init__(self, cid, name, email, address):
        self.id = cid
        self.name = name
        self.email = email
        self.address = address
        self.tags = []
        self.orders = []
        self.balance = 0.0


class Order:
    """An order: refers back to its customer (a cycle)."""

    def __init__(self, oid, customer, items, status):
        self.id = oid
        self.customer = customer
        self.items = items
        self.status = status
        self.total = sum(qty * price for _, qty, price in items)


class Session:
    """A login session: slotted, with a dict of data."""
    __slots__ = ('token', 'customer', 'data', 'expires')

    def __init__(self, token, customer, data, expires):
        self.token = token
        self.customer = customer
        self.data = data
        self.expires = expires


class TreeNode:
    """A category tree node: parent <-> children cycles."""

    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)


def _make_handler(route, customer):
    """A closure per customer and route (function + cells)."""
    hits = [0]

    def handler(request):
        hits[0] += 1
        return route, customer.id, request
    return handler


def _generated_modules(n):
    mods = []
    for i in range(n):
        name = '%s.gen%03d' % (PACKAGE, i)
        mod = types.ModuleType(name)
        mod.__file__ = '<%s>' % name
        sys.modules[name] = mod
        exec(compile(_MODULE_SOURCE.format(i=i), mod.__file__, 'exec'), mod.__dict__)
        mods.append(mod)
    return mods


def _unit(rng, i, catalogue, categories):
    """One customer with orders, a session, handlers and cache entries; returns pieces."""
    addr = Address('%d %s Street' % (i, rng.choice(_CITIES)), rng.choice(_CITIES), '%05d' % (i % 100000))
    c = Customer(10_000 + i, 'customer-%d' % i, 'c%d@example.com' % i, addr)
    c.tags.extend(rng.sample(_TAGS, 2))
    c.balance = rng.random() * 1000
    for k in range(2):
        items = [(rng.choice(_SKUS), rng.randint(1, 5), catalogue[rng.randrange(len(catalogue))])
                 for _ in range(2)]
        o = Order('o-%d-%d' % (i, k), c, items, _STATUSES[(i + k) % 4])
        c.orders.append(o)
    session = Session('tok-%x' % (i * 2654435761 % (1 << 32)), c,
                      {'cart': [rng.choice(_SKUS)], 'page': i % 7}, 1.7e9 + i)
    handler = _make_handler('/orders', c)
    cache_key = ('orders', c.id, i % 3)
    body = ('{"customer": %d, "orders": %d}' % (c.id, len(c.orders))).encode()
    categories[i % len(categories)].children.append(c)
    return c, session, handler, cache_key, body


def build(target_objects, seed=1):
    """Builds the service heap (about ``target_objects`` objects in all) and returns its
    top module; everything stays reachable from ``sys.modules`` until :func:`drop`."""
    rng = random.Random(seed)
    pkg = types.ModuleType(PACKAGE)
    pkg.__path__ = []
    sys.modules[PACKAGE] = pkg
    pkg.modules = _generated_modules(MODULES)
    pkg.catalogue = [round(rng.uniform(1, 500), 2) for _ in range(2000)]
    root = TreeNode('all')
    pkg.categories = [TreeNode('cat-%d' % k, TreeNode('group-%d' % (k // 10), root)) for k in range(200)]
    pkg.tree = root
    units = max(1, int((target_objects - _baseline()) / OBJECTS_PER_UNIT))
    pkg.customers = {}
    pkg.by_email = {}
    pkg.sessions = []
    pkg.handlers = []
    pkg.response_cache = {}
    for i in range(units):
        c, session, handler, key, body = _unit(rng, i, pkg.catalogue, pkg.categories)
        pkg.customers[c.id] = c
        pkg.by_email[c.email] = c
        pkg.sessions.append(session)
        pkg.handlers.append(handler)
        pkg.response_cache[key] = body
    pkg.units = units
    return pkg


def _baseline():
    """Objects the interpreter, guppy3 and the generated modules hold before any unit."""
    return 40_000


def drop():
    """Removes the service modules from ``sys.modules``."""
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + '.')]:
        del sys.modules[name]
