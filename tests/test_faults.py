"""Faults: whatever dies, and however, no process of a run is left behind."""
import os
import signal
import subprocess
import sys
import time

import pytest

from ipcsnippets import catalog, runner
from ipcsnippets.runner import run_path

from _processes import interruptible_popen, now, stray_processes
from _processes import processes_of_runs_by as runs_by


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"timed out after {seconds} s waiting for {what}")


# A run whose main process has made a semaphore and a shared memory block
# that the resource tracker was never told of: where a process killed while
# it makes its first lock stops (that lock also starts the tracker). The
# tracker cannot unlink them; the runner must.
UNTOLD = (
    "import multiprocessing, threading\n"
    "from multiprocessing import resource_tracker, shared_memory\n"
    "def main():\n"
    "    resource_tracker.register = lambda name, rtype: None  # never told\n"
    "    lock = multiprocessing.get_context('spawn').Lock()\n"
    "    block = shared_memory.SharedMemory(create=True, size=4096)\n"
    "    with open('made.txt', 'w') as f:\n"
    "        f.write('/dev/shm/sem.' + lock._semlock.name.lstrip('/') + '\\n/dev/shm/' + block.name + '\\n')\n"
    "    threading.Event().wait()\n"
    "if __name__ == '__main__':\n"
    "    main()\n"
)


# Where glibc's sem_open is when a kill can leave an empty "sem.XXXXXX":
# the file made under its temporary name and open, not yet written or mapped.
HALF_MADE = (
    "import os, threading\n"
    "def main():\n"
    "    path = '/dev/shm/sem.' + os.urandom(4).hex()\n"
    "    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)\n"
    "    with open('made.txt', 'w') as f:\n"
    "        f.write(path + '\\n')\n"
    "    threading.Event().wait()\n"
    "if __name__ == '__main__':\n"
    "    main()\n"
)


def made_by(path, count=2):
    """The /dev/shm files a run of UNTOLD (two) or HALF_MADE (one) wrote it
    made, once it has made them all."""
    made = path.with_name("made.txt")
    text = made.read_text() if made.exists() else ""
    return text.split() if text.endswith("\n") and len(text.split()) == count else None


def remove(paths):
    for p in paths or ():
        if os.path.exists(p):
            os.unlink(p)


def start(args):
    return subprocess.Popen([sys.executable, *args], cwd=catalog.ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_runner_killed_outright_leaves_no_orphan_tree():
    runner = start(["-c", "import ipcsnippets; ipcsnippets.run('queue_race_forced', 'spawn', timeout=60)"])
    try:
        # The forced race's tree: main, both consumers (one stuck), the resource tracker.
        wait_for(lambda: len(runs_by(runner.pid)) >= 3, 20, "the snippet's tree to start")
        runner.kill()  # SIGKILL: the runner gets no chance to clean up
        runner.wait(10)
        wait_for(lambda: not runs_by(runner.pid), 10, "the watchdog to kill the orphaned tree")
    finally:
        runner.kill()
        runner.wait(10)


def test_a_runner_killed_before_it_registered_its_run_leaves_no_orphan_tree():
    """The window the soak found: a runner killed after starting a run but
    before telling the watchdog its process group. Made certain here by a
    runner that never tells it; the watchdog finds the run by the runner's
    folder in the environment of each of its processes."""
    runner = start(["-c", "import ipcsnippets\n"
                          "from ipcsnippets import runner\n"
                          "runner._Running._add = lambda self, pgid: None  # never registered\n"
                          "ipcsnippets.run('queue_race_forced', 'spawn', timeout=60)"])
    try:
        wait_for(lambda: len(runs_by(runner.pid)) >= 3, 20, "the snippet's tree to start")
        runner.kill()
        runner.wait(10)
        wait_for(lambda: not runs_by(runner.pid), 10, "the watchdog to kill the unregistered tree")
    finally:
        runner.kill()
        runner.wait(10)


def test_a_runner_killed_outright_removes_what_the_tree_made_and_never_told_the_tracker(write_script):
    path = write_script(UNTOLD)
    runner = start(["-c", f"from ipcsnippets.runner import run_path; run_path({str(path)!r}, timeout=60)"])
    made = None
    try:
        made = wait_for(lambda: made_by(path), 20, "the run to make its semaphore and block")
        assert all(os.path.exists(p) for p in made)
        runner.kill()
        runner.wait(10)
        wait_for(lambda: not runs_by(runner.pid), 10, "the watchdog to kill the orphaned tree")
        wait_for(lambda: not any(os.path.exists(p) for p in made), 10, "the watchdog to remove " + " and ".join(made))
    finally:
        runner.kill()
        runner.wait(10)
        remove(made)


@pytest.mark.parametrize("script, files", [(UNTOLD, 2), (HALF_MADE, 1)], ids=["untold", "half-made"])
def test_a_timed_out_run_removes_what_the_tree_made_and_never_told_the_tracker(script, files, write_script):
    path = write_script(script)
    result = run_path(path, timeout=1)
    made = made_by(path, files)
    try:
        assert result.outcome == "hangs" and made, result.output
        assert [p for p in made if os.path.exists(p)] == []
    finally:
        remove(made)


@pytest.mark.parametrize("command", [["check", "queue_race_forced", "pipe_greetings"], ["run", "queue_race_forced", "-t", "30"]])
def test_ctrl_c_stops_the_cli_and_every_tree_it_started(command):
    cli = interruptible_popen([sys.executable, "-m", "ipcsnippets", *command], cwd=catalog.ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Each tree has at least the main process and the consumer stuck in get().
        wait_for(lambda: len(runs_by(cli.pid)) >= 2, 20, "snippet trees to start")
        cli.send_signal(signal.SIGINT)
        _, err = cli.communicate(timeout=15)
    finally:
        cli.kill()
        cli.wait(10)
    assert cli.returncode == 130, err
    assert "interrupted" in err and len(err.strip().splitlines()) == 1, err
    assert runs_by(cli.pid) == []


def test_a_snippet_killed_mid_run_is_reported_and_its_children_are_stopped(write_script):
    path = write_script(
        "import multiprocessing, os, signal\n"
        "def wait_forever(ready):\n"
        "    ready.set()\n"
        "    multiprocessing.Event().wait()\n"
        "def main():\n"
        "    ready = multiprocessing.Event()\n"
        "    multiprocessing.Process(target=wait_forever, args=(ready,), name='waiter').start()\n"
        "    ready.wait(10)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "if __name__ == '__main__':\n"
        "    main()\n"
    )
    started = time.monotonic()
    result = run_path(path, "forkserver", timeout=20)
    assert result.outcome == "killed" and result.exit_code == -signal.SIGKILL
    assert len(result.leftovers) == 1, result.leftovers  # the waiter, named and killed
    assert time.monotonic() - started < 8
    assert runs_by(os.getpid()) == []


def test_the_guard_finds_a_child_and_an_orphan_of_a_run_both_started_during_the_test():
    """The autouse guard's search (_processes.stray_processes): a child of the
    test process, and an orphan that only the run folder in its environment
    ties to this process."""
    since, first = now() - 0.1, runner.last_pid()
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    child = subprocess.Popen(sleeper)
    folder = f"/tmp/{runner.RUN_FOLDER_PREFIX}{os.getpid()}-guardtest"
    orphan_pid = None
    try:
        parent = subprocess.run(
            [sys.executable, "-c", "import subprocess; print(subprocess.Popen("
             f"{sleeper!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid)"],
            env={**os.environ, "IPCSNIPPETS_DUMP_DIR": folder}, capture_output=True, text=True, timeout=30)
        orphan_pid = int(parent.stdout)
        found = stray_processes(since, first)
        assert any(line.startswith(f"pid {child.pid} (child)") for line in found), found
        assert any(line.startswith(f"pid {orphan_pid} (from a run)") for line in found), found
    finally:
        child.kill()
        child.wait(10)
        if orphan_pid:
            os.kill(orphan_pid, signal.SIGKILL)
    wait_for(lambda: not stray_processes(since, first), 10, "the sleepers to go")
