# heaplens attach: run once inside the target process, exec'd in a fresh namespace (so the
# target's __main__ gains no names). It starts the capture on a new low-level thread and
# returns at once; that thread imports the agent from the folder the heaplens binary placed,
# dumps, writes a status file, and removes every module the import added to sys.modules.
def _heaplens_attach(cfg):
    import os
    import sys
    import _thread

    # claim the capture: PEP 768 and gdb may both deliver this file; it runs once
    try:
        os.close(os.open(cfg['started'], os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError:
        return

    before = set(sys.modules)

    def run():
        import os
        status = {'ok': False, 'error': 'the capture did not finish'}
        try:
            sys.path.insert(0, cfg['dir'])
            # importing the agent makes hundreds of system calls, each releasing the GIL;
            # next to busy threads each took a switch interval or more to get it back
            # (5 s at the default 5 ms next to three spinning threads): a short interval
            # for the import only, the program's own right after
            interval = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, 0.0001))
            try:
                import heaplens
            finally:
                sys.setswitchinterval(interval)
                while cfg['dir'] in sys.path:
                    sys.path.remove(cfg['dir'])
            kwargs = {'name': cfg['name']}
            for flag in ('fork', 'track'):
                if cfg.get(flag) == 'yes':
                    kwargs[flag] = True
            if cfg.get('url'):
                kwargs['url'] = cfg['url']
                if cfg.get('token'):
                    kwargs['token'] = cfg['token']
            stats = heaplens.dump(cfg['out'], **kwargs)
            if kwargs.get('fork'):
                # the target went on right after the fork; this thread waits for the child
                stats = stats.wait()
            status = {'ok': True, 'stats': stats, 'python': sys.version}
        except BaseException as e:  # the capture must never take the target down
            tb, where = e.__traceback__, []
            while tb is not None:
                where.append('%s:%d' % (os.path.basename(tb.tb_frame.f_code.co_filename), tb.tb_lineno))
                tb = tb.tb_next
            status = {'ok': False, 'error': '%s: %s (at %s)' % (type(e).__name__, e, ' < '.join(reversed(where[-4:])))}
            del e, tb
        finally:
            try:
                import json
                text = json.dumps(status, default=str)
                tmp = cfg['status'] + '.tmp'
                with open(tmp, 'w') as f:
                    f.write(text)
                os.replace(tmp, cfg['status'])
            except BaseException:
                pass
            # `threading.current_thread()` on this thread (the agent asks which thread it
            # runs on) registers a dummy Thread that threading never forgets: forget it
            threading = sys.modules.get('threading')
            if threading is not None:
                with threading._active_limbo_lock:
                    me = threading._active.get(_thread.get_ident())
                    if type(me).__name__ == '_DummyThread':
                        del threading._active[_thread.get_ident()]
            # what the agent imported (itself, and the stdlib modules it uses that the
            # target had not imported), including lazily during the walk
            # with --track the agent stays: its identity state is what the next attach
            # compares against (docs/attach.md)
            if cfg.get('track') != 'yes':
                for name in set(sys.modules) - before:
                    sys.modules.pop(name, None)

    _thread.start_new_thread(run, ())


_heaplens_attach(CONFIG)
