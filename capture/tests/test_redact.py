"""Redaction: no string of the heap's data survives ``values="none"``/``"redact"`` captures,
nor ``heaplens redact`` of an ``all`` capture, and the tables stay the same.

A child process builds a heap full of secrets (random markers given on its command
line: str values, dict keys, bytes, an int, inside lists, tuples, nested dicts and
instances, a long string, non-ASCII text) and captures it in each mode.  The test
then searches every output file's bytes for each marker, every 8-character window of
one (so no substring of 8 or more characters survives) in UTF-8, Latin-1 and UTF-16,
and the int's digits.  The ``all`` capture must contain them (the search works).
"""

import json
import os
import secrets
import subprocess
import sys

import pytest

import hlsread
from conftest import CAPTURE
from heaplens import _redact
from test_cli import binary

CHILD = r'''
import sys
import heaplens

out, markers = sys.argv[1], sys.argv[2:]
m = list(markers)


class Account:
    def __init__(self, user, password):
        self.user = user
        self.password = password


class Slotted:
    __slots__ = ('token',)

    def __init__(self, token):
        self.token = token


VAULT = {
    'plain': m[0],
    m[1]: 'value under a secret key',
    'nested': {'deeper': [(m[2], 'x')], m[3]: {'k': m[4]}},
    'bytes': m[5].encode('utf-8'),
    'bytes_key': {m[6].encode('utf-8'): 1},
    'int': int(SECRET_INT_HEX, 16),
    'long': 'a' * 5000 + m[7] + 'b' * 5000 + m[8],
    'accounts': [Account(m[9], m[10]), Slotted(m[11])],
    'unicode': m[12],
    'latin': m[13].encode('latin-1'),
    'utf16': m[14].encode('utf-16-le'),
    'tuple_key': {(m[15], 1): 'tuple key'},
    'frozen': frozenset([m[16]]),
}


def capture():
    local_secret = m[17]  # a frame local: its value is data, its name is code
    for mode in ('all', 'none', 'redact'):
        heaplens.dump('%s.%s.hls' % (out, mode), values=mode, name='secrets')
    return local_secret


capture()
'''


def _markers():
    base = [secrets.token_hex(12) for _ in range(18)]
    base[12] = 'Grüße-' + base[12] + '-€漢字'
    base[13] = 'Ünïcödé-' + base[13]  # Latin-1 encodable
    base[14] = 'ключ-' + base[14]
    return base


def _needles(markers, secret_int):
    """(label, bytes) to search: each marker's 8-character windows in four encodings."""
    out = [('int', str(secret_int).encode())]
    for m in markers:
        for i in range(len(m) - 7):
            w = m[i:i + 8]
            for enc in ('utf-8', 'latin-1', 'utf-16-le', 'utf-16-be'):
                try:
                    out.append(('%r in %s' % (w, enc), w.encode(enc)))
                except UnicodeEncodeError:
                    pass
    return out


def _leaks(path, needles):
    data = open(path, 'rb').read()
    return sorted({label for label, b in needles if b in data})


@pytest.fixture(scope='module')
def captures(tmp_path_factory):
    d = tmp_path_factory.mktemp('redact')
    markers = _markers()
    int_hex = secrets.token_hex(16)
    script = d / 'secrets_app.py'
    script.write_text(CHILD.replace('SECRET_INT_HEX', repr(int_hex)), encoding='utf-8')
    out = str(d / 'snap')
    env = dict(os.environ, PYTHONPATH=CAPTURE)
    r = subprocess.run([sys.executable, str(script), out] + markers, capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    files = {mode: '%s.%s.hls' % (out, mode) for mode in ('all', 'none', 'redact')}
    for mode in ('none', 'redact'):
        p = '%s.engine-%s.hls' % (out, mode)
        subprocess.run([binary(), 'redact', files['all'], p, '--values', mode], check=True,
                       capture_output=True, timeout=300)
        files['engine-' + mode] = p
    return files, markers, _needles(markers, int(int_hex, 16))


def test_the_all_capture_holds_every_secret(captures):
    files, markers, needles = captures
    leaks = _leaks(files['all'], needles)
    for m in markers:
        # heapy's repr of each (cut to ~30 characters for long ones) or its dict-key name
        assert any(label.startswith(repr(m[i:i + 8]) + ' in ') for label in leaks
                   for i in range(len(m) - 7)), m
    assert 'int' in leaks


@pytest.mark.parametrize('mode', ['none', 'redact', 'engine-none', 'engine-redact'])
def test_no_secret_survives(captures, mode):
    files, markers, needles = captures
    assert _leaks(files[mode], needles) == []
    s = hlsread.read(files[mode])
    assert s.meta['values'] == mode.replace('engine-', '')
    assert not any(m in json.dumps(s.meta, ensure_ascii=False) for m in markers)


def test_redact_keeps_equal_strings_recognisably_equal(captures):
    files, markers, _ = captures
    s = hlsread.read(files['redact'])
    tok = _redact.token(repr(markers[1]))  # markers[1] is a plain dict's key
    assert '[%s]' % tok in s.strings
    previews = {s.preview(i) for i in range(s.n)}
    assert _redact.token(repr(markers[0])) in previews
    # the key's str object has the same token as its name
    assert tok in previews


def test_none_has_no_data_previews_but_keeps_code_names(captures):
    files, _, _ = captures
    s = hlsread.read(files['none'])
    data_types = {i for i, (_, lab) in enumerate(s.types)
                  if s.strings[lab] in ('str', 'bytes', 'int', 'float', 'complex')}
    assert not any(s.type[i] in data_types for i in s.previews)
    assert _redact.NONE_KEY in s.strings
    labels = {s.strings[lab] for _, lab in s.types}
    assert '__main__.Account' in labels and '__main__.Slotted' in labels
    # attribute and global names are code: kept
    for name in ("['VAULT']", "['password']", '.token', ".f_locals['local_secret']"):
        assert name in s.strings, name


def _table(path, by):
    out = subprocess.run([binary(), 'table', path, '--by', by, '--all', '--json'],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    v = json.loads(out)
    return [(r['label'], r['count'], r['size']) for r in v['rows']], v['count'], v['size']


@pytest.mark.parametrize('by', ['type', 'clodo', 'size'])
def test_engine_redaction_keeps_the_tables(captures, by):
    files, _, _ = captures
    whole = _table(files['all'], by)
    assert _table(files['engine-redact'], by) == whole
    assert _table(files['engine-none'], by) == whole


def test_the_engine_finds_nothing_more_to_redact_in_agent_captures(captures, tmp_path):
    files, _, _ = captures
    for mode in ('none', 'redact'):
        r = subprocess.run([binary(), 'redact', files[mode], str(tmp_path / 'x.hls'), '--values', mode],
                           check=True, capture_output=True, text=True, timeout=300)
        assert '0 previews redacted, 0 removed, 0 key names redacted' in r.stdout, r.stdout


def test_run_passes_the_mode_through(tmp_path):
    marker = secrets.token_hex(16)
    script = tmp_path / 'prog.py'
    script.write_text('import sys\nKEEP = {sys.argv[1]: [sys.argv[1] * 2]}\n')
    out = tmp_path / 'prog.hls'
    env = dict(os.environ, PYTHONPATH=CAPTURE)
    r = subprocess.run([sys.executable, '-m', 'heaplens', 'run', '--values', 'redact', '--out', str(out),
                        str(script), marker], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert marker[:8].encode() not in out.read_bytes()
    assert hlsread.read(str(out)).meta['values'] == 'redact'


def test_a_bad_mode_is_refused():
    import heaplens
    with pytest.raises(ValueError, match='values must be one of'):
        heaplens.dump('/nonexistent/x.hls', values='some')
