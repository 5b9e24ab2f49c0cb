"""Two processes send large messages through ONE end of a Pipe: it breaks.

send() writes a message of more than 16 KiB in two writes: a 4-byte length
header, then the pickled data. A large write goes into the pipe piece by
piece, as the reader makes room. Nothing keeps the other writer's bytes out
of the gaps. The reader then reads part of one message as if it were another,
and unpickling fails.

Both writers start together (a Barrier) and send 1 MB messages, far more than
the pipe holds, until they are stopped: their writes always overlap.
"""
import multiprocessing

SIZE = 1_000_000  # bytes per message: far more than the pipe holds


def writer(conn, start):
    start.wait()  # both writers begin at the same moment
    while True:  # until the parent stops it
        conn.send(bytes(SIZE))


def main():
    parent_end, child_end = multiprocessing.Pipe()
    start = multiprocessing.Barrier(2)
    writers = [
        multiprocessing.Process(
            target=writer, args=(child_end, start), name=f"writer-{i}"
        )
        for i in (1, 2)
    ]
    for p in writers:
        p.start()
    child_end.close()
    # --8<-- [start:read]
    intact = 0
    try:
        while True:
            message = parent_end.recv()
            if message != bytes(SIZE):
                print(f"after {intact} intact message(s): a wrong message")
                break
            intact += 1
    except Exception as exc:  # shown here only to print what the reader gets
        print(f"after {intact} intact message(s): {type(exc).__name__}: {exc}")
    # --8<-- [end:read]
    for p in writers:
        p.terminate()  # no way to find where the next message starts: give up
        p.join()
    print("writers stopped")


if __name__ == "__main__":
    main()
