"""How fast multiprocessing moves data from one process to another.

One producer (this process) sends to one consumer (a child process) through
each channel: Pipe, SimpleQueue, Queue, JoinableQueue (with task_done) and
Manager().Queue(), under the fork and spawn start methods. Payloads: small
ints, and 1 KiB, 64 KiB and 1 MiB byte strings. Two references give the
limits: raw bytes through an os.pipe (what the queues are built on) and
through a socket pair (what Pipe() is built on), and a copy in this
process's memory.

It measures throughput (messages and bytes per second), the round-trip
latency (median and 99th percentile), what batching small items buys, and
what shared memory buys when a 64 MiB buffer changes hands. Every figure
is the median of several repeats after a warm-up round.

The default run is quick and rough; --full is the run the page shows.
--json PATH writes every figure, with the Python version, CPU count,
platform and date.
"""
import argparse
import datetime
import json
import multiprocessing
import os
import platform
import statistics
import time
from multiprocessing import resource_tracker, shared_memory

CHANNELS = ("Pipe", "SimpleQueue", "Queue", "JoinableQueue", "Manager().Queue")
PAYLOADS = {"small int": 0, "1 KiB": 1 << 10, "64 KiB": 64 << 10, "1 MiB": 1 << 20}
BATCHES = (100, 1000)  # small ints per message
PAGE = 4096
MODES = {
    # messages per round (fewer when they would exceed "bytes"), round trips
    # (fewer for big payloads), small ints per round when batched, and the
    # buffer handed over through shared memory.
    "quick": dict(repeats=2, messages=500, bytes=4 << 20, round_trips=100,
                  batched_items=10000, shared_size=8 << 20, shared_repeats=1),
    "full": dict(repeats=5, messages=50000, bytes=256 << 20, round_trips=2000,
                 batched_items=500000, shared_size=64 << 20, shared_repeats=5),
}
MANAGER_SHARE = 10  # a Manager queue is about 10x slower: send it a tenth
TIMEOUT = 60  # seconds: a consumer that stops answering is an error, not a hang
# What the parent tells the child. END closes a round; the others start one.
COUNT, COUNT_LENGTHS, ECHO, END, STOP = "count", "count lengths", "echo", None, "stop"


def open_channel(ctx, manager, channel):
    """Return the parent's (inbox, outbox), the child's, and the queues to close."""
    if channel == "Pipe":
        mine, theirs = ctx.Pipe()  # duplex: each side reads and writes its own end
        return (mine, mine), (theirs, theirs), ()
    if channel == "Manager().Queue":
        to_child, to_parent = manager.Queue(), manager.Queue()
        queues = ()  # the manager's server owns them
    else:
        make = getattr(ctx, channel)  # ctx.SimpleQueue, ctx.Queue or ctx.JoinableQueue
        to_child, to_parent = make(), make()
        queues = (to_child, to_parent)
    return (to_parent, to_child), (to_child, to_parent), queues


def get_and_put(channel, inbox, outbox):
    """The plain blocking get() and put() of one side of a channel."""
    if channel == "Pipe":
        return inbox.recv, outbox.send
    if channel == "JoinableQueue":
        def get():
            item = inbox.get()
            inbox.task_done()  # what a JoinableQueue consumer must do
            return item
        return get, outbox.put
    return inbox.get, outbox.put


def wait_for(channel, inbox):
    """The parent's get(): with a timeout, so a consumer that died is an error."""
    if channel == "Pipe":
        if not inbox.poll(TIMEOUT):
            raise TimeoutError(f"no answer in {TIMEOUT} s")
        return inbox.recv()
    if channel == "SimpleQueue":
        return inbox.get()  # SimpleQueue.get() takes no timeout
    return inbox.get(timeout=TIMEOUT)


def consumer(channel, inbox, outbox):
    """The child: obey the parent until it says STOP."""
    get, put = get_and_put(channel, inbox, outbox)
    # --8<-- [start:consumer]
    for command in iter(get, STOP):
        if command == COUNT:  # count the messages until END
            put((sum(1 for _ in iter(get, END)), 0))
        elif command == COUNT_LENGTHS:  # bytes or lists: add up their lengths too
            messages = total = 0
            for message in iter(get, END):
                messages += 1
                total += len(message)
            put((messages, total))
        elif command == ECHO:  # send back whatever arrives until END
            for message in iter(get, END):
                put(message)
    # --8<-- [end:consumer]


def make_messages(payload, count, batch=1):
    if PAYLOADS[payload] == 0:  # small ints, maybe in batches
        if batch == 1:
            return list(range(count))
        return [list(range(i, i + batch)) for i in range(0, count * batch, batch)]
    return [b"x" * PAYLOADS[payload]] * count  # one object, pickled each time


def summary(seconds, count, size):
    """Median rate over the repeats, and the spread (max - min) / median."""
    rates = [count / s for s in seconds]
    median = statistics.median(rates)
    return {
        "seconds": seconds,
        "per_s": median,
        "bytes_per_s": median * size if size else None,
        "spread": (max(rates) - min(rates)) / median,
    }


def throughput(channel, parent, payload, count, batch, repeats):
    """Send rounds of messages; each ends when the child reports its count."""
    _, put = get_and_put(channel, *parent)
    messages = make_messages(payload, count, batch)
    command = COUNT if PAYLOADS[payload] == 0 and batch == 1 else COUNT_LENGTHS
    seconds, received = [], set()
    for i in range(repeats + 1):  # round 0 warms up
        started = time.perf_counter()
        put(command)
        for message in messages:
            put(message)
        put(END)
        counted = wait_for(channel, parent[0])
        if i:
            seconds.append(time.perf_counter() - started)
            received.add(counted)
    size = PAYLOADS[payload] if batch == 1 else 0
    result = {
        "sent": {"messages": count, "items": count * batch, "bytes": count * size},
        "received": [{"messages": n, "items": total if batch > 1 else n, "bytes": total if size else 0}
                     for n, total in sorted(received)],
    }
    result.update(summary(seconds, count * batch, size))
    return result


def round_trips(channel, parent, payload, count):
    """Send one message at a time and wait for its echo."""
    _, put = get_and_put(channel, *parent)
    message = make_messages(payload, 1)[0]
    put(ECHO)
    times, echoed = [], 0
    for i in range(count + count // 10):  # the first tenth warms up
        started = time.perf_counter()
        put(message)
        reply = wait_for(channel, parent[0])
        elapsed = time.perf_counter() - started
        if i >= count // 10:
            times.append(elapsed)
            echoed += reply == message
    put(END)
    return {
        "round_trips": count,
        "echoed": echoed,
        "median_s": statistics.median(times),
        "p99_s": statistics.quantiles(times, n=100)[98],
    }


def bench_channel(ctx, manager, channel, mode):
    """Start one consumer on one channel and measure everything through it."""
    share = MANAGER_SHARE if channel == "Manager().Queue" else 1
    parent, child, queues = open_channel(ctx, manager, channel)
    started = time.perf_counter()
    worker = ctx.Process(target=consumer, args=(channel, *child), daemon=True)
    worker.start()
    rows = []
    try:
        _, put = get_and_put(channel, *parent)
        for message in (ECHO, 0, END):
            put(message)
        wait_for(channel, parent[0])  # the echo of 0: the child is up and answering
        rows.append({"kind": "startup", "seconds": time.perf_counter() - started})
        for payload, size in PAYLOADS.items():
            count = max(1, min(mode["messages"], mode["bytes"] // max(size, 1)) // share)
            rows.append({"kind": "throughput", "payload": payload, "batch": 1,
                         **throughput(channel, parent, payload, count, 1, mode["repeats"])})
            fewer = 1 if size <= 1 << 10 else 4 if size <= 64 << 10 else 20
            rows.append({"kind": "latency", "payload": payload,
                         **round_trips(channel, parent, payload, mode["round_trips"] // fewer)})
        for batch in BATCHES:
            count = mode["batched_items"] // batch // share
            rows.append({"kind": "throughput", "payload": "small int", "batch": batch,
                         **throughput(channel, parent, "small int", count, batch, mode["repeats"])})
        put(STOP)
        worker.join(TIMEOUT)
    finally:
        if worker.is_alive():
            worker.terminate()
            worker.join(TIMEOUT)
        for q in queues:
            q.close()
            if hasattr(q, "join_thread"):  # SimpleQueue has no feeder thread
                q.join_thread()
    return rows


def raw_consumer(reader, control):
    """Read raw bytes into one buffer until the expected total has arrived."""
    buffer = bytearray(1 << 20)
    with open(reader.fileno(), "rb", buffering=0, closefd=False) as pipe:
        for total in iter(control.recv, STOP):
            got = 0
            while got < total:
                n = pipe.readinto(buffer)
                if not n:
                    break
                got += n
            control.send(got)


def write_all(fd, data):
    sent = os.write(fd, data)
    while sent < len(data):  # a blocking pipe rarely takes only part
        sent += os.write(fd, memoryview(data)[sent:])


def bench_raw(ctx, mode, duplex):
    """The limits: bytes written straight into the pipe that Pipe(duplex=False)
    wraps (an os.pipe() on POSIX) or the one Pipe() wraps (a socketpair()),
    with no pickling and no message framing."""
    reader, writer = ctx.Pipe(duplex=duplex)
    control, theirs = ctx.Pipe()
    worker = ctx.Process(target=raw_consumer, args=(reader, theirs), daemon=True)
    worker.start()
    rows = []
    try:
        reader.close()
        for payload, size in PAYLOADS.items():
            if not size:
                continue
            count = max(1, min(mode["messages"], mode["bytes"] // size))
            data = b"x" * size
            seconds, received = [], set()
            for i in range(mode["repeats"] + 1):  # round 0 warms up
                started = time.perf_counter()
                control.send(count * size)
                for _ in range(count):
                    write_all(writer.fileno(), data)
                got = wait_for("Pipe", control)
                if i:
                    seconds.append(time.perf_counter() - started)
                    received.add(got)
            rows.append({"kind": "throughput", "payload": payload, "batch": 1,
                         "sent": {"messages": count, "items": count, "bytes": count * size},
                         "received": [{"bytes": got} for got in sorted(received)],
                         **summary(seconds, count, size)})
        control.send(STOP)
        worker.join(TIMEOUT)
    finally:
        writer.close()
        if worker.is_alive():
            worker.terminate()
            worker.join(TIMEOUT)
    return rows


def bench_memory_copy(mode):
    """The other limit: one copy in this process's own memory."""
    rows = []
    for payload, size in PAYLOADS.items():
        if not size:
            continue
        count = max(1, min(mode["messages"], mode["bytes"] // size))
        data = b"x" * size
        seconds = []
        for i in range(mode["repeats"] + 1):  # round 0 warms up
            started = time.perf_counter()
            for _ in range(count):
                bytearray(data)
            if i:
                seconds.append(time.perf_counter() - started)
        rows.append({"kind": "throughput", "payload": payload, "batch": 1,
                     "sent": {"messages": count, "items": count, "bytes": count * size},
                     "received": [{"messages": count, "items": count, "bytes": count * size}],
                     **summary(seconds, count, size)})
    return rows


def page_sample(buffer):
    """One byte from every page: proof that the reader sees the whole buffer."""
    return bytes(memoryview(buffer)[::PAGE])


def big_consumer(conn):
    """Receive a big buffer through the pipe, or by the name of a shared memory segment."""
    for how, name in iter(conn.recv, STOP):
        if how == "pipe":
            conn.send(page_sample(conn.recv_bytes()))
        else:
            # --8<-- [start:attach]
            shm = shared_memory.SharedMemory(name=name)  # maps it: nothing is copied
            try:
                conn.send(page_sample(shm.buf))
            finally:
                shm.close()  # the owner unlinks it; a reader only closes
            # --8<-- [end:attach]


def bench_shared_memory(ctx, mode):
    """Hand a big buffer to another process: through a Pipe, or in shared memory."""
    size = mode["shared_size"]
    data = (bytes(range(251)) * (size // 251 + 1))[:size]
    expected = page_sample(data)
    in_use = bytearray(size)  # memory this process has already touched
    # --8<-- [start:tracker]
    # Under fork, a child started before this process's resource tracker runs
    # starts its own, and that one unlinks every segment the child attached
    # to when the child exits. Start ours first so that the child shares it.
    resource_tracker.ensure_running()
    # --8<-- [end:tracker]
    conn, theirs = ctx.Pipe()
    worker = ctx.Process(target=big_consumer, args=(theirs,), daemon=True)
    worker.start()

    def hand_over(how, name=None):
        conn.send((how, name))
        if how == "pipe":
            conn.send_bytes(data)
        if not conn.poll(TIMEOUT):
            raise TimeoutError(f"no answer in {TIMEOUT} s")
        return conn.recv() == expected

    times = {"Pipe.send_bytes": [], "shared memory, data already in it": [],
             "shared memory, create and copy in": [], "copy into new memory": [],
             "copy into memory in use": []}
    segments, verified = [], True
    try:
        for i in range(mode["shared_repeats"] + 1):  # round 0 warms up
            started = time.perf_counter()
            verified &= hand_over("pipe")
            through_pipe = time.perf_counter() - started

            started = time.perf_counter()
            # --8<-- [start:handover]
            shm = shared_memory.SharedMemory(create=True, size=size)
            try:
                segments.append(shm.name)
                shm.buf[:size] = data
                filled = time.perf_counter()
                verified &= hand_over("shm", shm.name)  # only the name travels
                done = time.perf_counter()
            finally:
                shm.close()
                shm.unlink()  # always: otherwise the segment outlives every process
            # --8<-- [end:handover]

            copy_started = time.perf_counter()
            copy = bytearray(data)
            copied = time.perf_counter()
            in_use[:] = data
            copied_in_place = time.perf_counter()
            del copy
            if i:
                times["Pipe.send_bytes"].append(through_pipe)
                times["shared memory, data already in it"].append(done - filled)
                times["shared memory, create and copy in"].append(done - started)
                times["copy into new memory"].append(copied - copy_started)
                times["copy into memory in use"].append(copied_in_place - copied)
        conn.send(STOP)
        worker.join(TIMEOUT)
    finally:
        if worker.is_alive():
            worker.terminate()
            worker.join(TIMEOUT)
    return [{"kind": "shared_memory", "how": how, "bytes": size, "seconds": seconds,
             "median_s": statistics.median(seconds), "verified": verified, "segments": segments}
            for how, seconds in times.items()]


def run_all(mode):
    """Every measurement, as rows labelled with start method and channel."""
    rows = []
    for method in ("fork", "spawn"):
        if method not in multiprocessing.get_all_start_methods():
            continue
        ctx = multiprocessing.get_context(method)
        with ctx.Manager() as manager:
            for channel in CHANNELS:
                for row in bench_channel(ctx, manager, channel, mode):
                    rows.append({"method": method, "channel": channel, **row})
        for name, duplex in (("raw os.pipe", False), ("raw socket pair", True)):
            for row in bench_raw(ctx, mode, duplex):
                rows.append({"method": method, "channel": name, **row})
        for row in bench_shared_memory(ctx, mode):
            rows.append({"method": method, "channel": "big buffer", **row})
    for row in bench_memory_copy(mode):
        rows.append({"method": "in-process", "channel": "memory copy", **row})
    return rows


def metadata(mode_name):
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": mode_name,
        "settings": MODES[mode_name],
        # Other work on the machine slows every figure: say how busy it was.
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def short(n):
    """452000 -> '452k'."""
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g}{unit}"
    return f"{n:.3g}"


def show(meta, rows):
    print(f"Python {meta['python']}, {meta['cpus']} CPUs, {meta['mode']} run, "
          f"medians of {meta['settings']['repeats']} repeats")
    for method in ("fork", "spawn", "in-process"):
        mine = [r for r in rows if r["method"] == method]
        if not mine:
            continue
        print(f"\n{method:<16} {'ints/s':>7} {'1 KiB':>9} {'1 MiB':>10} {'round trip':>11} {'batched ints/s':>15}")
        for channel in dict.fromkeys(r["channel"] for r in mine if r["kind"] == "throughput"):
            found = {(r["kind"], r.get("payload"), r.get("batch")): r for r in mine if r["channel"] == channel}
            ints = found.get(("throughput", "small int", 1))
            ping = found.get(("latency", "small int", None))
            batched = found.get(("throughput", "small int", 1000))
            kib, mib = found["throughput", "1 KiB", 1], found["throughput", "1 MiB", 1]
            print(f"{channel:<16} {short(ints['per_s']) if ints else '-':>7}"
                  f" {kib['bytes_per_s'] / 1e6:>5.0f} MB/s {mib['bytes_per_s'] / 1e6:>5.0f} MB/s"
                  f" {'%.0f µs' % (ping['median_s'] * 1e6) if ping else '-':>11}"
                  f" {short(batched['per_s']) if batched else '-':>15}")
        for r in mine:
            if r["kind"] == "shared_memory":
                print(f"{r['bytes'] >> 20} MiB, {r['how']:<34} {r['median_s'] * 1e3:7.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    how_long = parser.add_mutually_exclusive_group()
    how_long.add_argument("--quick", action="store_true", help="a rough run in seconds (the default)")
    how_long.add_argument("--full", action="store_true", help="the page's run: a few minutes")
    parser.add_argument("--json", metavar="PATH", help="write every figure to this file")
    args = parser.parse_args()
    mode_name = "full" if args.full else "quick"
    meta = metadata(mode_name)
    rows = run_all(MODES[mode_name])
    show(meta, rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "rows": rows}, f, indent=1)
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
