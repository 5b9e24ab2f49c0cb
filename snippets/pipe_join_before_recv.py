"""join() before recv() on a child that sends 1 MB through a Pipe: a deadlock.

A Pipe has no feeder thread: the child's send() writes what fits into the
pipe and waits for a reader. The parent calls join() before recv(): the
parent waits for the child to exit, the child waits for the parent to read.
"""
import multiprocessing

SIZE = 1_000_000  # bytes: far more than a pipe holds


def sender(conn):
    print("sender: sending 1,000,000 bytes")
    conn.send(bytes(SIZE))  # blocks: nobody reads
    print("sender: send() returned")  # never printed
    conn.close()


def main():
    parent_end, child_end = multiprocessing.Pipe()
    p = multiprocessing.Process(target=sender, args=(child_end,),
                                name="sender")
    p.start()
    child_end.close()
    # --8<-- [start:deadlock]
    p.join()  # waits for the child, which waits for someone to read
    message = parent_end.recv()  # never reached
    # --8<-- [end:deadlock]
    print(f"got {len(message):,} bytes")


if __name__ == "__main__":
    main()
