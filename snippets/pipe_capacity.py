"""How many bytes each kind of Pipe holds before send() has to wait.

Pipe(duplex=False) is an os.pipe() and Pipe() is a socket pair (POSIX).
The kernel sizes their buffers, not multiprocessing. The program makes the
send end non-blocking, so that a message that does not fit raises
BlockingIOError instead of waiting, and searches for the largest message
that send_bytes() writes whole while nobody reads. send_bytes() adds a
4-byte length; send() would also add the pickle's own few bytes.
"""
import multiprocessing
import os
import sys

def fits(duplex, size):
    """Whether send_bytes() of size bytes returns with nobody reading."""
    receive_end, send_end = multiprocessing.Pipe(duplex=duplex)
    # --8<-- [start:probe]
    os.set_blocking(send_end.fileno(), False)  # a full buffer raises now
    try:
        send_end.send_bytes(bytes(size))
        return True
    except BlockingIOError:
        return False
    # --8<-- [end:probe]
    finally:
        receive_end.close()
        send_end.close()


def largest_message(duplex):
    fitting, too_big = 0, 1 << 24  # 16 MiB is far more than either holds
    while too_big - fitting > 1:
        size = (fitting + too_big) // 2
        if fits(duplex, size):
            fitting = size
        else:
            too_big = size
    return fitting


def main():
    if sys.platform == "win32":
        sys.exit("pipe_capacity.py needs POSIX: Windows pipes are named pipes")
    for label, duplex in (("Pipe(duplex=False)", False), ("Pipe()", True)):
        size = largest_message(duplex)
        print(f"{label:<18} holds a message of {size:,} bytes, unread")


if __name__ == "__main__":
    main()
