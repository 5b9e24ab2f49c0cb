"""poll() answers at once, poll(t) waits up to t s, poll(None) waits for data.

The child sends only after the parent sets an Event, so the first two polls
certainly find nothing. Then the child waits half a second and sends:
poll(None) returns True once the message is there.
"""
import multiprocessing
import time

DELAY = 0.5  # seconds the child waits, after the Event, before it sends
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def late_sender(conn, go):
    if go.wait(TIMEOUT):
        time.sleep(DELAY)
        conn.send("finally some data")
    conn.close()


def timed(label, call):
    started = time.monotonic()
    result = call()
    waited = time.monotonic() - started
    print(f"{label:<11} -> {result!r} after {waited:.1f} s")
    return result


def main():
    parent_end, child_end = multiprocessing.Pipe()
    go = multiprocessing.Event()
    p = multiprocessing.Process(target=late_sender, args=(child_end, go))
    p.start()
    child_end.close()
    # --8<-- [start:poll]
    # timeout=0, the default: never waits
    timed("poll()", lambda: parent_end.poll())
    timed("poll(0.3)", lambda: parent_end.poll(0.3))  # waits up to 0.3 s
    go.set()  # the child sends DELAY seconds from now
    # waits as long as it takes
    timed("poll(None)", lambda: parent_end.poll(None))
    timed("recv()", parent_end.recv)  # the data is there: returns at once
    # --8<-- [end:poll]
    p.join(TIMEOUT)


if __name__ == "__main__":
    main()
