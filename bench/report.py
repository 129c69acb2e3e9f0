"""The benchmark's one table (heaplens vs guppy3 per step and size, 10M synthetic) and
the issue-3 targets, as Markdown, from the results collected by ``bench/run.py``."""

TARGET_PARTITION_S = 0.100
TARGET_LOAD_INDEX_S = 10.0
TARGET_RSS_PER_OBJECT = 100.0
TARGET_RCS_SPEEDUP = 100.0
TARGET_VIA_SPEEDUP = 1000.0
TARGET_CAPTURE_RATE = 1e6


def _s(x):
    """Seconds, readable: ms below one second."""
    if x is None:
        return '–'
    return '%.1f ms' % (x * 1e3) if x < 1 else '%.2f s' % x


def _ratio(guppy, ours):
    if guppy is None or ours is None or ours <= 0:
        return '–'
    r = guppy / ours
    return '%.0f×' % r if r >= 10 else '%.1f×' % r


def _rel(hl, name):
    for r in (hl or {}).get('relations', []):
        if r['name'] == name:
            return r
    return None


def _rel_with_text(hl, name):
    """Partition + heapy's text (what guppy's ``str(h.byX)`` does)."""
    r = _rel(hl, name)
    return None if r is None else r['partition_s'] + r['text_s']


def _mib(b):
    return '–' if not b else '%.0f MiB' % (b / 1048576)


def relation_names(runs, synthetic):
    names = []
    for hl in [r.get('heaplens') for r in runs] + [synthetic]:
        for rel in (hl or {}).get('relations', []):
            if rel['name'] not in names:
                names.append(rel['name'])
    return names


def table(runs, synthetic):
    """``runs``: per size {'size', 'python': measure_python result, 'heaplens': bench JSON};
    ``synthetic``: bench JSON of the synthetic snapshot (or None)."""
    head = '| step |'
    rule = '|---|'
    for r in runs:
        label = '%s' % _size(r['size'])
        head += ' %s heaplens | %s guppy3 | %s speed-up |' % (label, label, label)
        rule += '---:|---:|---:|'
    if synthetic:
        head += ' %s synthetic heaplens |' % _size(synthetic['objects'])
        rule += '---:|'
    lines = [head, rule]

    def row(name, ours, theirs=None, synth=None, fmt=_s, ratio=True):
        cells = '| %s |' % name
        for r in runs:
            o, t = ours(r), (theirs(r) if theirs else None)
            cells += ' %s | %s | %s |' % (fmt(o), fmt(t) if theirs else '', _ratio(t, o) if ratio and theirs else '')
        if synthetic:
            cells += ' %s |' % (fmt(synth(synthetic)) if synth else '')
        lines.append(cells)

    py = lambda r: r.get('python') or {}
    gp = lambda r: py(r).get('guppy') or {}
    hl = lambda r: r.get('heaplens') or {}
    count = lambda n: '–' if n is None else '{:,}'.format(n)
    row('objects in the heap (ours: snapshot; guppy3: `h.count`)', lambda r: hl(r).get('objects'),
        lambda r: gp(r).get('objects'), lambda s: s['objects'], fmt=count, ratio=False)
    row('capture, agent (first, materialises dicts); objects/s',
        lambda r: (py(r).get('capture') or {}).get('objects_per_s'), fmt=_rate, ratio=False)
    row('capture again (steady rate); objects/s',
        lambda r: (py(r).get('capture_again') or {}).get('objects_per_s'), fmt=_rate, ratio=False)
    row('`heap()` vs load + index', lambda r: hl(r).get('load_index_s'), lambda r: gp(r).get('heap_s'),
        lambda s: s['load_index_s'])
    row('`heap()` vs capture + load + index',
        lambda r: _sum((py(r).get('capture') or {}).get('s'), hl(r).get('load_index_s')),
        lambda r: gp(r).get('heap_s'))
    row('default table `str(h)` vs clodo partition + text', lambda r: _rel_with_text(hl(r), 'clodo'),
        lambda r: gp(r).get('table_s'), lambda s: _rel_with_text(s, 'clodo'))
    row('`str(h.byrcs)` vs rcs partition + text', lambda r: _rel_with_text(hl(r), 'rcs'),
        lambda r: gp(r).get('byrcs_s'), lambda s: _rel_with_text(s, 'rcs'))
    row('`str(h.byvia)` vs via partition + text', lambda r: _rel_with_text(hl(r), 'via'),
        lambda r: gp(r).get('byvia_s'), lambda s: _rel_with_text(s, 'via'))
    for name in relation_names(runs, synthetic):
        row('whole-heap partition by %s (best of runs)' % name,
            lambda r, n=name: (_rel(hl(r), n) or {}).get('partition_s'),
            synth=lambda s, n=name: (_rel(s, n) or {}).get('partition_s'))
    row('query `%s`' % _query_text(runs, synthetic), lambda r: (hl(r).get('query') or {}).get('total_s'),
        synth=lambda s: s['query']['total_s'])
    row('peak RSS (ours: `heaplens bench`; guppy3: the whole Python process)',
        lambda r: hl(r).get('peak_rss_bytes'), lambda r: py(r).get('python_peak_rss_bytes'),
        lambda s: s['peak_rss_bytes'], fmt=_mib, ratio=False)
    row('RSS bytes per object after load + index (peak)', lambda r: hl(r).get('rss_bytes_per_object'),
        synth=lambda s: s['rss_bytes_per_object'], fmt=lambda b: '–' if b is None else '%.0f' % b, ratio=False)
    row('RSS bytes per object after load + index (steady)',
        lambda r: _per_object(hl(r), 'rss_after_index_bytes'), synth=lambda s: _per_object(s, 'rss_after_index_bytes'),
        fmt=lambda b: '–' if b is None else '%.0f' % b, ratio=False)
    return '\n'.join(lines)


def _per_object(hl, key):
    return None if not hl or not hl.get(key) else hl[key] / hl['objects']


def targets(runs, synthetic):
    """The issue-3 targets as Markdown rows: target, achieved, met?"""
    out = ['| target | achieved | met? |', '|---|---|---|']

    def add(name, value, ok):
        out.append('| %s | %s | %s |' % (name, value, '–' if ok is None else ('met' if ok else '**not met**')))

    if synthetic:
        n = _size(synthetic['objects'])
        rels = synthetic['relations']
        worst = max(rels, key=lambda r: r['partition_s'])
        slow = [r['name'] for r in rels if r['partition_s'] > TARGET_PARTITION_S]
        add('any whole-heap partition at %s ≤ 100 ms' % n,
            'slowest %s %s%s' % (worst['name'], _s(worst['partition_s']),
                                 ('; over: ' + ', '.join(slow)) if slow else ''),
            not slow)
        add('load + full index of %s ≤ 10 s' % n, _s(synthetic['load_index_s']),
            synthetic['load_index_s'] <= TARGET_LOAD_INDEX_S)
        add('≤ 100 bytes RSS per object (%s, peak after load + index)' % n,
            '%.0f bytes' % synthetic['rss_bytes_per_object'],
            synthetic['rss_bytes_per_object'] <= TARGET_RSS_PER_OBJECT)
        for r in runs:
            if r.get('heaplens'):
                per = r['heaplens']['rss_bytes_per_object']
                add('(for comparison) RSS per object on the real %s heap, peak after load + index'
                    % _size(r['size']), '%.0f bytes' % per, None)
    big = max(runs, key=lambda r: r['size']) if runs else None
    for rel, key, goal in (('rcs', 'byrcs_s', TARGET_RCS_SPEEDUP), ('via', 'byvia_s', TARGET_VIA_SPEEDUP)):
        if big is None:
            break
        ours = _rel_with_text(big.get('heaplens'), rel)
        theirs = ((big.get('python') or {}).get('guppy') or {}).get(key)
        name = 'at %s, by%s ≥ %.0f× faster than guppy3' % (_size(big['size']), rel, goal)
        if ours is None or theirs is None:
            add(name, 'not measured (%s)' % ('no %s in the engine yet' % rel if ours is None else 'no guppy3 time'),
                None)
        else:
            add(name, '%s (%s vs %s)' % (_ratio(theirs, ours), _s(ours), _s(theirs)), theirs / ours >= goal)
    rates = [(r.get('python') or {}).get(k, {}).get('objects_per_s') for r in runs
             for k in ('capture', 'capture_again')]
    rates = [x for x in rates if x]
    if rates:
        best = max(rates)
        add('capture ≥ 1M objects/s', '%s objects/s at best (pure Python, %.0f%% of the target)'
            % (_rate(best), 100 * best / TARGET_CAPTURE_RATE), best >= TARGET_CAPTURE_RATE)
    return '\n'.join(out)


def _sum(*xs):
    return None if any(x is None for x in xs) else sum(xs)


def _rate(x):
    return '–' if x is None else '%.2fM' % (x / 1e6)


def _size(n):
    return '%gM' % round(n / 1e6, 1) if n >= 1e6 else '%gk' % round(n / 1e3)


def _query_text(runs, synthetic):
    for hl in [r.get('heaplens') for r in runs] + [synthetic]:
        if hl and hl.get('query'):
            return hl['query']['text']
    return '?'
