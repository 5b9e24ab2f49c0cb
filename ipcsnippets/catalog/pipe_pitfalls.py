"""Snippets on the page about the pitfalls of pipes."""
from . import Snippet, completes, hangs

_INTACT = r"^writer-{}: 5 of 5 messages intact, in order: \[1, 2, 3, 4, 5\]$"

SNIPPETS = (
    Snippet(
        name="pipe_eof_hang",
        title="The parent keeps its copy of the child's end: recv() never sees EOF",
        page="pipes/pitfalls.md",
        expect={"*": hangs(r"^hello #10 from sender$")},
        timeout=2,
    ),
    Snippet(
        name="pipe_two_writers",
        title="Two writers on one end of a Pipe: the reader gets a corrupt stream",
        page="pipes/pitfalls.md",
        # Certain: the stream breaks in every run, with this error. How many
        # messages arrive intact before it varies (0 in most runs).
        expect={"*": completes(
            r"^after \d+ intact message\(s\): UnpicklingError: invalid load key, '\\x00'\.$",
            r"^writers stopped$",
        )},
        timeout=10,
        deterministic=False,
    ),
    Snippet(
        name="pipe_writer_per_process",
        title="Fix: one pipe per writer and connection.wait(): every message intact",
        page="pipes/pitfalls.md",
        expect={"*": completes(_INTACT.format(1), _INTACT.format(2))},
        timeout=10,
    ),
    Snippet(
        name="pipe_lock_around_send",
        title="Fix: a Lock around send() on the shared end: every message intact",
        page="pipes/pitfalls.md",
        expect={"*": completes(_INTACT.format(1), _INTACT.format(2))},
        timeout=10,
    ),
    Snippet(
        name="pipe_send_blocks",
        title="send() blocks once the pipe is full; read first, then join",
        page="pipes/pitfalls.md",
        expect={"*": completes(
            r"^65,000 bytes: send\(\) returned, nobody has read yet$",
            r"^66,000 bytes: send\(\) still blocked after 0\.5 s, nobody has read$",
            r"^66,000 bytes: recv\(\) got 66,000 bytes, send\(\) is done: True$",
            r"^child: recv\(\) got 1,000,000 bytes, then join\(\): exit code 0$",
        )},
        timeout=10,
    ),
    Snippet(
        name="pipe_capacity",
        title="How many bytes Pipe(duplex=False) and Pipe() hold before send() waits",
        page="pipes/pitfalls.md",
        # The sizes are the kernel's (65,532 and 219,264 on Linux here; the
        # tests check them). It starts no process, so a start method changes
        # nothing: it runs once.
        expect={"*": completes(
            r"^Pipe\(duplex=False\) holds a message of [\d,]+ bytes, unread$",
            r"^Pipe\(\) +holds a message of [\d,]+ bytes, unread$",
        )},
        timeout=10,
        start_methods=(),
    ),
    Snippet(
        name="pipe_join_before_recv",
        title="join() before recv() on a child that sends 1 MB: deadlock",
        page="pipes/pitfalls.md",
        # The parent waits in join(); the child waits in send() for a reader.
        expect={"*": hangs(r"^sender: sending 1,000,000 bytes$")},
        timeout=2,
    ),
)
