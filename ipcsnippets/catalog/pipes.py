"""Snippets on the pages about pipes (basics and pitfalls)."""
from . import Snippet, completes, hangs

_INTACT = r"^writer-{}: 5 of 5 messages intact, in order: \[1, 2, 3, 4, 5\]$"

SNIPPETS = (
    Snippet(
        name="pipe_greetings",
        title="A child sends ten greetings; the parent reads until EOFError",
        page="pipes/basics.md",
        expect={"*": completes(r"hello #10 from sender", r"the sender is done")},
        timeout=5,
    ),
    Snippet(
        name="pipe_duplex",
        title="Pipe() is duplex (a ping-pong); Pipe(duplex=False) is one-way",
        page="pipes/basics.md",
        expect={"*": completes(
            r"^sent 'ping 3', received 'pong 3'$",
            r"^ponger exit code: 0$",
            r"^receive_end\.send\(\.\.\.\): OSError: connection is read-only$",
            r"^send_end\.recv\(\): OSError: connection is write-only$",
        )},
        timeout=5,
    ),
    Snippet(
        name="pipe_poll",
        title="poll() answers at once, poll(t) waits up to t seconds, poll(None) waits for data",
        page="pipes/basics.md",
        # The durations are measured. poll(0.3)'s lower bound is the claim;
        # a busy machine adds its own delay (0.2 s seen on CI with the suite
        # on both cores), so the upper bounds only say "short of 0.3 s".
        # poll(None)'s clock starts after go.set(): the child's DELAY may
        # already have begun, so its figure is not bounded here (the test of
        # the functions measures it from before the set).
        expect={"*": completes(
            r"^poll\(\) +-> False after 0\.[0-2] s$",
            r"^poll\(0\.3\) +-> False after (0\.[3-9]|[1-9]\d*\.\d) s$",
            r"^poll\(None\) +-> True after \d+\.\d s$",
            r"^recv\(\) +-> 'finally some data' after 0\.[0-2] s$",
        )},
        timeout=5,
        deterministic=False,
    ),
    Snippet(
        name="connection_wait",
        title="connection.wait() serves three workers' pipes from one loop",
        page="pipes/basics.md",
        # Which worker is ready first depends on timing; each one's results
        # arrive in its own order and each end reaches EOF once.
        expect={"*": completes(*(rf"^worker-{i}: result 3$" for i in (1, 2, 3)),
                               *(rf"^worker-{i} is done$" for i in (1, 2, 3)))},
        timeout=10,
        deterministic=False,
    ),
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
    Snippet(
        name="listener_client",
        title="Listener and Client on loopback: a key lets one client in, keeps another out",
        page="pipes/basics.md",
        expect={"*": completes(
            r"^listening on 127\.0\.0\.1$",
            r"^intruder: AuthenticationError: digest sent was rejected$",
            r"^server: refused a client: digest received was wrong$",
            r"^client: 3 squared is 9$",
        )},
        timeout=10,
    ),
    Snippet(
        name="pipe_send_bytes",
        title="send_bytes(), recv_bytes(maxlength), recv_bytes_into(), and what skipping pickle gains",
        page="pipes/basics.md",
        # The rates vary with the machine's load; the calls' results do not.
        # The start method changes only the children's start-up, which is
        # not timed, so it runs once, under the interpreter's default.
        expect={"*": completes(
            r"^recv_bytes\(\): b'23456'$",
            r"^recv_bytes_into\(\): 4 bytes: b'spam'$",
            r"^BufferTooShort: the message was 30 bytes$",
            r"^recv_bytes\(maxlength=100\): bad message length$",
            r"^receive_end is closed now: True$",
            *(rf"^  {way} +[\d,]+ messages/s +[\d,]+ MB/s  x\d+\.\d\d$"
              for way in ("send/recv", "send_bytes/recv_bytes", "send_bytes/recv_bytes_into")),
        )},
        timeout=15,
        start_methods=(),
        deterministic=False,
    ),
)
