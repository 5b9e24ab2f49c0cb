"""Answer to exercise_raw_bytes_buffer_bug.py: the length is the answer.

recv_bytes_into() writes the message at the start of the buffer and
leaves the rest of it as it was: after "Copenhagen", the four bytes of
"Oslo" leave "nhagen" behind them. The buffer never becomes zeros again,
so stripping zeros cannot find the end. recv_bytes_into() returns the
message's length: read that many bytes, and no more.
"""
import multiprocessing

CITIES = ["Copenhagen", "Oslo", "Helsinki", "Reykjavik"]
TIMEOUT = 10  # seconds


def sender(send_end):
    for city in CITIES:
        send_end.send_bytes(city.encode())
    send_end.close()


def main():
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    p = multiprocessing.Process(target=sender, args=(send_end,))
    p.start()
    send_end.close()  # so that recv_bytes_into() sees EOF after the last

    buffer = bytearray(32)  # made once: longer than any city's name
    received = []
    while True:
        if not receive_end.poll(TIMEOUT):
            raise TimeoutError("the sender went quiet")
        try:
            size = receive_end.recv_bytes_into(buffer)
        except EOFError:  # the sender is done
            break
        received.append(buffer[:size].decode())  # this message, no more
    p.join(TIMEOUT)
    print("sent:    ", CITIES)
    print("received:", received)


if __name__ == "__main__":
    main()
