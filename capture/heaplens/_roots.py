"""The root's edges: what heapy's ``RootState`` reaches, named like its attributes.

``root_edges`` lists the objects the walk starts from (``sys.modules``, the import
machinery, ``sys`` and ``builtins`` dicts, interpreter-state containers found by their
contents, every thread's current frame, the capturing thread's dict, context and
exception state).  ``_agent_chain`` and ``_agent_frame_edges`` describe the agent's own
frames, which the root reaches (as heapy's query frames) but whose locals stay hidden.
Everything here is read through public Python APIs or ``gc``'s traversal; nothing is
made from a raw pointer (capture/README.md, "Memory read by offset").
"""

import builtins
import codecs
import contextvars
import ctypes
import encodings
import gc
import sys
import threading

from . import _names as N

_VER = sys.version_info[:2]


def _codec_targets():
    """The objects whose referrers include the interpreter-state containers (codec
    registry, builtins copy, fork handlers), or None when a module is missing."""
    try:
        strict = codecs.lookup_error('strict')
        info = codecs.lookup('utf-8')
        search = encodings.search_function
        forkfns = [getattr(sys.modules.get('threading'), '_after_fork', None)]
        lg = sys.modules.get('logging')
        # logging's os.register_at_fork handlers: before, after in the parent (3.9-3.12:
        # _acquireLock/_releaseLock; 3.13+: _prepareFork/_afterFork), after in the child
        before = getattr(lg, '_prepareFork', None) or getattr(lg, '_acquireLock', None)
        parent = getattr(lg, '_afterFork', None) or getattr(lg, '_releaseLock', None)
        forkfns += [before, parent, getattr(lg, '_after_at_fork_child_reinit_locks', None)]
        forkfns = [f for f in forkfns if f is not None]
        return strict, info, search, forkfns, before, parent
    except Exception:
        return None


def _codec_roots(targets, referrers):
    """Interpreter-state containers Python cannot name: found by their contents among
    ``referrers`` (``gc.get_referrers`` of ``_codec_targets()`` and maybe more)."""
    out = []
    try:
        strict, info, search, forkfns, before, parent = targets
        bdict = builtins.__dict__
        ecache = getattr(encodings, '_cache', None)
        found = {}
        for r in referrers:
            tr = type(r)
            if tr is list and r and r[0] is search and 'path' not in found:
                found['path'] = r
            elif tr is list and forkfns and r is not forkfns:
                ids = set(map(id, r))
                if before is not None and id(before) in ids:
                    found.setdefault('before', r)
                elif parent is not None and id(parent) in ids:
                    found.setdefault('parent', r)
                elif any(id(f) in ids for f in forkfns):
                    found.setdefault('child', r)
            elif tr is dict and r is not bdict and r is not ecache:
                if r.get('strict') is strict and 'ignore' in r:
                    found.setdefault('errors', r)
                elif (r.get('len') is len and '__build_class__' in r
                      and '__import__' in r):
                    if len(r) > len(found.get('bcopy', ())):
                        found['bcopy'] = r
                elif r and all(type(v) is type(info) for v in r.values()):
                    found.setdefault('cache', r)
        for k, n in (('path', '.i0_codec_search_path'), ('cache', '.i0_codec_search_cache'),
                     ('errors', '.i0_codec_error_registry'),
                     ('bcopy', '.i0_builtins_copy'), ('before', '.i0_before_forkers'),
                     ('parent', '.i0_after_forkers_parent'),
                     ('child', '.i0_after_forkers_child')):
            if k in found:
                out.append((found[k], n))
    except Exception:
        pass
    return out


def _thread_dict():
    """The calling thread's state dict (ts->dict), as PyThreadState_GetDict gives."""
    try:
        f = ctypes.pythonapi['PyThreadState_GetDict']  # not cached in pythonapi's dict
        f.restype = ctypes.c_void_p
        f.argtypes = []
        p = f()
        return N.obj_from_ptr(p) if p else None
    except Exception:
        return None


def _heapy_tag():
    """guppy's hiding tag, if guppy.heapy is loaded (else None)."""
    v = sys.modules.get('guppy.heapy.View')
    try:
        return v._GLUECLAMP_.__dict__.get('_hiding_tag_') if v is not None else None
    except Exception:
        return None


def _context_probe():
    """(copy, hamt): a copy of the calling thread's current contextvars.Context and the
    variable map (a HAMT) it shares with the current context, or None."""
    try:
        cp = contextvars.copy_context()
        # the copy's traversal visits ctx_prev (NULL: never entered) and ctx_vars
        refs = gc.get_referents(cp)
        if len(refs) == 1:
            return cp, refs[0]
    except Exception:
        pass
    return None


def _thread_context(probe, referrers):
    """The calling thread's current contextvars.Context (ts->context).

    Python only hands out copies; the copy shares its variable map (a HAMT) with the
    current context, which is the other Context among the HAMT's ``referrers``."""
    try:
        cp, hamt = probe
        ct = type(cp)
        for r in referrers:
            if type(r) is ct and r is not cp and any(x is hamt for x in gc.get_referents(r)):
                return r
    except Exception:
        pass
    return None


def _referrers(interp_state):
    """One scan of the GC's objects for what two root searches need: the codec
    containers' and the context's referrers (``gc.get_referrers`` visits every object
    once, whatever the number of targets)."""
    targets = _codec_targets() if interp_state else None
    probe = _context_probe()
    want = []
    if targets is not None:
        strict, info, search, forkfns = targets[:4]
        want += [strict, info, search, len] + forkfns
    if probe is not None:
        want.append(probe[1])
    refs = [r for r in gc.get_referrers(*want) if r is not want] if want else []
    return targets, probe, refs


def root_edges(caller, interp_state=True):
    """The root's edges, named like heapy's RootState attributes."""
    e = [(sys.modules, '.i0_modules')]
    imp = sys.modules.get('_frozen_importlib')
    if imp is not None:
        e.append((imp, '.i0_importlib'))
    imf = builtins.__dict__.get('__import__')
    if imf is not None:
        e.append((imf, '.i0_import_func'))
    e.append((sys.__dict__, '.i0_sysdict'))
    e.append((builtins.__dict__, '.i0_builtins'))
    targets, probe, refs = _referrers(interp_state)
    if targets is not None:
        e.extend(_codec_roots(targets, refs))
    me = threading.get_ident()
    frames = sys._current_frames()
    frames[me] = caller
    for tid, f in sorted(frames.items()):
        if f is None:
            continue
        depth = 0
        b = f.f_back
        while b is not None:
            depth += 1
            b = b.f_back
        e.append((f, '.i0_t%d_f%d' % (tid, depth)))
    del frames
    t = 'i0_t%d_' % me
    td = _thread_dict()
    if td is not None:
        e.append((td, '.' + t + 'dict'))
    ctx = _thread_context(probe, refs) if probe is not None else None
    del refs, probe, targets
    if ctx is not None:
        e.append((ctx, '.' + t + 'context'))
    ei = sys.exc_info()
    if _VER >= (3, 11):
        if ei[1] is not None:
            e.append((ei[1], '.' + t + 'exc_value'))
    else:
        for v, n in zip(ei, ('exc_type', 'exc_value', 'exc_traceback')):
            if v is not None:
                e.append((v, '.' + t + n))
    for v, n in ((sys.getprofile(), 'c_profileobj'), (sys.gettrace(), 'c_traceobj')):
        if v is not None:
            e.append((v, '.' + t + n))
    hooks = sys.get_asyncgen_hooks()
    for v, n in zip(hooks, ('async_gen_firstiter', 'async_gen_finalizer')):
        if v is not None:
            e.append((v, '.' + t + n))
    return e


def _agent_chain(top, caller, agent_frames):
    """The agent's frames from ``top`` (the walk's) outwards: ``top`` and up to
    ``agent_frames`` callers, stopping at ``caller``.  heapy's root reaches the calling
    frame through its own query frames, so a module global's shortest path is through
    ``sys.modules``, never the caller's ``f_globals``; these frames play that part."""
    chain = [top]
    f = top.f_back
    for _ in range(agent_frames):
        if f is None or f is caller:
            break
        chain.append(f)
        f = f.f_back
    return chain


def _agent_frame_edges(f):
    """An agent frame's edges: its ``f_back`` only."""
    b = f.f_back
    return ([b], ['.f_back']) if b is not None else ([], [])

