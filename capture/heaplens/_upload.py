"""Uploads to a heaplens server: ``POST URL/api/snapshots?name=NAME``, streamed from a file.

The body is sent from the file in 1 MiB blocks with a ``Content-Length`` header, so a
snapshot is never whole in memory.  An access token (``token=``, ``--token`` or the
``HEAPLENS_TOKEN`` environment variable) goes in an ``Authorization: Bearer`` header.
A 4xx/5xx answer raises :class:`UploadError` carrying the server's error message (the
API's envelope ``{"error": {"code", "message"}}``).  Standard library only.
"""

import http.client
import json
import os
import sys
import urllib.parse

BLOCK = 1 << 20


class UploadError(Exception):
    """The server refused an upload (or could not be reached): ``status`` (0 if no
    answer), ``code`` (the API error code, e.g. ``too_large``, ``bad_snapshot``) and
    ``message`` (the server's message)."""

    def __init__(self, status, code, message):
        Exception.__init__(self, '%s (HTTP %s %s)' % (message, status, code) if status else message)
        self.status = status
        self.code = code
        self.message = message


def _connection(server, timeout):
    u = urllib.parse.urlsplit(server)
    if u.scheme not in ('http', 'https') or not u.netloc:
        raise ValueError('server must be an http:// or https:// URL, not %r' % (server,))
    cls = http.client.HTTPSConnection if u.scheme == 'https' else http.client.HTTPConnection
    return cls(u.netloc, timeout=timeout), u.path.rstrip('/')


def _error(status, reason, body):
    try:
        err = json.loads(body.decode('utf-8'))['error']
        return UploadError(status, err.get('code', ''), err.get('message', ''))
    except Exception:
        text = body.decode('utf-8', 'replace').strip()[:500]
        return UploadError(status, reason, text or reason)


def upload(path, server, name=None, token=None, timeout=600):
    """Upload the snapshot file ``path`` to the heaplens server at ``server`` (its base
    URL, e.g. ``http://127.0.0.1:7878``) under ``name`` (default: the file's name).
    Returns the server's snapshot info (a dict with ``id``, ``name``, ``objects``, ...)."""
    if token is None:
        token = os.environ.get('HEAPLENS_TOKEN') or None
    if name is None:
        name = os.path.basename(os.fspath(path))
    conn, base = _connection(server, timeout)
    size = os.path.getsize(path)
    try:
        conn.putrequest('POST', base + '/api/snapshots?' + urllib.parse.urlencode({'name': name}))
        conn.putheader('Content-Type', 'application/octet-stream')
        conn.putheader('Content-Length', str(size))
        conn.putheader('Accept', 'application/json')
        if token:
            conn.putheader('Authorization', 'Bearer ' + token)
        conn.endheaders()
        try:
            with open(path, 'rb') as f:
                while True:
                    b = f.read(BLOCK)
                    if not b:
                        break
                    conn.send(b)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading everything (413): read its answer
        try:
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException) as e:
            raise UploadError(0, 'no_answer', 'the server at %s closed the connection without an answer '
                              'while receiving %d bytes (%s)' % (server, size, e)) from None
        if resp.status >= 400:
            raise _error(resp.status, resp.reason, body)
        return json.loads(body.decode('utf-8'))
    except OSError as e:
        raise UploadError(0, 'unreachable', 'cannot upload to %s: %s' % (server, e)) from None
    finally:
        conn.close()


def snapshot_url(server, info):
    """The page of an uploaded snapshot: ``SERVER/s/ID``."""
    return '%s/s/%s' % (server.rstrip('/'), urllib.parse.quote(str(info['id'])))


def add_parser(sub):
    """The ``upload`` subcommand of ``python -m heaplens``."""
    u = sub.add_parser('upload', help='upload a snapshot file to a heaplens server')
    u.add_argument('file')
    u.add_argument('--server', required=True, metavar='URL', help='the server, e.g. http://127.0.0.1:7878')
    u.add_argument('--name', help='snapshot name on the server (default: the file name)')
    u.add_argument('--token', help='access token (default: $HEAPLENS_TOKEN)')
    return u


def main(a):
    """Run ``upload``: print the snapshot's id and URL; exit code 1 with the server's message."""
    try:
        info = upload(a.file, a.server, name=a.name, token=a.token)
    except (UploadError, OSError, ValueError) as e:
        sys.stderr.write('heaplens: upload of %s failed: %s\n' % (a.file, e))
        return 1
    sys.stdout.write('%s\n%s\n' % (info['id'], snapshot_url(a.server, info)))
    return 0
