"""Redaction of the heap's data text in a capture (``docs/redaction.md``).

``values="all"`` writes every text as heapy shows it.  ``"redact"`` replaces the
text that comes from data (previews of exact ``str``, ``bytes``, ``int``,
``float`` and ``complex`` objects; the key in a dict-key edge name ``['k']`` of a
dict that is neither some object's ``__dict__`` nor one of the interpreter's own
dicts; ``META.argv``) by ``<redacted len=N sha256=H>`` — N the text's length in
characters, H the first 12 hex digits of the SHA-256 of its UTF-8 bytes as the
file stores them — so equal texts stay equal.  ``"none"`` drops those previews,
names every such key ``[<redacted>]`` and empties ``argv``.  The engine's
``heaplens redact`` (``engine/src/redact.rs``) applies the same rules to a file.
"""

import hashlib
import re

MODES = ('all', 'none', 'redact')
#: exact types whose previews are data (``bool`` and ``None`` are constants: kept)
DATA_TYPES = frozenset((str, bytes, int, float, complex))
_DATA_IDS = frozenset(map(id, DATA_TYPES))  # (by identity: no metaclass __hash__ runs)
NONE_KEY = '[<redacted>]'
_TOKEN = re.compile(r'<redacted len=[0-9]+ sha256=[0-9a-f]{12}>')


def check_mode(values):
    if values not in MODES:
        raise ValueError('values must be one of %s, not %r' % (', '.join(MODES), values))
    return values


def stored(text):
    """``text`` as the writer stores it (lone surrogates backslash-escaped), UTF-8 encoded."""
    try:
        return text.encode('utf-8')
    except UnicodeEncodeError:
        return text.encode('utf-8', 'backslashreplace')


def token(text):
    """``<redacted len=N sha256=H>`` for ``text`` (a token is returned unchanged)."""
    if _TOKEN.fullmatch(text):
        return text
    b = stored(text)
    h = hashlib.sha256()
    for i in range(0, len(b), 2000):  # hashlib releases the GIL for 2 KiB and more
        h.update(b[i:i + 2000])
    return '<redacted len=%d sha256=%s>' % (len(b.decode('utf-8')), h.hexdigest()[:12])


def preview_func(f, t, values):
    """The preview function to use for exact type ``t`` in mode ``values`` (``f``: heapy's)."""
    if values == 'all' or f is None or id(t) not in _DATA_IDS:
        return f
    if values == 'none':
        return None

    def redacted(x, f=f):
        return token(f(x))
    return redacted


def meta(m, values):
    """META with ``values`` recorded and the command line redacted (``none``: emptied)."""
    m['values'] = values
    if values == 'none':
        m['argv'] = []
    elif values == 'redact':
        m['argv'] = [token(a) for a in m.get('argv', ())]
    return m


class Keys:
    """Dict-key edge names in a ``none``/``redact`` walk.

    ``owned`` holds the ids of the dicts whose keys are code (attribute, global and
    module names): the root's referents and every target of a ``.__dict__`` edge
    emitted so far.  The walk is breadth first, so a ``__dict__`` is nearly always
    reached through its owner first; when it is not, its keys are redacted (the safe
    side)."""

    def __init__(self, values):
        self.values = values
        self.owned = set()
        self._cache = {}

    def name(self, text):
        """The redacted form of a key name ``[k]``."""
        if self.values == 'none':
            return NONE_KEY
        r = self._cache.get(text)
        if r is None:
            r = self._cache[text] = '[' + token(text[1:-1]) + ']'
        return r

    def names(self, o, nm):
        """Redact the ``[k]`` names in a producer's name list for object ``o``."""
        if id(o) in self.owned:
            return nm
        return [self.name(x) if type(x) is str and x[:1] == '[' and x[-1:] == ']' else x for x in nm]

    def note(self, tg, nm, dunder):
        """Record the targets of the ``.__dict__`` edges (name code ``dunder``) in ``tg``/``nm``."""
        if dunder in nm:
            self.owned.update(id(x) for x, n in zip(tg, nm) if n == dunder)
