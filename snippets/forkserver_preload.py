"""forkserver with set_forkserver_preload(): start-up per child, measured.

Each worker needs a big module (asyncio stands in for your library). The
program times three children under each start method, from start() until
the child has the module and answers, and asks each child whether the
module was already loaded when it began.
"""
import multiprocessing
import sys
import time

HEAVY = "asyncio"  # stands in for a big library every worker needs
CHILDREN = 3
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def work(send_end):
    preloaded = HEAVY in sys.modules
    __import__(HEAVY)  # what `import asyncio` in the worker does
    send_end.send(preloaded)
    send_end.close()


def start_up(ctx):
    """(seconds from start() to the answer, preloaded?) for each child."""
    results = []
    for _ in range(CHILDREN):
        receive_end, send_end = ctx.Pipe(duplex=False)
        started = time.perf_counter()
        p = ctx.Process(target=work, args=(send_end,))
        p.start()
        send_end.close()
        if not receive_end.poll(TIMEOUT):
            raise TimeoutError("a child did not answer")
        preloaded = receive_end.recv()
        results.append((time.perf_counter() - started, preloaded))
        p.join(TIMEOUT)
    return results


def main():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        # --8<-- [start:preload]
        forkserver = multiprocessing.get_context("forkserver")
        # Before the first start(): the server imports these once. The list
        # replaces the default ["__main__"], so name it again.
        forkserver.set_forkserver_preload(["__main__", HEAVY])
        # --8<-- [end:preload]
    for method in ("spawn", "forkserver", "fork"):
        if method not in methods:
            continue
        results = start_up(multiprocessing.get_context(method))
        times = "  ".join(f"{s * 1000:6.1f} ms" for s, _ in results)
        loaded = [preloaded for _, preloaded in results]
        print(f"{method:10} {times}   {HEAVY} already loaded: {loaded}")


if __name__ == "__main__":
    main()
