"""Exercise: every city arrives, and some names come out wrong. Why?

A child sends city names as raw bytes. The parent receives each one into
a buffer it made once, as recv_bytes_into() allows, then prints what was
sent and what arrived. The answer, and the fixed program, are in
exercise_raw_bytes_buffer_fixed.py.
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
            receive_end.recv_bytes_into(buffer)
        except EOFError:  # the sender is done
            break
        received.append(buffer.rstrip(b"\0").decode())
    p.join(TIMEOUT)
    print("sent:    ", CITIES)
    print("received:", received)


if __name__ == "__main__":
    main()
