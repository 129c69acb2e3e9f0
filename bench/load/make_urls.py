"""Writes bench/load/urls.txt: the load test's URLs over every query route (issue 16).

    python3 bench/load/make_urls.py http://127.0.0.1:PORT SNAPSHOT_ID > bench/load/urls.txt

Asks the running server (serving the synthetic snapshot that scripts/loadtest.sh makes,
`heaplens synth N` with its fixed seed, so the addresses are the same every time) for the
biggest rows and a few objects, and writes one line per URL: `F path` for a fixed URL, or
`V path` for one that takes `offset`/`limit` and that the Lua script (rotate.lua) makes
unique per request by appending them (so at least half of a run's requests are questions
the server has not answered before). Paths are relative to `/api/snapshots/ID/`, except
those starting with `/` (`/api/...`).
"""

import json
import sys
import urllib.parse
import urllib.request

RELS = ['clodo', 'type', 'rcs', 'via', 'size', 'module', 'unity', 'prod', 'id', 'idset']


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=120) as r:
        return json.load(r)


def main(base, sid):
    q = urllib.parse.quote
    api = '/api/snapshots/%s/' % sid
    kinds = get(base, api + 'partition?by=clodo&limit=30')['rows']
    addrs = [r['addr'] for r in get(base, api + 'partition?by=id&limit=40')['rows'] if r.get('addr')]
    sets = ['heap'] + [r['query'] for r in kinds[:12]]
    out = []
    for s in sets:
        for by in RELS:
            out.append(('V', 'partition?q=%s&by=%s' % (q(s), by)))
    for s in sets[:8]:
        out.append(('F', 'table?q=%s&by=clodo' % q(s)))
        out.append(('F', 'graph?q=%s' % q(s)))
        out.append(('F', 'rp?q=%s&depth=4' % q(s)))
        out.append(('V', 'rp?q=%s&depth=7' % q(s)))
        for by in ('clodo', 'type', 'size'):
            out.append(('V', 'treemap?q=%s&by=%s' % (q(s), by)))
        # the retained column of the rows the set's table has (a kind's set has one row)
        nrows = get(base, api + 'partition?q=%s&by=clodo&limit=1' % q(s))['total_rows']
        rows = ','.join(map(str, range(min(10, nrows))))
        out.append(('F', 'retained?q=%s&by=clodo&rows=%s' % (q(s), rows)))
        out.append(('V', 'domtree?q=%s' % q(s)))
        out.append(('F', 'shpaths?q=%s' % q(s + '.byid[0]')))
        out.append(('F', 'disjoint?qa=%s&qb=%s' % (q(s), q(sets[1]))))
        out.append(('F', 'partition?q=%s&by=clodo' % q(s + '.referrers')))
        out.append(('F', 'partition?q=%s&by=type' % q(s + '.referents')))
    for a in addrs:
        out.append(('V', 'objects/%s' % a))
        out.append(('F', 'shpaths?q=%s' % q('heap.byid[0]')))
    out.append(('F', '/api/snapshots'))
    out.append(('F', '/api/relations'))
    out.append(('F', '/api/diff?a=%s&b=%s&by=clodo' % (sid, sid)))
    seen, lines = set(), []
    for kind, path in out:
        if path not in seen:
            seen.add(path)
            lines.append('%s %s' % (kind, path))
    assert len(lines) >= 200, len(lines)
    print('\n'.join(lines))


if __name__ == '__main__':
    main(sys.argv[1].rstrip('/'), sys.argv[2])
