"""What fork, spawn and forkserver do, seen from inside the child.

fork copies the parent as it is at start(): the child sees a module-level
value that main() changed after import. spawn starts a fresh interpreter,
and forkserver forks the child from a clean server process; both import the
main module again, as __mp_main__, so the child sees the value as imported.
Each child also reports how long it took to answer after start().
"""
import multiprocessing
import time

SETTING = "as imported"  # a module-level value; main() changes it


def report(conn):
    # Runs in the child: which module is this function in, and what does it
    # see?
    conn.send((__name__, SETTING))
    conn.close()


def start_child():
    """Start one child; return its report and the ms until it answered."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=report, args=(sender,))
    started = time.perf_counter()
    child.start()
    sender.close()  # the child holds its own copy
    if not receiver.poll(10):
        raise SystemExit("the child did not answer within 10 s")
    module, seen = receiver.recv()
    elapsed_ms = (time.perf_counter() - started) * 1000
    child.join(10)
    return module, seen, elapsed_ms


def main():
    global SETTING
    # --8<-- [start:methods]
    print("start methods here:", multiprocessing.get_all_start_methods())
    print("this run uses:", multiprocessing.get_start_method())
    # --8<-- [end:methods]
    SETTING = "changed by main()"  # after import, before any child starts
    print(f"parent: SETTING = {SETTING!r}")
    module, seen, first_ms = start_child()
    print(f"child:  report() runs in module {module!r}")
    print(f"child:  SETTING = {seen!r}")
    _, _, second_ms = start_child()
    print(f"the first child answered {first_ms:.0f} ms after start(), "
          f"the second {second_ms:.0f} ms")


if __name__ == "__main__":
    main()
