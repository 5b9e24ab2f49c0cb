"""set_start_method() works once, and only before anything fixed the default.

A second call raises RuntimeError, and so does a first call after something
quietly fixed the default: creating a Queue, or get_context() with no
argument. force=True silences the error, but objects made before keep their
old context. get_context("spawn") returns a context with its own Queue and
Process, which use spawn whatever the default is; it works at any time.
"""
import multiprocessing


def try_set_start_method(method):
    try:
        multiprocessing.set_start_method(method)
    except RuntimeError as exc:
        print(f"    set_start_method({method!r}) -> RuntimeError: {exc}")
    else:
        print(f"    set_start_method({method!r}) -> ok")


def forget_choice():
    # Back to "nothing chosen yet" (method None with force=True), only so that
    # each case below starts clean. A real program never needs this.
    multiprocessing.set_start_method(None, force=True)


def report(q):
    q.put(f"a child that imported the main module as {__name__!r}")


def main():
    # --8<-- [start:twice]
    print("1. set_start_method() twice, even with the same method")
    try_set_start_method("spawn")
    try_set_start_method("spawn")
    # --8<-- [end:twice]

    forget_choice()
    # --8<-- [start:fixed]
    print("2. after creating a Queue")
    q = multiprocessing.Queue()
    fixed = multiprocessing.get_start_method(allow_none=True)
    print(f"    default now fixed to {fixed!r}")
    try_set_start_method("spawn")
    q.close()

    forget_choice()
    print("3. after get_context() with no argument")
    multiprocessing.get_context()
    try_set_start_method("spawn")
    # --8<-- [end:fixed]

    forget_choice()
    # --8<-- [start:force]
    print("4. force=True after a Queue was made under fork")
    multiprocessing.set_start_method("fork")
    q = multiprocessing.Queue()
    multiprocessing.set_start_method("spawn", force=True)  # the popular "fix"
    child = multiprocessing.Process(target=report, args=(q,))
    try:
        child.start()
    except RuntimeError as exc:  # 3.12+ and recent 3.11 releases refuse
        print(f"    start() -> RuntimeError: {exc}")
    else:
        child.join(10)
        print(f"    the child's exit code is {child.exitcode}")
    q.close()
    # --8<-- [end:force]

    forget_choice()
    # --8<-- [start:context]
    print("5. get_context('spawn'), whatever the default is")
    multiprocessing.set_start_method("fork")
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    child = ctx.Process(target=report, args=(q,))
    child.start()
    print(f"    got: {q.get(timeout=10)}")
    child.join(10)
    print(f"    the default is still {multiprocessing.get_start_method()!r}")
    # --8<-- [end:context]


if __name__ == "__main__":
    main()
