"""Leaving out join() does not avoid the join-before-drain deadlock.

The child puts two results, each larger than a pipe holds. The parent
needs only the first, reads it, and returns without join(). But a parent
joins its non-daemon children as it exits, and this child cannot exit
while its second result is unread: the program never ends.
"""
import multiprocessing

SIZE = 100_000  # bytes per result: more than a pipe holds on Linux
TIMEOUT = 10  # seconds for the first result


def child(results):
    for n in range(2):
        results.put(bytes(SIZE))


def main():
    results = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(results,))
    p.start()
    first = results.get(timeout=TIMEOUT)
    print(f"got the first result ({len(first)} bytes); no join()", flush=True)


if __name__ == "__main__":
    main()
