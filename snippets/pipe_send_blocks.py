"""A Pipe has no feeder thread: send() itself blocks while the pipe is full.

A thread sends one message into a one-way pipe that nobody reads yet. On
Linux such a pipe holds 64 KiB: 65,000 bytes go in and send() returns;
66,000 bytes do not fit, and send() waits until the reader takes them.
A child that sends a large message is stuck the same way, so the parent
reads first and joins afterwards.
"""
import multiprocessing
import threading

WAIT = 0.5  # seconds: far longer than any send() that can finish
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def send_unread(size):
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    # --8<-- [start:thread]
    sending = threading.Thread(target=send_end.send, args=(bytes(size),))
    sending.start()
    sending.join(WAIT)
    if sending.is_alive():
        print(f"{size:,} bytes: send() still blocked after {WAIT} s, "
              "nobody has read")
    else:
        print(f"{size:,} bytes: send() returned, nobody has read yet")
    message = receive_end.recv()  # makes room: a blocked send() now finishes
    sending.join(TIMEOUT)
    # --8<-- [end:thread]
    done = not sending.is_alive()
    print(f"{size:,} bytes: recv() got {len(message):,} bytes, "
          f"send() is done: {done}")
    receive_end.close()
    send_end.close()


def sender(conn, size):
    conn.send(bytes(size))  # blocks until the parent reads
    conn.close()


def recv_then_join(size):
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    p = multiprocessing.Process(target=sender, args=(send_end, size),
                                name="sender")
    p.start()
    send_end.close()
    # --8<-- [start:recv_then_join]
    if not receive_end.poll(TIMEOUT):
        raise SystemExit(f"nothing arrived in {TIMEOUT} s")
    # first read: this lets the child's send() finish
    message = receive_end.recv()
    p.join(TIMEOUT)  # then join
    # --8<-- [end:recv_then_join]
    got = f"{len(message):,} bytes"
    print(f"child: recv() got {got}, then join(): exit code {p.exitcode}")


def main():
    send_unread(65_000)
    send_unread(66_000)
    recv_then_join(1_000_000)


if __name__ == "__main__":
    main()
