"""Imported at start-up by every interpreter the ipcsnippets runner starts.

The runner puts this folder on PYTHONPATH so that the snippet itself stays
exactly what a reader copies. Children inherit the environment, so spawn
and forkserver children (and the forkserver and resource tracker helpers)
run this too; fork children inherit its effects and re-arm them after fork.

- IPCSNIPPETS_START_METHOD: the start method to impose on the snippet.
- IPCSNIPPETS_DUMP_DIR: where each process writes its Python stacks when
  it receives SIGUSR1 (one file per pid, first line names the process).
"""
import os


# --8<-- [start:arm]
def _arm_stack_dump(dump_dir):
    import faulthandler
    import signal

    def arm():
        global _dump_file
        path = os.path.join(dump_dir, f"{os.getpid()}.txt")
        _dump_file = open(path, "w", buffering=1)
        faulthandler.register(signal.SIGUSR1, file=_dump_file, all_threads=True, chain=False)

    arm()
    os.register_at_fork(after_in_child=arm)
# --8<-- [end:arm]


def _label_children():
    # A child learns its own name in BaseProcess._bootstrap, under every start
    # method (util.register_after_fork is not run in spawn children).
    from multiprocessing import process

    bootstrap = process.BaseProcess._bootstrap

    def labelled_bootstrap(self, *args, **kwargs):
        if _dump_file is not None:
            _dump_file.write(f"# process: {self.name}\n")
        return bootstrap(self, *args, **kwargs)

    process.BaseProcess._bootstrap = labelled_bootstrap


_dump_file = None


def _setup():
    dump_dir = os.environ.get("IPCSNIPPETS_DUMP_DIR")
    method = os.environ.get("IPCSNIPPETS_START_METHOD")
    if dump_dir:
        _arm_stack_dump(dump_dir)
    if method or dump_dir:
        import multiprocessing

        if dump_dir:
            _label_children()
        if method and multiprocessing.get_start_method(allow_none=True) is None:
            multiprocessing.set_start_method(method)


try:
    _setup()
except Exception as exc:  # never break the interpreter the reader's code runs in
    import sys

    print(f"ipcsnippets: start-up hook failed: {exc!r}", file=sys.stderr)
