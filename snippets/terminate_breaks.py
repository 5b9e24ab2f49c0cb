"""What terminate() breaks: a lock, a queue, a pipe mid-message.

terminate() sends SIGTERM on POSIX; a multiprocessing child does not catch
it, so it dies on the spot: no finally block, no with block's exit, no
feeder thread's flush. Whatever it was in the middle of stays that way.
Each part below terminates a child in the middle of something.
"""
import multiprocessing
import time

BIG = 1_000_000  # bytes: far more than a pipe holds, so a write stalls
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def hold_lock(lock, holding):
    with lock:  # released on the way out of the block... if there is one
        holding.set()
        time.sleep(TIMEOUT)  # stands for work done under the lock


def put_big(q):
    q.put(bytes(BIG))  # returns at once; the feeder thread writes it


def put_small(q):
    q.put("small")


def send_big(conn):
    conn.send_bytes(bytes(BIG))  # blocks while nobody reads


def broken_lock():
    lock, holding = multiprocessing.Lock(), multiprocessing.Event()
    p = multiprocessing.Process(target=hold_lock, args=(lock, holding))
    p.start()
    holding.wait(TIMEOUT)
    p.terminate()
    p.join(TIMEOUT)
    free = lock.acquire(timeout=1)
    print(f"lock: free after terminate(): {free}; exit code {p.exitcode}")


def broken_queue():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=put_big, args=(q,))
    p.start()
    deadline = time.monotonic() + TIMEOUT
    while q.empty() and time.monotonic() < deadline:
        time.sleep(0.01)  # until the feeder has started writing
    p.terminate()  # mid-write, holding the queue's write lock
    p.join(TIMEOUT)
    other = multiprocessing.Process(target=put_small, args=(q,))
    other.start()
    other.join(1)  # its feeder waits for the dead process's lock
    print(f"queue: another writer can exit: {not other.is_alive()}")
    other.terminate()  # the queue is broken: give up on it and its users
    other.join(TIMEOUT)


def broken_pipe():
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    p = multiprocessing.Process(target=send_big, args=(send_end,))
    p.start()
    send_end.close()
    receive_end.poll(TIMEOUT)  # the message has started to arrive...
    time.sleep(0.2)  # ...and the writer is blocked on the full pipe
    p.terminate()  # mid-message
    p.join(TIMEOUT)
    try:
        receive_end.recv_bytes()
    except OSError as exc:
        print(f"pipe: the reader gets {type(exc).__name__}: {exc}")


def main():
    broken_lock()
    broken_queue()
    broken_pipe()


if __name__ == "__main__":
    main()
