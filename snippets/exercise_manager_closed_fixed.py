"""Answer to exercise_manager_closed_bug.py: the manager was already gone.

A Manager queue lives in the manager's server process; `q` is only a proxy
that sends each call there. Leaving the `with` block shuts the server
down, so the queue was gone before the first put(), and the proxy could
not even find the server's socket: FileNotFoundError. Keep the manager
running for as long as any proxy is used.
"""
import multiprocessing

TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def main():
    # the server runs until the block ends
    with multiprocessing.Manager() as manager:
        q = manager.Queue()
        q.put("hello")
        print(f"got {q.get(timeout=TIMEOUT)!r}")


if __name__ == "__main__":
    main()
