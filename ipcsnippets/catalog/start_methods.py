"""Snippets on the page about start methods (fork, spawn, forkserver)."""
from . import Expect, RAISES, Snippet, completes, raises
from .exercises import pair

PAGE = "start-methods.md"

_BOOTSTRAP = (
    r"An attempt has been made to start a new process before the\s+"
    r"current process has finished its bootstrapping phase"
)
_FORK_WARNING = (
    r"DeprecationWarning: This process \(pid=\d+\) is multi-threaded, "
    r"use of fork\(\) may lead to deadlocks in the child\."
)
_ALREADY_SET = r"set_start_method\('spawn'\) -> RuntimeError: context has already been set"


def _choosing(default: str):
    """get_context_vs_set_start_method on a platform whose default is ``default``."""
    return (
        r"^1\. .*\n    set_start_method\('spawn'\) -> ok\n    " + _ALREADY_SET + r"$",
        rf"^2\. .*\n    default now fixed to '{default}'\n    " + _ALREADY_SET + r"$",
        r"^3\. .*\n    " + _ALREADY_SET + r"$",
        r"got: a child that imported the main module as '__mp_main__'$",
        r"the default is still 'fork'$",
    )


_CHOOSING = _choosing("fork")
# forkserver_main_import: the pids of the __mp_main__ imports against the
# children's pids (each child imported it) or their parent (the server did).
_IMPORTED_PER_CHILD = (
    r"^imported as __mp_main__ in process (\d+)\nwork\(\) in process \1, started by (\d+)\n"
    r"imported as __mp_main__ in process (\d+)\nwork\(\) in process \3, started by \2$"
)
_IMPORTED_BY_SERVER = (
    r"^imported as __mp_main__ in process (\d+)\nwork\(\) in process \d+, started by \1\n"
    r"work\(\) in process \d+, started by \1$"
)
_GUARD_CHILD_DIES = completes(
    r"^main\(\) runs in module '__mp_main__'$",
    _BOOTSTRAP,
    r"^parent: the child's exit code is 1$",
    hides=(r"work\(\) ran",),
)
_GUARD_SERVER_DIES = raises(
    "EOFError|ConnectionResetError",
    r"^main\(\) runs in module '__mp_main__'$",
    _BOOTSTRAP,
    r"popen_forkserver\.py\", line \d+, in _launch",
)
_CRASHED = r"the child's exit code is -11$"
_SEMLOCK = (
    r"start\(\) -> RuntimeError: A SemLock created in a fork context is being shared "
    r"with a process in a spawn context"
)
# lock_argument_collected / lock_argument_kept: the child either opens the lock
# or dies rebuilding it, and the parent prints the child's exit code.
_LOCK_OPENED = r"^child: holding the lock\nparent: the child's exit code is 0$"
_LOCK_GONE = (
    r"^FileNotFoundError: \[Errno 2\] No such file or directory\n"
    r"parent: the child's exit code is 1$"
)

SNIPPETS = (
    Snippet(
        name="start_methods",
        title="What a child sees under fork, spawn and forkserver",
        page=PAGE,
        expect={
            "fork": completes(
                r"this run uses: fork$",
                r"report\(\) runs in module '__main__'$",
                r"child:  SETTING = 'changed by main\(\)'$",
            ),
            "spawn": completes(
                r"this run uses: spawn$",
                r"report\(\) runs in module '__mp_main__'$",
                r"child:  SETTING = 'as imported'$",
            ),
            "forkserver": completes(
                r"this run uses: forkserver$",
                r"report\(\) runs in module '__mp_main__'$",
                r"child:  SETTING = 'as imported'$",
            ),
        },
        timeout=10,
        deterministic=False,  # the start-up times change from run to run
    ),
    Snippet(
        name="get_context_vs_set_start_method",
        title="set_start_method() once and early, or get_context() at any time",
        page=PAGE,
        # Case 4, force=True: 3.12 and newer refuse to pass the fork-made
        # Queue to a spawn child; 3.9 and 3.10 start it and it crashes. 3.11
        # changed in a bugfix release (3.11.2 crashes, 3.11.7 refuses), and
        # keys name only major.minor versions, so 3.11 accepts either.
        expect={
            "*": completes(*_CHOOSING, _CRASHED),
            "*>=3.11": completes(*_CHOOSING, f"(?:{_SEMLOCK}|{_CRASHED})"),
            "*>=3.12": completes(*_CHOOSING, _SEMLOCK),
            "*>=3.14": completes(*_choosing("forkserver"), _SEMLOCK),
        },
        timeout=10,
        start_methods=(),  # it chooses, and fails to choose, on its own
    ),
    Snippet(
        name="default_start_method_changed",
        title="The same program works on 3.13 and fails on 3.14: the default changed",
        page=PAGE,
        expect={
            # Linux up to 3.13: fork copies the setting main() filled in.
            "own": completes(r"^start method: fork$", r"^scaled: \[10, 20, 30\]$"),
            # Linux from 3.14: forkserver; a worker sees the module as imported.
            "own>=3.14": Expect(frozenset({RAISES}), exception="KeyError", hides=(r"^scaled:",),
                                shows=(r"^start method: forkserver$", r"^KeyError: 'factor'$")),
        },
        timeout=10,
        start_methods=(),  # the point is the interpreter's own default
        outputs_also_on=((3, 13),),
    ),
    Snippet(
        name="default_start_method_fixed",
        title="The pool's initializer gives every worker the setting, whatever the method",
        page=PAGE,
        expect={"*": completes(r"^scaled: \[10, 20, 30\]$", hides=(r"Error",))},
        timeout=10,
    ),
    Snippet(
        name="forkserver_main_import",
        title="Where forkserver imports the main module: each child, or once in the server",
        page=PAGE,
        expect={
            # gh-135295: before 3.13.8 (and in 3.14.0), one import per child.
            "own": completes(_IMPORTED_PER_CHILD, hides=(_IMPORTED_BY_SERVER,)),
            "own>=3.13.8": completes(_IMPORTED_BY_SERVER, hides=(_IMPORTED_PER_CHILD,)),
            "own>=3.14": completes(_IMPORTED_PER_CHILD, hides=(_IMPORTED_BY_SERVER,)),  # 3.14.0: source
            "own>=3.14.1": completes(_IMPORTED_BY_SERVER, hides=(_IMPORTED_PER_CHILD,)),
        },
        timeout=10,
        start_methods=(),  # it asks for forkserver itself
        deterministic=False,  # process ids differ from run to run
    ),
    Snippet(
        name="main_guard_missing",
        title="No __main__ guard: the child re-imports the file and dies",
        page=PAGE,
        expect={
            # fork imports nothing again: the missing guard goes unnoticed.
            "fork": completes(
                r"^child: work\(\) ran$",
                r"^parent: the child's exit code is 0$",
                hides=(r"__mp_main__", r"RuntimeError"),
            ),
            # spawn (and forkserver up to 3.13.7): the child's import runs
            # main() again.
            "*": _GUARD_CHILD_DIES,
            # 3.13.8 and 3.14.1 (gh-135295) made the forkserver import the
            # main module once, in the server, as it always meant to: main()
            # runs there, the server dies, and the parent's start() fails.
            # Which error it gets depends on when the server went.
            "forkserver>=3.13.8": _GUARD_SERVER_DIES,
            "forkserver>=3.14": _GUARD_CHILD_DIES,  # 3.14.0, read from the source
            "forkserver>=3.14.1": _GUARD_SERVER_DIES,
            # 3.15 ignores a failed preload of the main module (gh-141860):
            # each child imports it again and dies, as under spawn.
            "forkserver>=3.15": _GUARD_CHILD_DIES,
        },
        timeout=10,
    ),
    Snippet(
        name="fork_with_threads_warning",
        title="Forking with a Queue's feeder thread alive warns from 3.12",
        page=PAGE,
        expect={
            "fork": completes(r"^after put\(\): 2 thread\(s\)", hides=(r"DeprecationWarning",)),
            "fork>=3.12": completes(r"^after put\(\): 2 thread\(s\)", _FORK_WARNING),
        },
        timeout=10,
        # Only fork copies the threaded parent; spawn and forkserver never
        # fork it, so under them the program has nothing to show.
        start_methods=("fork",),
    ),
    Snippet(
        name="lock_argument_collected",
        title="A Lock created inline as a Process argument is gone before a spawn child opens it",
        page=PAGE,
        expect={
            # fork: the child inherits the semaphore itself; no name to open.
            "fork": completes(_LOCK_OPENED, hides=(r"Error",)),
            # spawn: the name is unlinked inside start(), long before the new
            # interpreter unpickles the lock.
            "spawn": completes(_LOCK_GONE, hides=(r"holding the lock",)),
            # forkserver: a race between the parent leaving start() and the
            # quickly forked child opening the name; the parent usually wins.
            "forkserver": completes(f"(?:{_LOCK_GONE})|(?:{_LOCK_OPENED})"),
        },
        timeout=10,
        deterministic=False,  # under forkserver either outcome happens
    ),
    Snippet(
        name="lock_argument_kept",
        title="Keep a reference to the Lock until the child is joined",
        page=PAGE,
        expect={"*": completes(_LOCK_OPENED, hides=(r"Error",))},
        timeout=10,
    ),
    Snippet(
        name="forkserver_preload",
        title="set_forkserver_preload(): start-up per child under each method, measured",
        page="start-methods.md",
        # It chooses its methods itself. The times vary with the load; which
        # children find the module loaded does not.
        expect={"*": completes(
            r"^spawn +(\d+\.\d ms +){3} asyncio already loaded: \[False, False, False\]$",
            r"^forkserver +(\d+\.\d ms +){3} asyncio already loaded: \[True, True, True\]$",
            r"^fork +(\d+\.\d ms +){3} asyncio already loaded: \[False, False, False\]$",
        )},
        timeout=15,
        start_methods=(),
        deterministic=False,
    ),
)


_LAMBDA = r"AttributeError: Can't (?:pickle|get) local object 'main\.<locals>\.<lambda>'"
_LAMBDA_314 = r"PicklingError: Can't pickle local object <function main\.<locals>\.<lambda> at 0x"

# The exercise at the end of the page (see exercises.py).
SNIPPETS += (
    *pair(
        "start_method_twice", "start-methods.md",
        title="set_start_method() inside a function called twice",
        bug={"own": raises("RuntimeError", r"^first batch: \[1, 4, 9\]$",
                            r"^RuntimeError: context has already been set$", hides=(r"^second batch:",))},
        fixed={"own": completes(r"^first batch: \[1, 4, 9\]$", r"^second batch: \[16, 25, 36\]$")},
        timeout=10,
        start_methods=(),  # it chooses its own start method
    ),
    *pair(
        "lambda_target", "start-methods.md",
        title="a lambda as a Process target",
        # fork copies the lambda into the child; spawn and forkserver pickle it.
        # From 3.14, pickle raises PicklingError for a local object (with
        # the object's repr), where older versions raised AttributeError.
        bug={"fork": completes(r"^hello, Ada\nhello, Grace$"),
             "*": raises("AttributeError", _LAMBDA, hides=(r"hello",)),
             "*>=3.14": raises("PicklingError", _LAMBDA_314, hides=(r"hello",)),
             "fork>=3.14": completes(r"^hello, Ada\nhello, Grace$")},
        fixed={"*": completes(r"^hello, Ada\nhello, Grace$")},
        timeout=10,
    ),
)
