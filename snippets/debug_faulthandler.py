"""join_before_drain.py, made to tell where each of its processes waits.

Every process arms faulthandler: if it is still running DUMP_AFTER seconds
later, it writes the stack of each of its threads to stderr. The program
still hangs, but it says where. The parent arms its timer only after it has
started its child: a child forked while the timer is armed cannot arm one.
"""
import faulthandler
import multiprocessing

SIZE = 100_000  # bytes: more than a pipe holds
DUMP_AFTER = 1  # seconds: far longer than a healthy run of this program


# --8<-- [start:arm]
def arm():
    """Call in every process: no child inherits the parent's timer."""
    faulthandler.dump_traceback_later(DUMP_AFTER)  # once, after DUMP_AFTER
# --8<-- [end:arm]


def producer(q):
    arm()
    q.put(b"x" * SIZE)  # returns at once; the feeder thread writes it later
    print("producer: put() returned; now exiting", flush=True)


def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(q,), name="producer")
    p.start()
    arm()  # after start(): never fork with the timer armed
    p.join()  # the bug: join before get
    print(f"got {len(q.get())} bytes")


if __name__ == "__main__":
    main()
