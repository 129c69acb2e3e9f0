"""heaplens demo: a small in-memory order/session service whose heap is worth browsing.

    python demo/demo_app.py OUT.hls [--rounds N]

Builds the state of a toy shop backend (customers, sessions, orders, a product
catalogue, an LRU-ish cache, an event log) and then dumps the heap with
heaplens.  On purpose it contains:

* classes with ``__dict__`` and with ``__slots__``, dataclasses, a dict
  subclass, enums, closures (per-route handlers), a singly linked list,
  bytes buffers, sets and frozensets, nested dicts with tuple keys;
* a leak: every request appends to a module-level ``_REQUEST_HISTORY`` list
  and ``_RESPONSE_CACHE`` dict that nothing ever trims;
* a reference point (``heaplens.setref()``) after start-up, so ``heapnew`` is what the
  requests left behind;
* hostile strings (HTML/SVG/script payloads) held in customer records and
  order notes, and used as dict keys (``customers_by_name``), so they also
  appear in edge names like ``['<img src=x onerror=alert(1)>']``: viewers of
  the snapshot must escape what they display.

The heap is kept to roughly 50-150k objects so the dump takes a second or two.
"""

import argparse
import dataclasses
import enum
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'capture'))

import heaplens  # noqa: E402

HOSTILE = [
    '<img src=x onerror=alert(1)>',
    '</text><script>alert(1)</script>',
    '"><svg onload=alert(1)>',
    "'; DROP TABLE orders; --",
    '{{7*7}} ${7*7} <%= 7*7 %>',
    '\u202egnp.exe',
]

# --- the leak ---------------------------------------------------------------
_REQUEST_HISTORY = []          # grows by one record per request, never trimmed
_RESPONSE_CACHE = {}           # (route, customer_id, page) -> rendered bytes


class Status(enum.Enum):
    NEW = 'new'
    PAID = 'paid'
    SHIPPED = 'shipped'
    CANCELLED = 'cancelled'


class Tier(enum.IntEnum):
    FREE = 0
    SILVER = 1
    GOLD = 2


@dataclasses.dataclass
class Product:
    sku: str
    title: str
    price_cents: int
    tags: frozenset = frozenset()


@dataclasses.dataclass
class OrderLine:
    product: Product
    quantity: int


class Customer:
    """An ordinary class: its attributes live in an instance __dict__."""

    def __init__(self, cid, name, email, tier):
        self.cid = cid
        self.name = name
        self.email = email
        self.tier = tier
        self.addresses = []
        self.notes = ''
        self.tags = set()


class Order:
    """A slotted class: no __dict__, attributes are slots."""
    __slots__ = ('oid', 'customer', 'lines', 'status', 'note', 'created')

    def __init__(self, oid, customer, lines, note, created):
        self.oid = oid
        self.customer = customer
        self.lines = lines
        self.status = Status.NEW
        self.note = note
        self.created = created


class Session:
    __slots__ = ('token', 'customer', 'cart', 'history', '__weakref__')

    def __init__(self, token, customer):
        self.token = token
        self.customer = customer
        self.cart = {}
        self.history = []


class Headers(dict):
    """A dict subclass (case-insensitive lookups), one per request record."""

    def __getitem__(self, k):
        return dict.__getitem__(self, k.lower())


class Node:
    __slots__ = ('value', 'next')

    def __init__(self, value, nxt=None):
        self.value = value
        self.next = nxt


class EventLog:
    """A singly linked list of events, newest first."""

    def __init__(self):
        self.head = None
        self.length = 0

    def push(self, event):
        self.head = Node(event, self.head)
        self.length += 1


class Catalogue:
    def __init__(self):
        self.by_sku = {}
        self.by_tag = {}
        self.price_matrix = {}   # (sku, tier) -> price: tuple keys

    def add(self, p):
        self.by_sku[p.sku] = p
        for t in p.tags:
            self.by_tag.setdefault(t, set()).add(p.sku)
        for tier in Tier:
            self.price_matrix[(p.sku, tier)] = p.price_cents * (100 - 5 * tier) // 100


def make_routes(service):
    """Closures over the service: one handler per route."""
    routes = {}

    def route(path):
        def deco(fn):
            routes[path] = fn
            return fn
        return deco

    @route('/orders')
    def list_orders(customer, page):
        orders = service.orders_by_customer.get(customer.cid, [])
        return ('<ul>%s</ul>' % ''.join('<li>%s</li>' % o.oid for o in orders[page * 10:(page + 1) * 10])).encode()

    @route('/profile')
    def profile(customer, page):
        return ('<h1>%s</h1><p>%s</p>' % (customer.name, customer.notes)).encode()

    @route('/cart')
    def cart(customer, page):
        s = service.sessions_by_customer.get(customer.cid)
        return repr(sorted(s.cart.items()) if s else []).encode()

    return routes


class Service:
    def __init__(self, seed=7):
        self.rng = random.Random(seed)
        self.catalogue = Catalogue()
        self.customers = {}
        self.customers_by_name = {}   # hostile names become dict keys -> edge names
        self.sessions = {}
        self.sessions_by_customer = {}
        self.orders = []
        self.orders_by_customer = {}
        self.events = EventLog()
        self.blobs = []
        self.routes = make_routes(self)

    def seed_catalogue(self, n):
        words = ['red', 'blue', 'mug', 'shirt', 'lamp', 'desk', 'book', 'pen', 'bag', 'hat']
        for i in range(n):
            tags = frozenset(self.rng.sample(words, 3))
            title = ' '.join(self.rng.sample(words, 2)).title()
            if i % 97 == 0:
                title += ' ' + HOSTILE[i % len(HOSTILE)]
            self.catalogue.add(Product('SKU-%05d' % i, title, self.rng.randrange(100, 20000), tags))

    def add_customers(self, n):
        for i in range(n):
            name = 'customer %d' % i
            if i % 50 == 0:
                name = HOSTILE[(i // 50) % len(HOSTILE)]
            c = Customer(i, name, 'c%d@example.com' % i, Tier(i % 3))
            c.addresses.append(('Main St %d' % i, '%05d' % (10000 + i), 'Springfield'))
            c.tags.update(('vip',) if i % 10 == 0 else ())
            if i % 7 == 0:
                c.notes = HOSTILE[i % len(HOSTILE)]
            self.customers[i] = c
            self.customers_by_name[name] = c

    def login(self, c):
        tok = '%032x' % self.rng.getrandbits(128)
        s = Session(tok, c)
        self.sessions[tok] = s
        self.sessions_by_customer[c.cid] = s
        return s

    def place_order(self, s):
        skus = self.rng.sample(list(self.catalogue.by_sku), self.rng.randrange(1, 5))
        lines = [OrderLine(self.catalogue.by_sku[k], self.rng.randrange(1, 4)) for k in skus]
        note = HOSTILE[len(self.orders) % len(HOSTILE)] if len(self.orders) % 13 == 0 else ''
        o = Order('ORD-%06d' % len(self.orders), s.customer, lines, note, time.time())
        self.orders.append(o)
        self.orders_by_customer.setdefault(s.customer.cid, []).append(o)
        for ln in lines:
            s.cart[ln.product.sku] = s.cart.get(ln.product.sku, 0) + ln.quantity
        self.events.push(('order', o.oid, len(lines)))
        if len(self.orders) % 5 == 0:
            o.status = Status.PAID
        return o

    def handle(self, s, path, page):
        h = Headers({'user-agent': 'demo/1.0', 'x-request-id': '%08x' % len(_REQUEST_HISTORY)})
        key = (path, s.customer.cid, page)
        body = _RESPONSE_CACHE.get(key)
        if body is None:
            body = self.routes[path](s.customer, page)
            _RESPONSE_CACHE[key] = body          # the leak: never evicted
        _REQUEST_HISTORY.append({'path': path, 'headers': h, 'len': len(body),
                                 'session': s.token})
        s.history.append(path)
        self.events.push(('request', path))
        return body

    def upload(self, size):
        self.blobs.append(bytes(self.rng.getrandbits(8) for _ in range(size)))
        self.blobs.append(bytearray(size))


def build(rounds=3000):
    svc = Service()
    svc.seed_catalogue(400)
    svc.add_customers(1500)
    sessions = [svc.login(c) for c in list(svc.customers.values())[:600]]
    paths = list(svc.routes)
    # heapy's setref: the service is up; what the requests leave behind is "new" (heapnew)
    heaplens.setref()
    for r in range(rounds):
        s = sessions[r % len(sessions)]
        if r % 3 == 0:
            svc.place_order(s)
        svc.handle(s, paths[r % len(paths)], r % 4)
        if r % 500 == 0:
            svc.upload(4096)
    return svc


SERVICE = None


def main(argv=None):
    global SERVICE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out', help='snapshot file to write (.hls)')
    ap.add_argument('--rounds', type=int, default=3000)
    a = ap.parse_args(argv)
    SERVICE = build(a.rounds)
    stats = heaplens.dump(a.out, name='demo service')
    print('%s: %d objects, %d edges, %d bytes in %.2fs (%.0f objects/s)' % (
        a.out, stats['objects'], stats['edges'], stats['bytes'], stats['duration_s'],
        stats['objects'] / stats['duration_s']))


if __name__ == '__main__':
    main()
