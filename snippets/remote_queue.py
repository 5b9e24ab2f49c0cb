"""A queue served over TCP: one process feeds it, another drains it.

A BaseManager serves a queue.Queue on 127.0.0.1, on a free port it picks
itself, to any client that knows the address and the authkey. The feeder and
the drainer share nothing else with the server: they connect() to it. On
several machines only the address changes. A client with a wrong authkey is
refused before it can touch the queue.
"""
import multiprocessing
import queue
from multiprocessing.managers import BaseManager

AUTHKEY = b"a long random secret"  # every client must know it
ITEMS = 100
DONE = None  # the sentinel: the feeder puts it after the last item
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang

# each process has one, but only the server's is ever used
JOBS = queue.Queue()


# --8<-- [start:manager]
class QueueManager(BaseManager):
    """Serves one queue to every process that connects."""


def get_jobs():
    return JOBS  # runs in the server process: its own JOBS


QueueManager.register("get_jobs", callable=get_jobs)
# --8<-- [end:manager]


# --8<-- [start:clients]
def connect(address, authkey):
    """What a client does, on this machine or another one."""
    manager = QueueManager(address=address, authkey=authkey)
    manager.connect()
    return manager.get_jobs()  # a proxy: each call is sent to the server


def feed(address):
    jobs = connect(address, AUTHKEY)
    for n in range(ITEMS):
        jobs.put(n)
    print(f"feeder put {ITEMS} items; now the sentinel")
    jobs.put(DONE)


def drain(address):
    jobs = connect(address, AUTHKEY)
    got = list(iter(lambda: jobs.get(timeout=TIMEOUT), DONE))
    once = sorted(got) == list(range(ITEMS))
    print(f"drainer got {len(got)} items; each exactly once: {once}")
# --8<-- [end:clients]


def main():
    # --8<-- [start:serve]
    # Port 0: the server binds a free port; manager.address says which one.
    with QueueManager(address=("127.0.0.1", 0), authkey=AUTHKEY) as manager:
        host, port = manager.address
        print(f"serving a queue on {host}; "
              f"port 0 became a free port: {port != 0}")
        clients = [
            multiprocessing.Process(target=drain, args=(manager.address,),
                                    name="drainer"),
            multiprocessing.Process(target=feed, args=(manager.address,),
                                    name="feeder"),
        ]
        for p in clients:
            p.start()
        for p in clients:
            p.join(TIMEOUT)
        print("clients' exit codes:", [p.exitcode for p in clients])
        # --8<-- [end:serve]

        # --8<-- [start:wrong_key]
        try:
            connect(manager.address, b"a wrong guess")
        except multiprocessing.AuthenticationError as e:
            print(f"a wrong authkey is refused: {type(e).__name__}: {e}")
        # --8<-- [end:wrong_key]
    print("server stopped; processes left:", multiprocessing.active_children())


if __name__ == "__main__":
    main()
