"""Snippets on the page about pipes: the basics, Listener and Client, raw bytes."""
from . import Snippet, completes
from .exercises import pair

_CITIES = r"^sent: +\['Copenhagen', 'Oslo', 'Helsinki', 'Reykjavik'\]$"
# The client reads the server's challenge (b"#CHALLENGE#...") as a pickle.
_CHALLENGE_UNPICKLED = r"^_pickle\.UnpicklingError: invalid load key, '#'\.$"
# What the server's accept() says of the pickled 3 it took for the answer
# to its challenge: from 3.12 it quotes it (deliver_challenge() of each
# version), pickled with protocol 4, and with protocol 5 from 3.14.
_REFUSED = r"^server: refused the client: {}$"
_UNSUPPORTED = (r"unsupported message length, missing digest prefix, "
                r"or unsupported digest: message=b'\\x80\\x0{}K\\x03\.'")


def _refused(reason: str):
    return completes(_CHALLENGE_UNPICKLED, _REFUSED.format(reason), r"^client's exit code: 1$",
                     hides=(r"^client: \d+ squared is",))


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
    *pair(
        "raw_bytes_buffer", "pipes/basics.md",
        title="recv_bytes_into() a reused buffer, its length ignored",
        # Each name overwrites the start of the buffer only; the tail of a
        # longer name before it stays, and rstrip(b"\0") keeps it.
        bug={"*": completes(_CITIES, r"^received: \['Copenhagen', 'Oslonhagen', 'Helsinkien', 'Reykjavikn'\]$",
                            hides=(r"Traceback",))},
        fixed={"*": completes(_CITIES, r"^received: \['Copenhagen', 'Oslo', 'Helsinki', 'Reykjavik'\]$",
                              hides=(r"Traceback",))},
        timeout=10,
    ),
    *pair(
        "listener_authkey", "pipes/basics.md",
        title="Client(address, authkey): the key passed as the family",
        bug={"*": _refused("digest received was wrong"),
             "*>=3.12": _refused(_UNSUPPORTED.format(4)),
             "*>=3.14": _refused(_UNSUPPORTED.format(5))},
        fixed={"*": completes(r"^client: 3 squared is 9$", r"^client's exit code: 0$",
                              hides=(r"Traceback", r"refused"))},
        timeout=10,
    ),
)
