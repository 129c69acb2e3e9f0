"""`heaplens attach PID` on real CPython processes that never imported heaplens.

Each target is a plain `python target.py MODE` subprocess (idle in sleep, blocked in a
socket accept, an asyncio server, busy on the CPU, threads spinning), on every CPython here
(pyenv 3.9-3.13; 3.14 and 3.15 from the Debian testing chroot of scripts/py-chroot.sh when
it exists: another root filesystem, as a container is). The snapshot must hold the target's
own marker objects, the target must keep running, and afterwards its sys.modules, threads,
open files and output must be what they were. The errors a user meets are checked too.
"""

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

import hlsread

BIN = os.environ.get('HEAPLENS_BIN') or os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    'target', 'release', 'heaplens')

TARGET = r'''
import os, signal, sys, threading, time

class AttachMarker:
    pass

markers = [AttachMarker() for _ in range(7)]

def is_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False

def state(*_):
    fds = [fd for fd in range(1024) if is_open(fd)]  # (a chroot has no /proc)
    with open(sys.argv[2] + '.tmp', 'w') as f:
        f.write(repr({'modules': sorted(sys.modules), 'threads': threading.active_count(),
                      'names': sorted(t.name for t in threading.enumerate()),
                      'fds': len(fds), 'path': list(sys.path), 'interval': sys.getswitchinterval(), 'main': sorted(vars(sys.modules['__main__']))}))
    print('state', flush=True)  # before the file appears: the test reads the output next
    os.replace(sys.argv[2] + '.tmp', sys.argv[2])

signal.signal(signal.SIGUSR1, state)
mode = sys.argv[1]

def spin():
    x = 0
    while True:
        x += 1

print('ready', flush=True)
if mode == 'idle':
    while True:
        time.sleep(3600)
elif mode == 'accept':
    import socket
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    s.listen()
    while True:
        s.accept()[0].close()
elif mode == 'asyncio':
    import asyncio

    async def handle(r, w):
        w.close()

    async def main():
        srv = await asyncio.start_server(handle, '127.0.0.1', 0)
        async with srv:
            await srv.serve_forever()
    asyncio.run(main())
elif mode == 'threaded':
    for i in range(3):
        threading.Thread(target=spin, name='spinner-%d' % i, daemon=True).start()
    while True:
        time.sleep(3600)
elif mode == 'busy':
    spin()
elif mode == 'ticking':
    while True:
        time.sleep(0.02)
'''

CHROOT = os.environ.get('PY_CHROOT', '/var/tmp/heaplens-deb-testing')


def interpreters():
    """(label, argv prefix, root) of every CPython here: pyenv's, then the chroot's."""
    found = []
    for v in ('3.9', '3.10', '3.11', '3.12', '3.13'):
        paths = sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python%s' % (v, v))))
        if paths:
            found.append((v, [paths[-1]], '/'))
    for v in ('3.14', '3.15'):
        if os.path.exists(os.path.join(CHROOT, 'usr/bin/python' + v)) and os.geteuid() == 0:
            found.append((v, ['chroot', CHROOT, '/usr/bin/python' + v], CHROOT))
    return found


PYTHONS = interpreters()


def test_interpreters_are_found():
    # the machine has pyenv 3.9-3.13; a test run that found none tested nothing
    assert {'3.11', '3.12'} <= {p[0] for p in PYTHONS}, PYTHONS


class Target:
    def __init__(self, argv, root, mode, tmp):
        self.root = root
        inside = '/tmp/heaplens-attach-test-%d-%s.py' % (os.getpid(), mode)
        host = os.path.join(root, inside.lstrip('/'))
        with open(host, 'w') as f:
            f.write(TARGET)
        self.script = host
        self.state_inside = inside + '.state'
        self.state_host = host + '.state'
        self.out = tmp / ('out-%s.txt' % mode)
        self.p = subprocess.Popen(argv + [inside, mode, self.state_inside], stdout=open(self.out, 'wb'),
                                  stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while b'ready' not in self.out.read_bytes():
            assert self.p.poll() is None, self.out.read_bytes()
            assert time.time() < deadline, 'the target did not start'
            time.sleep(0.05)
        time.sleep(0.3)  # into its loop / system call

    def state(self):
        if os.path.exists(self.state_host):
            os.unlink(self.state_host)
        self.p.send_signal(signal.SIGUSR1)
        deadline = time.time() + 20
        while not os.path.exists(self.state_host):
            assert time.time() < deadline, 'the target did not answer SIGUSR1'
            time.sleep(0.05)
        time.sleep(0.05)
        with open(self.state_host) as f:
            return eval(f.read())

    def stop(self):
        self.p.kill()
        self.p.wait()
        for p in (self.script, self.state_host):
            if os.path.exists(p):
                os.unlink(p)


def attach(pid, *args, timeout=120):
    return subprocess.run([BIN, 'attach', str(pid)] + list(args), capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize('mode', ['idle', 'accept', 'asyncio', 'threaded', 'busy', 'ticking'])
@pytest.mark.parametrize('python', PYTHONS, ids=[p[0] for p in PYTHONS])
def test_attach_captures_a_running_process_and_leaves_it_as_it_was(python, mode, tmp_path):
    label, argv, root = python
    t = Target(argv, root, mode, tmp_path)
    try:
        before = t.state()
        t.fds_before = set(os.listdir('/proc/%d/fd' % t.p.pid))
        out = tmp_path / 'snap.hls'
        r = attach(t.p.pid, '--out', str(out), '--name', 'attach test')
        if mode == 'busy' and label not in ('3.14', '3.15'):
            # a main thread that never waits in a system call is not injected into through
            # gdb (running code in the middle of what it executes can crash it): a clear
            # refusal, and the target as it was
            assert r.returncode == 2 and 'kept running Python code' in r.stderr, r.stderr
            assert t.p.poll() is None and not out.exists()
            assert t.state()['modules'] == before['modules']
            assert not glob.glob(os.path.join(root, 'tmp', 'heaplens-attach-%d-*' % t.p.pid))
            return
        assert r.returncode == 0, r.stderr
        assert 'objects from process %d' % t.p.pid in r.stdout
        if label in ('3.14', '3.15') and mode in ('ticking', 'busy'):
            # a target that runs bytecode takes PEP 768's request: nothing is stopped
            assert 'PEP 768' in r.stderr and 'using gdb' not in r.stderr, r.stderr
        elif label in ('3.14', '3.15') and mode == 'idle':
            assert 'using gdb' in r.stderr, r.stderr
        assert t.p.poll() is None, 'the target died'
        snap = hlsread.read(str(out))
        assert snap.meta['pid'] == t.p.pid
        assert snap.meta['python_version'][:2] == [int(x) for x in label.split('.')]
        assert snap.meta['name'] == 'attach test'
        rows = hlsread.partition_by_label(snap, 'clodo')
        assert rows['__main__.AttachMarker'][0] == 7, sorted(rows)[:20]
        # the agent is gone: no module, thread, file, path entry or global of its own stays
        time.sleep(0.2)
        after = t.state()
        assert after['modules'] == before['modules'], set(after['modules']) ^ set(before['modules'])
        assert after['threads'] == before['threads'] and after['names'] == before['names']
        if after['fds'] != before['fds']:
            # CPython 3.14+ only: importing ctypes (the pure-Python walker reads object fields
            # with it) makes libffi map its trampolines through one memfd, held for the
            # process's life; nothing else may stay open (docs/attach.md)
            opened = set(os.listdir('/proc/%d/fd' % t.p.pid)) - t.fds_before
            links = [os.readlink('/proc/%d/fd/%s' % (t.p.pid, fd)) for fd in opened]
            assert label in ('3.14', '3.15') and links == ['/memfd:libffi (deleted)'], links
        assert after['path'] == before['path']
        assert after['interval'] == before['interval'] == 0.005
        assert after['main'] == before['main'], set(after['main']) ^ set(before['main'])
        assert not glob.glob(os.path.join(root, 'tmp', 'heaplens-attach-%d-*' % t.p.pid))
        # it kept working (it answered, after the capture) and printed nothing else
        assert t.out.read_bytes() == b'ready\nstate\nstate\n', t.out.read_bytes()
        # and it can be attached to again
        r = attach(t.p.pid, '--out', str(tmp_path / 'again.hls'), '-q')
        assert r.returncode == 0, r.stderr
        assert t.p.poll() is None
    finally:
        t.stop()


def test_attach_errors_name_the_cause(tmp_path):
    # no such process
    dead = subprocess.Popen(['true'])
    dead.wait()
    r = attach(dead.pid)
    assert r.returncode == 2 and 'no such process: %d' % dead.pid in r.stderr, r.stderr
    # not a Python process
    sleeper = subprocess.Popen(['sleep', '60'])
    try:
        r = attach(sleeper.pid)
        assert r.returncode == 2 and 'is not a CPython process' in r.stderr, r.stderr
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_another_users_process_is_not_permitted(tmp_path):
    if os.geteuid() != 0 or not shutil.which('setpriv'):
        pytest.skip('needs root to start a root target and drop to nobody (setpriv)')
    # a copy of the binary that nobody can run; the target is ours (root's)
    exe = tmp_path / 'heaplens'
    shutil.copy(BIN, exe)
    os.chmod(tmp_path, 0o755)
    os.chmod(exe, 0o755)
    p = subprocess.Popen([sys.executable, '-c', 'import time; print("ready", flush=True); time.sleep(60)'],
                         stdout=subprocess.PIPE)
    try:
        assert p.stdout.readline() == b'ready\n'
        r = subprocess.run(['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups',
                            '--inh-caps=-all', '--bounding-set=-all', str(exe), 'attach', str(p.pid),
                            '--out', '/tmp/never.hls'],
                           capture_output=True, text=True, timeout=60, cwd='/')
        assert r.returncode == 2, r.stderr
        assert 'not permitted to trace process %d (owned by uid 0)' % p.pid in r.stderr, r.stderr
        assert 'Run heaplens as the same user or as root' in r.stderr
        assert p.poll() is None
    finally:
        p.kill()
        p.wait()


def test_a_target_that_exits_during_the_capture_is_a_clear_error(tmp_path):
    # a target that exits as soon as it runs any other thread's code
    script = tmp_path / 'quitter.py'
    script.write_text('import os, time\nprint("ready", flush=True)\n'
                      'while True:\n    time.sleep(0.01)\n    import sys\n'
                      '    if "heaplens" in sys.modules: os._exit(3)\n')
    p = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE)
    try:
        assert p.stdout.readline() == b'ready\n'
        r = attach(p.pid, '--out', str(tmp_path / 'x.hls'))
        assert r.returncode == 2
        assert 'exited during the capture' in r.stderr or 'no such process' in r.stderr, r.stderr
        assert not (tmp_path / 'x.hls').exists()
    finally:
        p.kill()
        p.wait()


def test_without_gdb_the_error_says_how_to_install_it(tmp_path):
    p = subprocess.Popen([sys.executable, '-c', 'import time; print("ready", flush=True); time.sleep(60)'],
                         stdout=subprocess.PIPE)
    try:
        assert p.stdout.readline() == b'ready\n'
        env = dict(os.environ, PATH='/nonexistent')
        r = subprocess.run([BIN, 'attach', str(p.pid)], capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 2 and 'gdb is not installed' in r.stderr, r.stderr
        assert p.poll() is None
    finally:
        p.kill()
        p.wait()


@pytest.mark.parametrize('how', ['env', 'xoption'])
def test_a_314_target_that_disabled_remote_debugging_is_refused(how, tmp_path):
    py = [p for p in PYTHONS if p[0] in ('3.14', '3.15')]
    if not py:
        pytest.skip('no CPython 3.14+ here: scripts/py-chroot.sh makes one (the test command runs it)')
    label, argv, root = py[0]
    prefix = ['env', 'PYTHON_DISABLE_REMOTE_DEBUG=1'] if how == 'env' else []
    extra = ['-X', 'disable-remote-debug'] if how == 'xoption' else []
    p = subprocess.Popen(argv[:-1] + prefix + [argv[-1]] + extra +
                         ['-c', 'import time; print("ready", flush=True); time.sleep(60)'], stdout=subprocess.PIPE)
    try:
        assert p.stdout.readline() == b'ready\n'
        r = attach(p.pid, '--out', str(tmp_path / 'x.hls'))
        assert r.returncode == 2 and 'remote debugging disabled' in r.stderr, r.stderr
        assert p.poll() is None
    finally:
        p.kill()
        p.wait()


def test_two_tracked_attaches_give_an_identity_diff(tmp_path):
    py = [p for p in PYTHONS if p[0] == '3.11']
    label, argv, root = py[0]
    script = tmp_path / 'grow.py'
    script.write_text('import signal, time\nclass Leak:\n    pass\nkeep = []\n'
                      'def grow(*_):\n    keep.extend(Leak() for _ in range(50))\n'
                      'signal.signal(signal.SIGUSR1, grow)\nprint("ready", flush=True)\n'
                      'while True:\n    time.sleep(3600)\n')
    p = subprocess.Popen(argv + [str(script)], stdout=subprocess.PIPE)
    try:
        assert p.stdout.readline() == b'ready\n'
        a, b = str(tmp_path / 'a.hls'), str(tmp_path / 'b.hls')
        r = attach(p.pid, '--track', '--out', a, '-q')
        assert r.returncode == 0, r.stderr
        p.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
        r = attach(p.pid, '--track', '--out', b, '-q')
        assert r.returncode == 0, r.stderr
        r = subprocess.run([BIN, 'newobjects', a, b, '--by', 'clodo'], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        rows = [line.split() for line in r.stdout.splitlines() if line.strip().endswith('__main__.Leak')]
        assert rows and rows[0][1] == '50', r.stdout
        assert p.poll() is None
    finally:
        p.kill()
        p.wait()


@pytest.mark.parametrize('mode', ['threaded', 'ticking'])
def test_attach_fork_walks_in_a_child_of_the_target(mode, tmp_path):
    """``attach --fork``: the target forks (raw fork, its threads' frames kept) and goes on;
    the child walks and writes; the target is left as it was, with no child behind.  Needs
    the native walker in the target's environment: the test's own interpreter has it."""
    r = subprocess.run([sys.executable, '-c', 'import heaplens_native'], capture_output=True)
    if r.returncode != 0:
        pytest.skip('heaplens_native is not built for %s' % sys.executable)
    t = Target([sys.executable], '/', mode, tmp_path)
    try:
        before = t.state()
        out = tmp_path / 'forked.hls'
        r = attach(t.p.pid, '--fork', '--out', str(out), '--name', 'forked')
        assert r.returncode == 0, r.stderr
        assert t.p.poll() is None
        snap = hlsread.read(str(out))
        assert snap.meta['pid'] == t.p.pid and snap.meta['name'] == 'forked'
        assert hlsread.partition_by_label(snap, 'clodo')['__main__.AttachMarker'][0] == 7
        time.sleep(0.2)
        after = t.state()
        for k in ('modules', 'threads', 'names', 'path', 'main'):
            assert after[k] == before[k], (k, after[k], before[k])
        children = [p for p in os.listdir('/proc') if p.isdigit() and os.path.exists('/proc/%s/stat' % p)
                    and open('/proc/%s/stat' % p).read().rsplit(')', 1)[1].split()[1] == str(t.p.pid)]
        assert not children, children
        assert t.out.read_bytes() == b'ready\nstate\nstate\n', t.out.read_bytes()
    finally:
        t.stop()
