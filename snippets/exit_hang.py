"""A process that put more than a pipe holds, never read, cannot exit.

main() puts 65,600 bytes on a Queue that nobody reads, prints, and returns.
Python then runs multiprocessing's exit handler, which joins the queue's
feeder thread; the feeder is stuck writing into a full pipe. The program
never ends. With 65,000 bytes the item fits in the pipe and it exits.
"""
import multiprocessing

SIZE = 65_600  # bytes: a little more than the pipe holds (64 KiB on Linux)


def put_unread(q, size):
    q.put(b"x" * size)  # returns at once; the feeder thread writes it later


def main():
    q = multiprocessing.Queue()
    put_unread(q, SIZE)
    print(f"put {SIZE} bytes that nobody will read")
    print("main() returns; Python now exits (or tries to)")


if __name__ == "__main__":
    main()
