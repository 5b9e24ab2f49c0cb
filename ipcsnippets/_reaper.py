"""Kill a run's processes and remove the semaphores and shared memory they leave.

Shared by the runner and by its watchdog, which runs this file as a script
(``python _reaper.py NAME MARKER``), so it imports nothing of the package.
psutil finds the processes; the /dev/shm clean-up reads /proc itself,
because it needs the inodes of what each process has mapped or open, which
psutil does not give.

Why the cleanup: under spawn and forkserver a named semaphore lives in
``/dev/shm`` until the resource tracker unlinks it, and the tracker only
knows of it once the creating process has told it. A process killed between
``sem_open`` and that message (its first lock also starts the tracker: tens
of milliseconds) leaves the semaphore for ever. So before the kill each
process is stopped and the ``/dev/shm`` files it has mapped or open are
noted (by inode: glibc makes a new semaphore under a temporary name that it
then links to the real one); once the tree and its tracker are gone, those
still there are removed.
"""
import os
import signal
import sys
import time

import psutil

SHM = "/dev/shm"
# multiprocessing's named semaphores (and glibc's temporary names for them
# while sem_open runs) and its shared memory blocks.
_OURS = ("sem.", "psm_")


def is_tracker(cmdline):
    return "resource_tracker" in cmdline


_STOPPED_OR_GONE = (psutil.STATUS_STOPPED, psutil.STATUS_TRACING_STOP,
                    psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)


def alive(pid):
    """The process exists and is not a zombie."""
    try:
        return psutil.Process(pid).status() not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except psutil.Error:
        return False


def _stopped_or_gone(pid):
    try:
        return psutil.Process(pid).status() in _STOPPED_OR_GONE
    except psutil.Error:
        return True


def _signal(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def _held_shm(pids):
    """(device, inode) of every /dev/shm file the processes have mapped or
    open. Open and not yet mapped: glibc's sem_open creates the semaphore's
    file under a temporary name, writes it, and only then maps it; a process
    killed in between leaves an empty ``sem.XXXXXX`` (seen once in a suite
    run, after a kill)."""
    found = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/maps") as f:
                lines = [line for line in f if " /dev/shm/" in line]
        except OSError:
            lines = []
        for line in lines:
            fields = line.split(None, 5)
            try:
                major, minor = fields[3].split(":")
                found.add((os.makedev(int(major, 16), int(minor, 16)), int(fields[4])))
            except (IndexError, ValueError):
                continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(SHM + "/"):
                    st = os.stat(f"/proc/{pid}/fd/{fd}")
                    found.add((st.st_dev, st.st_ino))
            except OSError:
                continue
    return found


def stop_and_kill(pids, settle=0.5):
    """SIGSTOP the processes, note the /dev/shm files they have mapped or
    open, then SIGKILL them. Stopped first, none creates a semaphore between
    the look and the kill. Returns what they held."""
    _signal(pids, signal.SIGSTOP)
    deadline = time.monotonic() + settle
    # kill() returns before a process running on another core has stopped.
    while not all(map(_stopped_or_gone, pids)) and time.monotonic() < deadline:
        time.sleep(0.001)
    mapped = _held_shm(pids)
    _signal(pids, signal.SIGKILL)  # a stopped process dies of it too
    return mapped


def remove_left(mapped):
    """Unlink the semaphores and shared memory blocks in /dev/shm whose inode
    is in ``mapped``: call it once the processes and their resource tracker
    are gone. Returns the names removed."""
    if not mapped or not os.path.isdir(SHM):
        return []
    removed = []
    for name in os.listdir(SHM):
        if not name.startswith(_OURS):
            continue
        path = os.path.join(SHM, name)
        try:
            st = os.stat(path)
            if (st.st_dev, st.st_ino) in mapped:
                os.unlink(path)
                removed.append(name)
        except OSError:
            continue
    return removed


def _wait_until(done, seconds, step=0.01):
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)
    return True


def kill_and_clean(members, grace):
    """Kill the processes ``members()`` lists (pid -> command line, read
    afresh on each call): all but the resource trackers first; the trackers
    then have ``grace`` seconds to unlink what they know of before they are
    killed too; last, whatever the processes had mapped in /dev/shm and is
    still there is removed. Returns the names removed."""
    mapped = set()
    for _ in range(50):  # a process may start another while we kill
        targets = [pid for pid, cmd in members().items() if not is_tracker(cmd)]
        if not targets:
            break
        mapped |= stop_and_kill(targets)
        _wait_until(lambda: not any(not is_tracker(c) for c in members().values()), 0.5)
    if not _wait_until(lambda: not members(), grace):
        _signal(list(members()), signal.SIGKILL)
        _wait_until(lambda: not members(), 1.0)
    return remove_left(mapped)


# --- the watchdog -------------------------------------------------------------

def _watched(groups, marker):
    """Live processes of the groups, and any process with ``marker`` in its
    environment: a run killed between its start and its registration is
    found by the runner's folder."""
    found = {}
    me = os.getpid()
    for process in psutil.process_iter():
        try:
            if process.pid == me or process.status() in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
                continue
            if os.getpgid(process.pid) not in groups:
                if not any(marker in value for value in process.environ().values()):
                    continue
            found[process.pid] = " ".join(process.cmdline())
        except (OSError, psutil.Error):
            continue  # it ended while we looked, or is not ours to read
    return found


def watchdog(marker):
    """Read ``+pgid`` and ``-pgid`` lines from the runner on stdin; at EOF the
    runner is gone: kill what it left running and clean up after it."""
    groups = set()
    for line in sys.stdin:
        (groups.add if line[0] == "+" else groups.discard)(int(line[1:]))
    kill_and_clean(lambda: _watched(groups, marker), grace=3.0)


if __name__ == "__main__":
    # argv[1] is the watchdog's name (so that ps and the tests can tell it).
    watchdog(sys.argv[2])
