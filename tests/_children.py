"""What the child processes of in-process tests run: the standard library only.

A spawn or forkserver child imports the module of its target (and of every
class it unpickles) before it runs. From a test module that means pytest,
ipcsnippets and the rest, several times the CPU of the child's own start-up
(figures in the commit that made this module). Fork children import nothing.
The snippets' own functions (``ipcsnippets.load``) are just as light.
"""
import multiprocessing
import os
import threading
import time

TIMEOUT = 10  # seconds: a child waiting longer than this is a failure, not a wait


# --- processes ----------------------------------------------------------------

def _sleep_and_return(seconds):
    time.sleep(seconds)
    return seconds


def _exit_with(code):
    raise SystemExit(code)


def _raise():
    raise ValueError("a worker's bug")


def _start_a_child(done):
    p = multiprocessing.Process(target=_sleep_and_return, args=(0,))
    try:
        p.start()
    except AssertionError as exc:
        done.put(str(exc))


# --- queues: putting, getting, crashing ---------------------------------------

def put_and_report(q, item, done):
    q.put(item)
    done.set()  # put() returned; whether the item ever gets written is another matter


def _get_untimed(q):
    q.get()


def _put_numbered(name, q, count):
    for n in range(count):
        q.put((name, n))


def _put_type_name(q, thing):
    q.put(type(thing).__name__)


def _report_one(q, report):
    report.put(q.get(timeout=TIMEOUT))


# --- deadlocks and lost items -------------------------------------------------

def put_then_exit(q, items, cancel):
    for n in range(items):
        q.put(bytes([n]) * 1_000)
    if cancel:
        q.cancel_join_thread()


class NeverPickled:
    """An item whose pickling, in the feeder thread, waits for ever: it is
    certain that it has not reached the pipe when the process exits."""

    def __reduce__(self):
        threading.Event().wait(60)
        return (int, (0,))


def put_an_item_that_cannot_leave_then_cancel(q):
    q.put(NeverPickled())
    q.cancel_join_thread()


class FailsOnceExiting:
    """An item whose pickling waits until its process has begun to exit, then fails."""

    def __reduce__(self):
        from multiprocessing import util

        deadline = time.monotonic() + TIMEOUT
        while not util.is_exiting() and time.monotonic() < deadline:
            time.sleep(0.005)
        raise TypeError("cannot pickle this item")


def _put_then_return(q):
    q.put("before")
    q.put(FailsOnceExiting())
    q.put("after")


# --- manager queues -----------------------------------------------------------

def _put(q, item):
    q.put(item)


def _put_after(q, item, event):
    assert event.wait(TIMEOUT)
    q.put(item)


def _put_then_set(q, item, event):
    q.put(item)
    event.set()


def _take_then_crash(q):
    q.get(timeout=TIMEOUT)
    os._exit(1)  # dies before doing anything with the item


def _put_from_inbox(inbox):
    q, item = inbox.recv()  # a manager queue proxy, sent after this process started
    q.put(item)


# --- JoinableQueue -------------------------------------------------------------

def take_one_and_die(tasks):
    tasks.get(timeout=TIMEOUT)
    os._exit(1)  # a crash before task_done()


# --- Listener and Client --------------------------------------------------------

def _send_a_call(address, authkey):
    from multiprocessing.connection import Client

    with Client(address, authkey=authkey) as conn:
        conn.send(RunsInTheReceiver())  # made here: an argument would be unpickled in this child


class RunsInTheReceiver:
    """Unpickled as a call of os.getpid in whichever process unpickles it."""

    def __reduce__(self):
        return (os.getpid, ())
