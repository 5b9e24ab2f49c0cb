"""Raw bytes on a Connection: send_bytes(), recv_bytes(), recv_bytes_into().

For data that is already bytes, send_bytes() skips pickling. The program
shows the three calls and their limits, then times a child that receives
the same bytes three ways: recv() of a pickled bytes object, recv_bytes(),
and recv_bytes_into() a buffer made once.
"""
import multiprocessing
import time
from multiprocessing import BufferTooShort

# label: (bytes per message, messages per timed round)
SIZES = {"100 bytes": (100, 10_000), "1 MiB": (1 << 20, 32)}
ROUNDS = 3  # the best round counts: a busy machine only slows a round down
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang
WAYS = ("send/recv", "send_bytes/recv_bytes", "send_bytes/recv_bytes_into")


def limits():
    # --8<-- [start:limits]
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    send_end.send_bytes(b"0123456789", 2, 5)  # bytes 2 to 6 of the buffer
    print("recv_bytes():", receive_end.recv_bytes())

    buffer = bytearray(8)  # made once, filled again by every call
    send_end.send_bytes(b"spam")
    size = receive_end.recv_bytes_into(buffer)
    print("recv_bytes_into():", size, "bytes:", bytes(buffer[:size]))

    send_end.send_bytes(b"a message of 30 bytes, or so..")
    try:
        receive_end.recv_bytes_into(buffer)
    except BufferTooShort as exc:  # the whole message is in the exception
        print("BufferTooShort: the message was", len(exc.args[0]), "bytes")

    send_end.send_bytes(b"x" * 1000)
    try:
        receive_end.recv_bytes(maxlength=100)
    except OSError as exc:
        print("recv_bytes(maxlength=100):", exc)
    print("receive_end is closed now:", receive_end.closed)
    # --8<-- [end:limits]
    send_end.close()


def receive(conn, way, size, count):
    buffer = bytearray(size)
    for _ in range(ROUNDS):
        conn.recv_bytes()  # go
        for _ in range(count):
            if way == "send/recv":
                conn.recv()
            elif way == "send_bytes/recv_bytes":
                conn.recv_bytes()
            else:
                conn.recv_bytes_into(buffer)
        conn.send_bytes(b"done")


def messages_per_second(way, size, count):
    payload = bytes(size)
    parent_end, child_end = multiprocessing.Pipe()
    args = (child_end, way, size, count)
    child = multiprocessing.Process(target=receive, args=args)
    child.start()
    child_end.close()
    best = 0.0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        parent_end.send_bytes(b"go")
        for _ in range(count):
            if way == "send/recv":
                parent_end.send(payload)
            else:
                parent_end.send_bytes(payload)
        if not parent_end.poll(TIMEOUT):
            raise TimeoutError(f"{way}: the child did not finish")
        parent_end.recv_bytes()
        best = max(best, count / (time.perf_counter() - started))
    child.join(TIMEOUT)
    parent_end.close()
    return best


def main():
    limits()
    for label, (size, count) in SIZES.items():
        rates = {way: messages_per_second(way, size, count) for way in WAYS}
        print(f"\n{label} per message, best of {ROUNDS} rounds:")
        for way in WAYS:
            ratio = rates[way] / rates["send/recv"]
            print(f"  {way:27} {rates[way]:>9,.0f} messages/s"
                  f"  {rates[way] * size / 1e6:>7,.0f} MB/s  x{ratio:.2f}")


if __name__ == "__main__":
    main()
